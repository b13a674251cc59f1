// Picks the back end once: the platform's best unless the caller names one.
import type { Collector } from '../model';
import { ProcfsCollector } from './procfsCollector';

export type BackendName = 'procfs' | 'lsof';
export const BACKENDS: readonly BackendName[] = ['procfs', 'lsof'];

export function createCollector(backend?: BackendName): Collector {
  const chosen = backend ?? defaultBackend();
  switch (chosen) {
    case 'procfs':
      return new ProcfsCollector();
    default:
      throw new Error(`the ${chosen} back end is not available on ${process.platform}`);
  }
}

export function defaultBackend(): BackendName {
  return 'procfs';
}
