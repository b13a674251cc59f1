// The fd-owner index's serialised form, and the checks an imported copy must pass: it comes from
// a file, so every field is type-checked before the index believes it.
import type { ProcessInfo } from '../model';

export const OWNER_CACHE_VERSION = 2;

/**
 * One process: [pid, startTicks, fdCount, [inode, fd, inode, fd, …], info, fd numbers?]; flat
 * numbers parse fastest. The fd numbers (a process with many fds) are packed as runs.
 */
export type OwnerCacheEntry = [number, number, number, number[], ProcessInfo | null, number[]?];

export interface OwnerCacheData {
  version: number;
  bootTimeMs: number;
  lastFullWalk: number;
  knownUnowned: number[];
  pids: OwnerCacheEntry[];
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** A cached ProcessInfo must have every field the table and JSON output read, of the right type. */
function validInfo(info: unknown, pid: number): info is ProcessInfo {
  const i = info as ProcessInfo;
  return typeof i === 'object' && i !== null && i.pid === pid && isCount(i.ppid) && typeof i.startTime === 'number'
    && typeof i.name === 'string' && typeof i.commandLine === 'string' && typeof i.cwd === 'string' && typeof i.user === 'string';
}

export function validCacheEntry(e: unknown): e is OwnerCacheEntry {
  if (!Array.isArray(e) || (e.length !== 5 && e.length !== 6)) { return false; }
  const [pid, startTicks, fdCount, sockets, info, fds] = e as unknown[];
  return isCount(pid) && isCount(startTicks) && Number.isInteger(fdCount) && Array.isArray(sockets) && sockets.length % 2 === 0
    && sockets.every(isCount) && (info === null || validInfo(info, pid))
    && (fds === undefined || validRuns(fds, fdCount as number));
}

/** Runs that unpack to the process's fd count (-1: not reported; then no more than any fd table holds). */
function validRuns(runs: unknown, fdCount: number): boolean {
  if (!Array.isArray(runs) || runs.length % 2 !== 0 || !runs.every(isCount)) { return false; }
  let total = 0;
  for (let i = 1; i < runs.length; i += 2) { total += runs[i] as number; }
  return fdCount >= 0 ? total === fdCount : total <= 1 << 20;
}

/** Ascending fd numbers as [first, count, first, count, …]: an fd table is mostly one run. */
export function packFds(fds: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < fds.length; i++) {
    const n = out.length;
    if (n > 0 && out[n - 2] + out[n - 1] === fds[i]) { out[n - 1]++; } else { out.push(fds[i], 1); }
  }
  return out;
}

export function unpackFds(runs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) {
    for (let k = 0; k < runs[i + 1]; k++) { out.push(runs[i] + k); }
  }
  return out;
}
