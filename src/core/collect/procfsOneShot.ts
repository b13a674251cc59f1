// The procfs collector for a one-shot caller (the CLI): one collection per process, so the
// in-memory caches would start cold every time. Instead the owner index of the previous run is
// loaded from a private file (ownerCacheFile.ts) while the kernel prints the big TCP tables in
// child processes (procNetAside.ts), and each row is built into its final entry at once, with no
// row cache (nothing would reuse it). The bound interfaces and v6only flags that the previous run
// learnt from `ss` are kept in a private file too: `ss` then runs only for a listening socket the
// file does not know (started before the owner pass, which it overlaps), or first of all when
// there is no such file.
import type { CollectOptions, Snapshot, SocketEntry } from '../model';
import { emptyStats, isListening } from '../model';
import { attributeCachePath, loadOwnerCache, readPrivateJson, saveOwnerCache, writePrivateJson } from './ownerCacheFile';
import { readProcNetTablesAside } from './procNetAside';
import { forEachRow, parseRowAt, tcpRowsFromSockstat } from './procNetParser';
import { readProcNetTable, type ProcNetTable } from './procNetTables';
import { tablesFor } from './procNetRows';
import { tryRead } from './procFiles';
import { ProcfsCollector } from './procfsCollector';

/** TCP rows from which startTableReads() has the tables printed by child processes. */
const ASIDE_MIN_ROWS = 4000;

/** Table reads begun by startTableReads(): the text, or undefined for a table the kernel lacks. */
export type StartedReads = Map<ProcNetTable, Promise<string | undefined>>;

export class OneShotProcfsCollector extends ProcfsCollector {
  private attributesAsked: Promise<void> | undefined;

  /**
   * Starts reading the TCP tables in child processes, for a caller that has other work to do
   * meanwhile (loading the owner cache). Pass the result to collectStarted() with the same options.
   */
  /** Runs `ss` now, for a caller that has no attributes cached: it overlaps everything that follows. */
  askAttributesNow(): void {
    this.attributesAsked = this.attributes.start();
  }

  startTableReads(options: CollectOptions = {}): StartedReads {
    const tcp = tablesFor(options).filter(t => t.protocol === 'tcp');
    if (tcp.length === 0) { return new Map(); }
    // Below a few thousand rows the children cost more (~3 ms each) than the reads they take over.
    const rows = tcpRowsFromSockstat(tryRead(`${this.procRoot}/net/sockstat`) ?? '', tryRead(`${this.procRoot}/net/sockstat6`) ?? '');
    return rows < ASIDE_MIN_ROWS ? new Map() : readProcNetTablesAside(this.procRoot, tcp);
  }

  /**
   * collectSync(), with the tables that startTableReads() began (the small UDP tables are read
   * here). Where the kernel reports fd counts, the owner pass begins while the children are still
   * printing, so each row becomes its final entry at once and the temporary row records die young
   * (garbage collection was ~20% of a CLI run); the pass then catches up on processes that
   * started or opened sockets while the tables were being read.
   */
  async collectStarted(reads: StartedReads, options: CollectOptions = {}): Promise<Snapshot> {
    const stats = emptyStats();
    this.processes.refreshUsers();
    const withOwners = options.owners !== false;
    const index = this.index;
    // Early only while children print tables (otherwise nothing runs meanwhile) and only for a warm
    // pass, which endPass() can complete (fd counts, a full walk on any unknown socket). A full
    // walk is slow anyway and runs after the rows, as in collectSync.
    const early = withOwners && reads.size > 0 && index.fdCountsUsable() && options.fullWalk !== true && !index.fullWalkDue();
    let pass = early ? index.beginPass(false, stats, true) : undefined;
    const filter = { listeningOnly: options.listeningOnly };
    const tables = tablesFor(options);
    const perTable: SocketEntry[][] = tables.map(() => []);
    // The tables read here first, then the ones being printed aside: less waiting for the children.
    const order = [...tables.keys()].sort((i, j) => Number(reads.has(tables[i])) - Number(reads.has(tables[j])));
    for (const k of order) {
      const t = tables[k];
      const started = reads.get(t);
      const text = started ? await started : readProcNetTable(this.procRoot, t);
      if (text === undefined) { continue; }
      const out = perTable[k];
      const withoutPrefix = forEachRow(text, (from, to) => {
        const record = parseRowAt(text, from, to, t.protocol, t.family, filter);
        if (record === undefined) { stats.malformedLines++; } else if (record !== null) { out.push(this.entryOf(record, withOwners)); }
      });
      stats.malformedLines += withoutPrefix;
    }
    const sockets = perTable.flat();
    if (!this.attributesAsked) {
      const listening: number[] = [];
      for (const s of sockets) { if (isListening(s)) { listening.push(s.inode); } }
      // Before the owner pass completes, so that `ss`, when a socket is new, runs beside it.
      this.attributesAsked = this.attributes.refresh(listening, options.protocols === undefined);
    }
    if (withOwners) {
      pass ??= index.beginPass(options.fullWalk === true, stats, false);
      // Entries were built with the owners known when their row was read: rebuild those that changed.
      if (index.endPass(pass, sockets, stats) || !early) {
        for (let i = 0; i < sockets.length; i++) {
          const s = sockets[i];
          if (this.ownersOf(s, true) !== s.processes) { sockets[i] = this.entryOf(s, true); }
        }
      }
    }
    // Without a run of `ss` the entries already carry what the imported cache knew (entryOf).
    if (this.attributesAsked) {
      await this.attributesAsked;
      // These entries are this run's own objects (no row cache), so they take the answer in place.
      for (const s of sockets) {
        if (!isListening(s)) { continue; }
        const a = this.attributes.get(s.inode);
        s.boundDevice = a.boundDevice;
        s.ipv6Only = a.ipv6Only;
      }
    }
    return { takenAt: this.now(), backend: this.name, sockets, stats };
  }
}

/**
 * One snapshot for a one-shot caller: the TCP tables printed aside while the owner cache of the
 * previous run loads (unless `useCache` is false), then saved when it changed.
 */
export async function oneShotSnapshot(options: CollectOptions, useCache: boolean): Promise<{ collector: OneShotProcfsCollector; snapshot: Snapshot }> {
  const collector = new OneShotProcfsCollector();
  const boot = useCache ? tryRead('/proc/sys/kernel/random/boot_id')?.trim() ?? '' : '';
  const known = useCache && collector.attributes.importCache(readPrivateJson(attributeCachePath()), boot);
  if (!known) { collector.askAttributesNow(); }
  const reads = collector.startTableReads(options);
  if (useCache) { loadOwnerCache(collector); }
  const snapshot = await collector.collectStarted(reads, options);
  if (useCache && (snapshot.stats.fullWalk || collector.index.cacheChanged)) { saveOwnerCache(collector); }
  if (useCache && collector.attributes.changed && collector.attributes.ss !== undefined) { writePrivateJson(attributeCachePath(), collector.attributes.exportCache(boot)); }
  return { collector, snapshot };
}
