// Picks the back end once: the platform's best unless the caller names one.
import type { Collector } from '../model';
import { ProcfsCollector } from './procfsCollector';
import { LsofCollector } from './lsofCollector';
import { WindowsCollector } from './windowsCollector';

export type BackendName = 'procfs' | 'lsof' | 'windows';
export const BACKENDS: readonly BackendName[] = ['procfs', 'lsof', 'windows'];

export function createCollector(backend?: BackendName): Collector {
  const chosen = backend ?? defaultBackend();
  switch (chosen) {
    case 'procfs':
      if (process.platform !== 'linux') { break; }
      return new ProcfsCollector();
    case 'lsof':
      // Any Unix with lsof (macOS by default; selectable on Linux). Not on Windows.
      if (process.platform === 'win32') { break; }
      return new LsofCollector();
    case 'windows':
      if (process.platform !== 'win32') { break; }
      return new WindowsCollector();
  }
  throw new Error(`the ${chosen} back end is not available on ${process.platform}`);
}

export function defaultBackend(): BackendName {
  return process.platform === 'win32' ? 'windows' : process.platform === 'linux' ? 'procfs' : 'lsof';
}
