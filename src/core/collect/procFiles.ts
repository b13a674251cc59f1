// Synchronous reads of /proc. Sync on purpose: for thousands of tiny files it is 2–3× faster than
// fs.promises for this walk; the extension runs it in a worker thread so the host thread never waits.
import * as fs from 'node:fs';
import { parseSocketLink } from './procPidParser';

const CHUNK = 1 << 20;
let buffer = Buffer.allocUnsafe(CHUNK);

/**
 * Reads a whole /proc file with few large read() calls: /proc/net tables are generated on each
 * read, and small reads make the kernel re-walk the table to find its position.
 */
export function readProcText(path: string): string {
  return readProcBytes(path).toString('latin1');
}

/**
 * The bytes of a whole /proc file, in one buffer kept for every read: the view returned is valid
 * until the next call (copy what must last longer). Nothing is allocated once the buffer is as
 * large as the largest file read.
 */
export function readProcBytes(path: string): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) { break; }
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

/** Returns undefined for the errors a live /proc produces routinely (vanished, denied). */
export function tryRead(path: string): string | undefined {
  try { return fs.readFileSync(path, 'utf8'); } catch { return undefined; }
}

export function tryReadlink(path: string): string | undefined {
  try { return fs.readlinkSync(path); } catch { return undefined; }
}

export function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** From this many fds on, a process's fd numbers are kept, so that a change re-reads only new fds. */
export const FD_LIST_MIN = 256;

export interface SocketFds {
  fdCount: number;
  /** Flat [inode, fd, inode, fd, …] pairs in fd order. */
  sockets: number[];
  /** Every fd number, for a process with FD_LIST_MIN fds or more. */
  fds?: number[];
}

/**
 * The socket fds of one process as flat [inode, fd, inode, fd, …] pairs in fd order (flat numbers
 * are what the CLI's owner cache stores and parses fastest), and how many fds it has in all.
 *
 * With `since`, the result of an earlier read of the same process (same start time), only what
 * may have changed is read: fds whose number was not open then, and the fds that were sockets
 * (still the same socket?). An fd number that stayed open and was not a socket is not read again:
 * the readlink of every fd of a process with thousands of them is most of a warm refresh's cost
 * when that process opens or closes one file. If that number was closed and reopened as a socket
 * in between, the socket is new to every process too, so the caller's rule for a socket nobody
 * holds (walk every process, completely) finds it; one handed over from another process is found
 * by the caller's periodic full walk, like an fd passed between processes without changing counts.
 * Throws what readdir throws (ENOENT: gone; EACCES: another user's process).
 */
export function readSocketFds(procRoot: string, pid: number | string, since?: { fds: readonly number[]; sockets: readonly number[] }): SocketFds {
  const dir = `${procRoot}/${pid}/fd`;
  const names = fs.readdirSync(dir);
  let open: Set<number> | undefined;
  let wasSocket: Set<number> | undefined;
  if (since) {
    open = new Set(since.fds);
    wasSocket = new Set();
    for (let i = 1; i < since.sockets.length; i += 2) { wasSocket.add(since.sockets[i]); }
  }
  const fds = names.length >= FD_LIST_MIN ? new Array<number>(names.length) : undefined;
  const sockets: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const fd = Number(name);
    if (fds) { fds[i] = fd; }
    if (open && open.has(fd) && !wasSocket!.has(fd)) { continue; }
    const link = tryReadlink(`${dir}/${name}`);
    if (link === undefined || link.charCodeAt(0) !== 115 /* s */) { continue; }
    const inode = parseSocketLink(link);
    if (inode !== undefined) { sockets.push(inode, fd); }
  }
  return { fdCount: names.length, sockets, fds };
}
