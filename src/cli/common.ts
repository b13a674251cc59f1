// Flags and argument checks shared by the socket commands.
import type { FlagSpec, ParsedArgs } from './args';
import { UsageError } from './args';
import type { Protocol } from '../core/model';
import { parsePortNumber } from '../core/portNumber';
import { createCollector } from '../core/collect/createCollector';
import { BACKENDS, defaultBackend, type BackendName } from '../core/platform/platformRules';
import type { CollectOptions, Collector, Snapshot } from '../core/model';
import { oneShotSnapshot } from '../core/collect/procfsOneShot';
import { OwnerEnricher } from '../core/owners/ownerEnricher';

export const PROTOCOL_FLAGS: FlagSpec[] = [{ names: ['--tcp'] }, { names: ['--udp'] }];
export const BACKEND_FLAG: FlagSpec = { names: ['--backend'], value: true };
export const NO_CACHE_FLAG: FlagSpec = { names: ['--no-cache'] };

/** undefined = both protocols. */
export function protocolFilter(args: ParsedArgs): Protocol | undefined {
  const tcp = args.flags.has('--tcp'), udp = args.flags.has('--udp');
  return tcp && !udp ? 'tcp' : udp && !tcp ? 'udp' : undefined;
}

export function backendOption(args: ParsedArgs): BackendName | undefined {
  const b = args.flags.get('--backend');
  if (b === undefined) { return undefined; }
  if (!BACKENDS.includes(b as BackendName)) { throw new UsageError(`unknown back end "${b}" (use ${BACKENDS.join(' or ')})`); }
  return b as BackendName;
}

export function onePort(args: ParsedArgs): number {
  if (args.positionals.length === 0) { throw new UsageError('missing PORT'); }
  if (args.positionals.length > 1) { throw new UsageError(`unexpected argument "${args.positionals[1]}"`); }
  const parsed = parsePortNumber(args.positionals[0]);
  if (!parsed.ok) { throw new UsageError(parsed.message); }
  return parsed.port;
}

export function noPositionals(args: ParsedArgs): void {
  if (args.positionals.length > 0) { throw new UsageError(`unexpected argument "${args.positionals[0]}"`); }
}

/**
 * One snapshot for a CLI command. With the procfs back end the owner cache of the previous run
 * is loaded while the kernel prints the tables, and saved afterwards (see ownerCacheFile.ts),
 * unless --no-cache.
 */
export async function snapshotFor(args: ParsedArgs, options: CollectOptions): Promise<{ collector: Collector; snapshot: Snapshot }> {
  const backend = backendOption(args) ?? defaultBackend();
  if (backend !== 'procfs' || process.platform !== 'linux') {
    const collector = createCollector(backend);
    return { collector, snapshot: await collector.collect(options) };
  }
  const shot = await oneShotSnapshot(options, !args.flags.has('--no-cache') && !options.fullWalk);
  if (options.owners !== false) { await enricher().enrich(shot.snapshot); }
  return shot;
}

let sharedEnricher: OwnerEnricher | undefined;

/** Containers, systemd units and supervisors behind the owners (Linux: they come from /proc and the engines). */
export function enricher(): OwnerEnricher {
  sharedEnricher ??= new OwnerEnricher();
  return sharedEnricher;
}
