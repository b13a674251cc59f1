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
  if (!safeDir(path.dirname(file), false)) { return false; }
  try {
    return collector.index.importCache(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return false;
  }
}

export function saveOwnerCache(collector: { index: FdOwnerIndex }, file = ownerCachePath()): void {
  const dir = path.dirname(file);
  if (!safeDir(dir, true)) { return; }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(collector.index.exportCache()), { mode: 0o600 });
    fs.renameSync(tmp, file);
    // The first format's file, which no version reads any more.
    fs.rmSync(path.join(dir, 'owners-v1.json'), { force: true });
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never written */ }
  }
}
