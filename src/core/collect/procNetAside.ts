// Reads /proc/net tables in `cat` children, so that the kernel's work of printing them runs on the
// other core while this thread does something else (the CLI loads its owner cache, parses the
// first table while the second is printed).
//
// Why a child: a /proc/net table is generated as it is read, one page per read() call (~60 µs
// each: ~25 ms per TCP table at 10,000 sockets). Node cannot run a blocking read loop off its
// thread short of a worker, which takes ~30 ms to start here; a child costs ~3 ms. Each child
// writes to an unlinked file of its own rather than a pipe: a pipe fills after 64 KB and would
// stall the child until this thread came back to read it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateDirPath, safeDir } from './privateDir';
import { readProcNetTable, type ProcNetTable } from './procNetTables';

let serial = 0;

export interface AsideOptions {
  /** Private directory for the children's output (default: privateDirPath()). */
  dir?: string;
  /** The `cat` to run (default: trustedCat()); undefined = none, read here. */
  cat?: string;
}

/**
 * The first of `dirs`/`name` that is a regular executable file owned by root and writable by nobody
 * else, or undefined. Never looked up on PATH: a root run can inherit a user's PATH (sudo -E, npm
 * scripts), and a project's node_modules/.bin must not decide what runs.
 */
export function trustedTool(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = `${dir}/${name}`;
    try {
      const st = fs.statSync(candidate);
      if (st.isFile() && st.uid === 0 && (st.mode & 0o022) === 0 && (st.mode & 0o111) !== 0) { return candidate; }
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

/** /usr/bin/cat or /bin/cat, trusted as above: what `cat` prints decides which port a process is shown holding. */
export function trustedCat(): string | undefined {
  return trustedTool('cat', ['/usr/bin', '/bin']);
}

/**
 * One promise per table, with readProcNetTable's answer: the text, or undefined for an IPv6 table
 * the kernel lacks. Anything unexpected on the way (no `cat`, no private directory, a failed
 * read) means the table is read on this thread instead, with that function's errors.
 */
export function readProcNetTablesAside(procRoot: string, tables: readonly ProcNetTable[], options: AsideOptions = {}): Map<ProcNetTable, Promise<string | undefined>> {
  const out = new Map<ProcNetTable, Promise<string | undefined>>();
  const dir = options.dir ?? privateDirPath();
  const cat = 'cat' in options ? options.cat : trustedCat();
  const usable = tables.length > 0 && cat !== undefined && safeDir(dir, true);
  for (const t of tables) {
    const aside = usable ? readInChild(cat, `${procRoot}/${t.file}`, dir) : Promise.resolve(undefined);
    const read = aside.then(text => text ?? readProcNetTable(procRoot, t));
    // Handled here too: when an earlier table fails, the caller may never await this one.
    read.catch(() => undefined);
    out.set(t, read);
  }
  return out;
}

function readInChild(cat: string, file: string, dir: string): Promise<string | undefined> {
  const scratch = path.join(dir, `table-${process.pid}-${serial++}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(scratch, 'wx+', 0o600);
  } catch {
    return Promise.resolve(undefined);
  }
  try {
    // Unlinked at once: nothing is left behind, whatever happens next.
    fs.unlinkSync(scratch);
  } catch {
    fs.closeSync(fd);
    return Promise.resolve(undefined);
  }
  return new Promise<string | undefined>(resolve => {
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) { return; }
      settled = true;
      let text: string | undefined;
      try {
        if (ok) { text = readWhole(fd); }
      } catch {
        text = undefined;
      } finally {
        fs.closeSync(fd);
      }
      resolve(text);
    };
    try {
      // cat needs nothing from our environment; not copying it saves a little of the spawn.
      const child = spawn(cat, ['--', file], { stdio: ['ignore', fd, 'ignore'], env: {} });
      child.once('error', () => settle(false));
      child.once('exit', code => settle(code === 0));
    } catch {
      settle(false);
    }
  });
}

function readWhole(fd: number): string {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.allocUnsafe(size);
  let length = 0;
  while (length < size) {
    const n = fs.readSync(fd, buf, length, size - length, length);
    if (n === 0) { break; }
    length += n;
  }
  return buf.toString('latin1', 0, length);
}
