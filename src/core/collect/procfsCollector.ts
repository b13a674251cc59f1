// Linux back end: sockets from /proc/net (procNetRows.ts), owners from the /proc/<pid>/fd links
// (fdOwnerIndex.ts), process details from /proc/<pid> (procProcesses.ts). This class joins them.
//
// Both halves are cached, so a refresh that finds the same sockets as last time is cheap: an
// unchanged row maps to the same row object, and when its owners are unchanged too, to the same
// entry object. Snapshots are therefore immutable: entries and owner arrays may be shared between
// snapshots. The status bar's probe of watched ports shares the same owner index.
//
// The bound interface and v6only flag of listening sockets come from `ss` (socketAttributes.ts),
// run in a child while the owner pass walks /proc, and only when a listening socket is new.
import type { CollectOptions, CollectStats, Collector, PortCheckResult, PortProbeSpec, ProcessInfo, Snapshot, SocketEntry, SocketOwner, SocketRecord } from '../model';
import { emptyStats, isListening } from '../model';
import { SocketAttributeSource } from './socketAttributes';
import { FdOwnerIndex } from './fdOwnerIndex';
import { parseProcNet } from './procNetParser';
import { readProcNetTable, PROC_NET_TABLES } from './procNetTables';
import { ProcNetRows, type CachedRow } from './procNetRows';
import { ProcProcesses } from './procProcesses';
import { portsByProtocol, probeResults } from './portProbe';
import { unixTool } from '../platform/systemTools';

const NO_OWNERS: readonly SocketOwner[] = Object.freeze([]);

export interface ProcfsOptions {
  /** Root of the proc filesystem; tests point it at a copy. */
  procRoot?: string;
  passwdPath?: string;
  fullWalkMs?: number;
  now?: () => number;
  /**
   * The `ss` that tells bound interfaces and v6only; undefined: none (those fields stay null).
   * Default: the system's root-owned ss when procRoot is the real /proc, else none.
   */
  ss?: string;
}

/** What probePorts() did so far: how much it read and walked (tests and the benchmark check the economy). */
export interface ProbeStats {
  tablesRead: number;
  fullWalks: number;
  processesWalked: number;
}

export class ProcfsCollector implements Collector {
  readonly name = 'procfs';
  readonly procRoot: string;
  readonly processes: ProcProcesses;
  /** The fd-owner index, with its serialisable cache (the CLI keeps it between runs). */
  readonly index: FdOwnerIndex;
  readonly probeStats: ProbeStats = { tablesRead: 0, fullWalks: 0, processesWalked: 0 };
  /** Bound interface and v6only per listening socket, cached by inode. */
  readonly attributes: SocketAttributeSource;
  protected readonly now: () => number;
  private readonly rows: ProcNetRows;

  constructor(options: ProcfsOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.now = options.now ?? Date.now;
    this.processes = new ProcProcesses(this.procRoot, options.passwdPath ?? '/etc/passwd');
    this.index = new FdOwnerIndex(this.processes, { fullWalkMs: options.fullWalkMs, now: this.now });
    this.rows = new ProcNetRows(this.procRoot);
    const ss = 'ss' in options ? options.ss : this.procRoot === '/proc' ? unixTool('ss') : undefined;
    this.attributes = new SocketAttributeSource({ ss, now: this.now });
  }

  /** A collection with the attributes of new listening sockets asked of `ss` during the owner pass. */
  async collect(options: CollectOptions = {}): Promise<Snapshot> {
    // Without owners the caller asks only what listens ("is the port free yet?", polled after a
    // kill): no `ss` run for attributes it does not read.
    if (options.owners === false) { return this.collectSync(options); }
    const stats = emptyStats();
    const rows = this.readRows(options, stats);
    const listening: number[] = [];
    for (const r of rows) { if (isListening(r.record)) { listening.push(r.record.inode); } }
    const asked = this.attributes.refresh(listening, options.protocols === undefined);
    this.ownerPass(rows, options, stats);
    if (asked) { await asked; }
    return this.snapshotOf(rows, options, stats);
  }

  /** A collection without waiting for `ss`: the attributes are those already known (else null). */
  collectSync(options: CollectOptions = {}): Snapshot {
    const stats = emptyStats();
    const rows = this.readRows(options, stats);
    this.ownerPass(rows, options, stats);
    return this.snapshotOf(rows, options, stats);
  }

