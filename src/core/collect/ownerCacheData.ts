// The fd-owner index's serialised form, and the checks an imported copy must pass: it comes from
// a file, so every field is type-checked before the index believes it.
import type { ProcessInfo } from '../model';

export const OWNER_CACHE_VERSION = 2;

/** One process: [pid, startTicks, fdCount, [inode, fd, inode, fd, …], info]; flat numbers parse fastest. */
export type OwnerCacheEntry = [number, number, number, number[], ProcessInfo | null];

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
  if (!Array.isArray(e)) { return false; }
  const [pid, startTicks, fdCount, sockets, info] = e as unknown[];
  return isCount(pid) && isCount(startTicks) && Number.isInteger(fdCount) && Array.isArray(sockets) && sockets.length % 2 === 0
    && sockets.every(isCount) && (info === null || validInfo(info, pid));
}
