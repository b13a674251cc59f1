// Pids are only meaningful in the pid namespace whose /proc is read. A process started by
// `unshare -pf` without a /proc of its own sees the outer namespace's /proc: every pid listed there
// is a stranger to kill(2) (ESRCH), and its own pid (1 inside) names init outside.
import * as fs from 'node:fs';

/** One sentence when /proc belongs to another pid namespace than this process; undefined when it matches or there is no /proc. */
export function pidNamespaceMismatch(procRoot = '/proc', ownPid = process.pid): string | undefined {
  if (process.platform !== 'linux') { return undefined; }
  let seen: string;
  try { seen = fs.readlinkSync(`${procRoot}/self`); } catch { return undefined; }
  if (seen === String(ownPid)) { return undefined; }
  return `Refusing to signal anything: ${procRoot} belongs to another pid namespace (this process is pid ${ownPid} here but ${seen} in ${procRoot}), so its pids cannot be matched to processes; mount a /proc for this namespace or run outside it.`;
}
