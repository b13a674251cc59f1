// Keeps the procfs owner cache between CLI runs, in a directory only this user can write.
// A cache that is missing, foreign, from another boot or damaged is ignored: it is a hint that
// the collector re-validates (start time, fd count, unknown inodes, 30 s full walk), never a source of truth.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FdOwnerIndex } from './fdOwnerIndex';
import { privateDirPath, safeDir } from './privateDir';

export function ownerCachePath(): string {
  return path.join(privateDirPath(), 'owners-v2.json');
}

export function loadOwnerCache(collector: { index: FdOwnerIndex }, file = ownerCachePath()): boolean {
  const data = readPrivateJson(file);
  try {
    return data !== undefined && collector.index.importCache(data);
  } catch {
    return false;
  }
}

/** The socket attributes the CLI's previous run learnt from `ss` (socketAttributes.ts checks them). */
export function attributeCachePath(): string {
  return path.join(privateDirPath(), 'socket-attributes-v2.json');
}

export function saveOwnerCache(collector: { index: FdOwnerIndex }, file = ownerCachePath()): void {
  if (writePrivateJson(file, collector.index.exportCache())) {
    // The first format's file, which no version reads any more.
    try { fs.rmSync(path.join(path.dirname(file), 'owners-v1.json'), { force: true }); } catch { /* not there */ }
  }
}

/** The parsed JSON of a file in the private directory, or undefined (missing, foreign directory, damaged). */
export function readPrivateJson(file: string): unknown {
  if (!safeDir(path.dirname(file), false)) { return undefined; }
  try { return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown; } catch { return undefined; }
}

/** Writes JSON into the private directory atomically (a temporary file renamed over it); false when it could not. */
export function writePrivateJson(file: string, data: unknown): boolean {
  if (!safeDir(path.dirname(file), true)) { return false; }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never written */ }
    return false;
  }
}
