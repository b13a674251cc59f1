// How many sockets the scanner may hold at once. Every in-flight probe is a file descriptor, and
// running out (EMFILE) would make probes fail for reasons that have nothing to do with the target.
import { readdirSync, readFileSync } from 'node:fs';

/** Fds kept free for the rest of the process (VS Code's extension host has many other users). */
export const FD_RESERVE = 128;

/** Soft "Max open files" from /proc/self/limits text; undefined when absent or unlimited. */
export function parseMaxOpenFiles(limitsText: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (!m || m[1] === 'unlimited') { return undefined; }
  const n = Number(m[1]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The soft open-file limit. Node has no getrlimit(); on Linux /proc/self/limits has it. Elsewhere
 * 1024 is the conservative answer (macOS's default soft limit is 256 but Node raises it at start-up;
 * Windows has no per-process socket limit of this kind). EMFILE is still handled by backing off.
 */
export function openFileLimit(): number {
  try {
    return parseMaxOpenFiles(readFileSync('/proc/self/limits', 'utf8')) ?? 1024;
  } catch {
    return 1024;
  }
}

/** Open fds of this process right now, or undefined where /proc (or /dev/fd) cannot say. */
export function countOpenFds(): number | undefined {
  for (const dir of ['/proc/self/fd', '/dev/fd']) {
    try { return readdirSync(dir).length; } catch { /* try the next */ }
  }
  return undefined;
}

/** Requested concurrency capped to what the fd limit leaves free. */
export function capConcurrency(requested: number, limit = openFileLimit(), inUse = countOpenFds() ?? 64): { concurrency: number; capped: boolean } {
  const free = Math.max(16, limit - inUse - FD_RESERVE);
  const want = Math.max(1, Math.floor(requested));
  return want > free ? { concurrency: free, capped: true } : { concurrency: want, capped: false };
}
