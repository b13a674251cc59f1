// Keeps the procfs owner cache between CLI runs, in a directory only this user can write.
// A cache that is missing, foreign, from another boot or damaged is ignored: it is a hint that
// the collector re-validates (start time, fd count, unknown inodes, 30 s full walk), never a source of truth.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProcfsCollector } from './procfsCollector';

export function ownerCachePath(): string {
  const uid = process.getuid?.() ?? 0;
  const base = process.env.XDG_RUNTIME_DIR && path.isAbsolute(process.env.XDG_RUNTIME_DIR) ? process.env.XDG_RUNTIME_DIR : os.tmpdir();
  return path.join(base, `port-inspector-${uid}`, 'owners-v2.json');
}

/** The directory must be ours, not a symlink, and closed to others; otherwise nothing is read or written. */
function safeDir(dir: string, create: boolean): boolean {
  try {
    if (create) { fs.mkdirSync(dir, { mode: 0o700 }); }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') { return false; }
  }
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

export function loadOwnerCache(collector: ProcfsCollector, file = ownerCachePath()): boolean {
  if (!safeDir(path.dirname(file), false)) { return false; }
  try {
    return collector.importCache(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return false;
  }
}

export function saveOwnerCache(collector: ProcfsCollector, file = ownerCachePath()): void {
  const dir = path.dirname(file);
  if (!safeDir(dir, true)) { return; }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(collector.exportCache()), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never written */ }
  }
}