  private readRows(options: CollectOptions, stats: CollectStats): CachedRow[] {
    this.processes.refreshUsers();
    return this.rows.read(options, stats);
  }

  private ownerPass(rows: readonly CachedRow[], options: CollectOptions, stats: CollectStats): void {
    if (options.owners === false) { return; }
    this.index.endPass(this.index.beginPass(options.fullWalk === true, stats, false), rows.map(r => r.record), stats);
  }

  private snapshotOf(rows: readonly CachedRow[], options: CollectOptions, stats: CollectStats): Snapshot {
    return { takenAt: this.now(), backend: this.name, sockets: this.entriesOf(rows, options.owners !== false), stats };
  }

  /**
   * Each row's entry: the one built last time when its owners are the same array, else a new one.
   * Only entries with owners are kept on the row: a collection without owners must not make the
   * next one with owners build every entry again.
   */
  private entriesOf(rows: readonly CachedRow[], withOwners: boolean): SocketEntry[] {
    const sockets: SocketEntry[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      let entry = row.entry;
      const attrs = this.attributes.get(row.record.inode);
      if (!entry || entry.processes !== this.ownersOf(row.record, withOwners) || entry.boundDevice !== attrs.boundDevice || entry.ipv6Only !== attrs.ipv6Only) {
        entry = this.entryOf(row.record, withOwners);
        if (withOwners) { row.entry = entry; }
      }
      sockets[i] = entry;
    }
    return sockets;
  }

  async probePorts(specs: readonly PortProbeSpec[]): Promise<PortCheckResult[]> {
    return this.probePortsSync(specs);
  }

  /**
   * The status bar's check, as little work as it can be: only the tables of the protocols being
   * watched, only listening rows on watched ports (no row cache: it would keep every row), and
   * owners only when one of those ports is taken, through the shared index's cheap probe.
   */
  probePortsSync(specs: readonly PortProbeSpec[]): PortCheckResult[] {
    if (specs.length === 0) { return []; }
    const byProtocol = portsByProtocol(specs);
    const stats = emptyStats();
    const records: SocketRecord[] = [];
    for (const t of PROC_NET_TABLES) {
      const ports = byProtocol.get(t.protocol);
      if (!ports) { continue; }
      const text = readProcNetTable(this.procRoot, t);
      if (text === undefined) { continue; }
      this.probeStats.tablesRead++;
      for (const r of parseProcNet(text, t.protocol, t.family, { listeningOnly: true, localPorts: ports }).records) { records.push(r); }
    }
    const inodes = records.map(r => r.inode).filter(i => i !== 0);
    if (inodes.length > 0) {
      this.processes.refreshUsers();
      if (this.index.probe(inodes, stats)) { this.probeStats.fullWalks++; }
      this.probeStats.processesWalked += stats.processesWalked;
    }
    return probeResults(specs, records.map(r => this.entryOf(r, true)));
  }

  ownersOf(r: SocketRecord, withOwners: boolean): SocketOwner[] {
    return withOwners ? this.index.ownersOf(r.inode) : NO_OWNERS as SocketOwner[];
  }

  entryOf(r: SocketRecord, withOwners: boolean): SocketEntry {
    const processes = this.ownersOf(r, withOwners);
    const attrs = this.attributes.get(r.inode);
    return {
      protocol: r.protocol, family: r.family,
      localAddress: r.localAddress, localPort: r.localPort,
      remoteAddress: r.remoteAddress, remotePort: r.remotePort,
      state: r.state, inode: r.inode, uid: r.uid,
      boundDevice: attrs.boundDevice, ipv6Only: attrs.ipv6Only,
      user: this.processes.userName(r.uid),
      ownerVisible: processes.length > 0,
      processes,
      // Filled in by the owner lookup (src/core/owners); present from the start so that writing
      // them does not change the shape of thousands of entries, and null is what most stay.
      container: null, service: null,
    };
  }

  async processInfo(pid: number): Promise<ProcessInfo | undefined> {
    this.processes.refreshUsers();
    return this.processes.read(pid);
  }

  userName(uid: number): string {
    return this.processes.userName(uid);
  }
}
