// Synchronous reads of /proc. Sync on purpose: for thousands of tiny files it is 2–3× faster than
// fs.promises (measured in shared/reference/perf-anchors); the extension runs it in a worker thread.
import * as fs from 'node:fs';

const CHUNK = 1 << 20;
let buffer = Buffer.allocUnsafe(CHUNK);

/**
 * Reads a whole /proc file with few large read() calls: /proc/net tables are generated on each
 * read, and small reads make the kernel re-walk the table to find its position.
 */
export function readProcText(path: string): string {
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
    return buffer.toString('latin1', 0, length);
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
