// Picks the back end once: the platform's (platformRules.ts) unless the caller names one.
import type { Collector } from '../model';
import { backendAvailable, defaultBackend, type BackendName } from '../platform/platformRules';
import { ProcfsCollector } from './procfsCollector';
import { LsofCollector } from './lsofCollector';
import { WindowsCollector } from './windowsCollector';

export function createCollector(backend?: BackendName): Collector {
  const chosen = backend ?? defaultBackend();
  if (!backendAvailable(chosen)) { throw new Error(`the ${chosen} back end is not available on ${process.platform}`); }
  switch (chosen) {
    case 'procfs': return new ProcfsCollector();
    case 'lsof': return new LsofCollector();
    case 'windows': return new WindowsCollector();
  }
}
