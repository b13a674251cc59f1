// The per-user directory for the CLI's scratch files (owner cache, table reads): under
// $XDG_RUNTIME_DIR when set (a tmpfs only this user can enter), else the temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function privateDirPath(): string {
  const uid = process.getuid?.() ?? 0;
  const base = process.env.XDG_RUNTIME_DIR && path.isAbsolute(process.env.XDG_RUNTIME_DIR) ? process.env.XDG_RUNTIME_DIR : os.tmpdir();
  return path.join(base, `port-inspector-${uid}`);
}

/**
 * Whether dir is fit to use: ours, not a symlink, closed to others (created 0700 when asked), in a
 * parent that only we or root control (or a sticky one like /tmp), so nobody can swap it for a
 * symlink between this check and its use. Anything else (another user's directory planted in
 * /tmp, a root run with a user's TMPDIR) means nothing is read or written there.
 */
export function safeDir(dir: string, create: boolean): boolean {
  const uid = process.getuid?.();
  try {
    const parent = fs.lstatSync(path.dirname(dir));
    if (!parent.isDirectory() || (uid !== undefined && parent.uid !== uid && parent.uid !== 0)) { return false; }
    if ((parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0) { return false; }
  } catch {
    return false;
  }
  try {
    if (create) { fs.mkdirSync(dir, { mode: 0o700 }); }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') { return false; }
  }
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === (uid ?? st.uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}
