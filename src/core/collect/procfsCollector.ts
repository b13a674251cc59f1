// Linux back end: sockets from /proc/net, owners by walking /proc/<pid>/fd.
//
// Both halves are cached so that a refresh that finds the same sockets as last time is cheap:
// - Owners. The walk costs ~4–5 µs per fd on the whole machine. Each process's socket fds are
//   remembered with its start time and fd count; a refresh re-walks only processes that are new,
//   were replaced (pid reuse: different start time), or whose fd count changed (Linux ≥ 6.2
//   reports it as the size of /proc/<pid>/fd). A socket inode that no cached process holds
//   triggers a walk of every process, and every `fullWalkMs` (30 s) a full walk runs anyway, so
//   an fd handed between two existing processes is picked up within that period.
// - Rows. A /proc/net row whose text is unchanged since the last read maps to the same record
//   object, and when its owners are unchanged too, to the same entry object.
// Snapshots are therefore immutable: entries and owner arrays may be shared between snapshots.
import * as fs from 'node:fs';
import type { CollectOptions, CollectStats, Collector, ProcessInfo, Snapshot, SocketEntry, SocketOwner, SocketRecord } from '../model';
import { emptyStats } from '../model';
import { forEachRow, parseRowAt, tcpRowsFromSockstat } from './procNetParser';
import { displayName, parseBootTime, parseCmdline, parsePasswd, parseProcStat, parseStatusUid, type ProcStat } from './procPidParser';
import { errorCode, readSocketFds, tryRead, tryReadlink } from './procFiles';
import { PROC_NET_TABLES, readProcNetTable, type ProcNetTable } from './procNetTables';
import { readProcNetTablesAside } from './procNetAside';

/** USER_HZ: the unit of /proc/<pid>/stat's start time; 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS = 100;
const FULL_WALK_MS = 30_000;
/** TCP rows from which startTableReads() has the tables printed by child processes. */
const ASIDE_MIN_ROWS = 4000;
const NO_OWNERS: readonly SocketOwner[] = Object.freeze([]);

interface PidEntry {
  startTicks: number;
  /** -1 when the kernel does not report the fd count. */
  fdCount: number;
  /** This process's sockets as flat [inode, fd, inode, fd, …] pairs, in fd order (see readSocketFds). */
  sockets: number[];
  info: ProcessInfo | undefined;
}

const OWNER_CACHE_VERSION = 2;

export interface OwnerCacheData {
  version: number;
  bootTimeMs: number;
  lastFullWalk: number;
  knownUnowned: number[];
  /** [pid, startTicks, fdCount, [inode, fd, inode, fd, …], info]: flat numbers parse fastest. */
  pids: [number, number, number, number[], ProcessInfo | null][];
}

/** Table reads begun by startTableReads(): the text, or undefined for a table the kernel lacks. */
export type StartedReads = Map<ProcNetTable, Promise<string | undefined>>;

function tablesFor(options: CollectOptions): ProcNetTable[] {
  const protocols = options.protocols ?? ['tcp', 'udp'];
  return PROC_NET_TABLES.filter(t => protocols.includes(t.protocol));
}

/** One owner resolution in progress: beginOwnerPass() before the rows are read, endOwnerPass() after. */
interface OwnerPass {
  pidList: number[];
  /** Every process is walked in this pass (and its details re-read). */
  full: boolean;
  walked: Set<number>;
  /** Begun before the socket rows were read (collectStarted, warm); never full. */
  early: boolean;
}

/** Last read of one table: where each row's text was, and its row (null: malformed). */
interface TableRows {
  text: string;
  starts: number[];
  ends: number[];
  rows: (CachedRow | null)[];
  /** Row text → place, once a refresh has needed it; undefined until then. */
  places: Map<string, number> | undefined;
}

/** Where a row is looked for in last time's table, relative to where it would be. */
const NEAR = [0, 1, -1];

function parsedRow(record: SocketRecord | undefined | null): CachedRow | null {
  return record ? { record } : null;
}

interface CachedRow {
  record: SocketRecord;
  entry?: SocketEntry;
}

export interface ProcfsOptions {
  /** Root of the proc filesystem; tests point it at a copy. */
  procRoot?: string;
  passwdPath?: string;
  fullWalkMs?: number;
  now?: () => number;
}

export class ProcfsCollector implements Collector {
  readonly name = 'procfs';
  private readonly proc: string;
  private readonly passwdPath: string;
  private readonly fullWalkMs: number;
  private readonly now: () => number;
  /** Owner data changed since the last exportCache(): worth saving. */
  private ownersDirty = false;
  private pids = new Map<number, PidEntry>();
  private owners = new Map<number, readonly SocketOwner[]>();
  private rows = new Map<string, TableRows>();
  private knownUnowned = new Set<number>();
  private lastFullWalk = -Infinity;
  private fdCountSupported: boolean | undefined;
  private users: { mtimeMs: number; map: Map<number, string> } | undefined;
  private bootTimeMs: number | undefined;

  constructor(options: ProcfsOptions = {}) {
    this.proc = options.procRoot ?? '/proc';
    this.passwdPath = options.passwdPath ?? '/etc/passwd';
    this.fullWalkMs = options.fullWalkMs ?? FULL_WALK_MS;
    this.now = options.now ?? Date.now;
  }

  async collect(options: CollectOptions = {}): Promise<Snapshot> {
    return this.collectSync(options);
  }

  collectSync(options: CollectOptions = {}): Snapshot {
    const stats = emptyStats();
    this.refreshUsers();
    return this.finish(this.readTables(options, stats), options, stats);
  }

  /**
   * Starts reading the TCP tables in child processes (procNetAside.ts), for a one-shot
   * caller that has other work to do meanwhile (the CLI loads its owner cache). Pass the result
   * to collectStarted() with the same options.
   */
  startTableReads(options: CollectOptions = {}): StartedReads {
    const tcp = tablesFor(options).filter(t => t.protocol === 'tcp');
    if (tcp.length === 0) { return new Map(); }
    // Below a few thousand rows the children cost more (~3 ms each) than the reads they take over.
    const rows = tcpRowsFromSockstat(tryRead(`${this.proc}/net/sockstat`) ?? '', tryRead(`${this.proc}/net/sockstat6`) ?? '');
    return rows < ASIDE_MIN_ROWS ? new Map() : readProcNetTablesAside(this.proc, tcp);
  }

  /**
   * collectSync(), with the tables that startTableReads() began (the small UDP tables are read
   * here), for a one-shot caller: no row cache. Where the kernel reports fd counts, the owner pass
   * begins while the children are still printing, so each row becomes its final entry at once and
   * the temporary row records die young (garbage collection was ~20% of a CLI run); the pass then
   * catches up on processes that started or opened sockets while the tables were being read.
   */
  async collectStarted(reads: StartedReads, options: CollectOptions = {}): Promise<Snapshot> {
    const stats = emptyStats();
    this.refreshUsers();
    const withOwners = options.owners !== false;
    // Early only while children print tables (otherwise nothing runs meanwhile) and only for a warm
    // pass, which endOwnerPass() can complete (fd counts, a full walk on any unknown socket). A
    // full walk is slow anyway and runs after the rows, as in collectSync.
    const early = withOwners && reads.size > 0 && this.fdCountsUsable() && options.fullWalk !== true && !this.fullWalkDue();
    let pass = early ? this.beginOwnerPass(false, stats, true) : undefined;
    const filter = { listeningOnly: options.listeningOnly };
    const tables = tablesFor(options);
    const perTable: SocketEntry[][] = tables.map(() => []);
    // The tables read here first, then the ones being printed aside: less waiting for the children.
    const order = [...tables.keys()].sort((i, j) => Number(reads.has(tables[i])) - Number(reads.has(tables[j])));
    for (const k of order) {
      const t = tables[k];
      const started = reads.get(t);
      const text = started ? await started : readProcNetTable(this.proc, t);
      if (text === undefined) { continue; }
      const out = perTable[k];
      const withoutPrefix = forEachRow(text, (from, to) => {
        const record = parseRowAt(text, from, to, t.protocol, t.family, filter);
        if (record === undefined) { stats.malformedLines++; } else if (record !== null) { out.push(this.entryOf(record, withOwners)); }
      });
      stats.malformedLines += withoutPrefix;
    }
    const sockets = perTable.flat();
    if (withOwners) {
      pass ??= this.beginOwnerPass(options.fullWalk === true, stats, false);
      // Entries were built with the owners known when their row was read: rebuild those that changed.
      if (this.endOwnerPass(pass, sockets, stats) || !early) {
        for (let i = 0; i < sockets.length; i++) {
          const s = sockets[i];
          if (this.ownersOf(s, true) !== s.processes) { sockets[i] = this.entryOf(s, true); }
        }
      }
    }
    return { takenAt: this.now(), backend: this.name, sockets, stats };
  }

  private finish(rows: readonly CachedRow[], options: CollectOptions, stats: CollectStats): Snapshot {
    const withOwners = options.owners !== false;
    if (withOwners) {
      this.endOwnerPass(this.beginOwnerPass(options.fullWalk === true, stats, false), rows.map(r => r.record), stats);
    }
    const sockets: SocketEntry[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      let entry = row.entry;
      if (!entry || entry.processes !== this.ownersOf(row.record, withOwners)) {
        entry = this.entryOf(row.record, withOwners);
        row.entry = entry;
      }
      sockets[i] = entry;
    }
    return { takenAt: this.now(), backend: this.name, sockets, stats };
  }

  private ownersOf(r: SocketRecord, withOwners: boolean): SocketOwner[] {
    return (withOwners && r.inode !== 0 ? (this.owners.get(r.inode) ?? NO_OWNERS) : NO_OWNERS) as SocketOwner[];
  }

  private entryOf(r: SocketRecord, withOwners: boolean): SocketEntry {
    const processes = this.ownersOf(r, withOwners);
    return {
      protocol: r.protocol, family: r.family,
      localAddress: r.localAddress, localPort: r.localPort,
      remoteAddress: r.remoteAddress, remotePort: r.remotePort,
      state: r.state, inode: r.inode, uid: r.uid,
      user: this.userName(r.uid),
      ownerVisible: processes.length > 0,
      processes,
    };
  }

  async processInfo(pid: number): Promise<ProcessInfo | undefined> {
    this.refreshUsers();
    return this.readProcessInfo(pid);
  }

  /** Fresh (uncached) process details; undefined for a vanished pid or a zombie (its fds are gone). */
  readProcessInfo(pid: number, known?: ProcStat): ProcessInfo | undefined {
    const base = `${this.proc}/${pid}`;
    let stat = known;
    if (!stat) {
      const statText = tryRead(`${base}/stat`);
      stat = statText === undefined ? undefined : parseProcStat(statText);
    }
    if (!stat || stat.state === 'Z' || stat.state === 'X') { return undefined; }
    const uid = parseStatusUid(tryRead(`${base}/status`) ?? '');
    const cmdText = tryRead(`${base}/cmdline`) ?? '';
    const cmdline = parseCmdline(cmdText);
    return {
      pid,
      ppid: stat.ppid,
      name: displayName(stat.comm, cmdText),
      commandLine: cmdline || `[${stat.comm}]`,
      cwd: tryReadlink(`${base}/cwd`) ?? '',
      user: uid === undefined ? '' : this.userName(uid),
      startTime: this.ticksToMs(stat.startTicks),
    };
  }

  private readTables(options: CollectOptions, stats: CollectStats): CachedRow[] {
    const out: CachedRow[] = [];
    for (const t of tablesFor(options)) {
      const text = readProcNetTable(this.proc, t);
      if (text !== undefined) { this.parseTable(t, text, options, stats, out); }
    }
    return out;
  }

  /**
   * Rows of one table, reusing last time's CachedRow for every row whose text is unchanged. Most
   * rows are where they were (the kernel prints its hash table in order), so each row is compared
   * with last time's row at the same place, or one before or after it (a socket came or went).
   * Only a row not found there is looked up by its text, in a map of last time's rows built once
   * for the refresh that first needs it: a refresh with the same sockets hashes no row text, which
   * had been most of its own work; one where counters moved pays what every refresh used to.
   */
  private parseTable(t: ProcNetTable, text: string, options: CollectOptions, stats: CollectStats, out: CachedRow[]): void {
    const prev = this.rows.get(t.file);
    const next: TableRows = { text, starts: [], ends: [], rows: [], places: undefined };
    const listeningState = t.protocol === 'tcp' ? 'LISTEN' : 'UNCONN';
    let shift = 0;
    const samePlace = (k: number, from: number, to: number) => {
      if (!prev || k < 0 || k >= prev.rows.length) { return false; }
      const ps = prev.starts[k], pe = prev.ends[k];
      return pe - ps === to - from && text.slice(from, to) === prev.text.slice(ps, pe);
    };
    const withoutPrefix = forEachRow(text, (from, to) => {
      const here = next.rows.length;
      let k = -1;
      for (const d of NEAR) {
        if (samePlace(here + shift + d, from, to)) { k = here + shift + d; break; }
      }
      if (k < 0 && prev) { k = this.placesOf(prev).get(text.slice(from, to)) ?? -1; }
      let row: CachedRow | null;
      if (k >= 0) {
        shift = k - here;
        row = prev!.rows[k];
      } else {
        row = parsedRow(parseRowAt(text, from, to, t.protocol, t.family));
      }
      // Malformed rows keep their place too, so that a table with one does not lose its position.
      next.starts.push(from);
      next.ends.push(to);
      next.rows.push(row);
      if (!row) { stats.malformedLines++; return; }
      if (!options.listeningOnly || row.record.state === listeningState) { out.push(row); }
    });
    stats.malformedLines += withoutPrefix;
    this.rows.set(t.file, next);
  }

  /** Row text → its place in that read; built only when a row is not found near its place. */
  private placesOf(table: TableRows): Map<string, number> {
    if (!table.places) {
      table.places = new Map();
      for (let i = 0; i < table.rows.length; i++) { table.places.set(table.text.slice(table.starts[i], table.ends[i]), i); }
    }
    return table.places;
  }

  /**
   * The half of owner resolution that needs no socket rows: forget vanished processes and re-walk
   * those that are new, replaced or whose fd count changed (every process on a full walk).
   * `early`: it runs before the rows are read, and endOwnerPass() must catch up.
   */
  private beginOwnerPass(forceFull: boolean, stats: CollectStats, early: boolean): OwnerPass {
    const pidList = this.listPids();
    const pass: OwnerPass = { pidList, full: forceFull || this.fullWalkDue(), walked: new Set(), early };
    const present = new Set(pidList);
    for (const pid of [...this.pids.keys()]) { if (!present.has(pid)) { this.forgetPid(pid); } }
    for (const pid of pidList) {
      if (pass.full || this.needsWalk(pid)) { this.walkInPass(pass, pid, stats); }
    }
    return pass;
  }

  /** New to the cache (or forgotten as vanished), or its fd count moved since it was walked. */
  private needsWalk(pid: number): boolean {
    const cached = this.pids.get(pid);
    return !cached || (this.fdCountsUsable() && this.fdCount(pid) !== cached.fdCount);
  }

  /**
   * The other half, given the rows: an inode nobody holds turns the pass into a full walk.
   * Returns whether any process was walked here (owners may have changed since the rows were built).
   */
  private endOwnerPass(pass: OwnerPass, rows: readonly SocketRecord[], stats: CollectStats): boolean {
    let walkedNow = false;
    let walkedBefore: Set<number> | undefined;
    if (pass.early) {
      // Walks so far happened before the rows were read, so they do not count as fresh below.
      walkedBefore = pass.walked;
      pass.walked = new Set();
      // Processes that started, or opened or closed fds, while the tables were being read (a pid
      // missing from the first listing has no cache entry: beginOwnerPass() forgot it).
      pass.pidList = this.listPids();
      for (const pid of pass.pidList) {
        if (this.needsWalk(pid)) { this.walkInPass(pass, pid, stats); walkedNow = true; }
      }
    }
    if (!pass.full && rows.some(r => r.inode !== 0 && !this.owners.has(r.inode) && !this.knownUnowned.has(r.inode))) {
      // A socket nobody in the cache holds was opened by a process that was not re-walked.
      pass.full = true;
      for (const pid of pass.pidList) { if (!pass.walked.has(pid)) { this.walkInPass(pass, pid, stats); walkedNow = true; } }
    }
    if (pass.full) {
      this.lastFullWalk = this.now();
      // Sockets a complete walk cannot attribute (other users' processes, kernel sockets) stay
      // unattributed until the next full walk; they must not force a full walk on every refresh.
      this.knownUnowned = new Set();
      for (const r of rows) { if (r.inode !== 0 && !this.owners.has(r.inode)) { this.knownUnowned.add(r.inode); } }
    }
    stats.fullWalk = pass.full;
    stats.processesWalked = walkedBefore ? new Set([...walkedBefore, ...pass.walked]).size : pass.walked.size;
    return walkedNow;
  }

  private fullWalkDue(): boolean {
    return this.now() - this.lastFullWalk >= this.fullWalkMs;
  }

  private walkInPass(pass: OwnerPass, pid: number, stats: CollectStats): void {
    pass.walked.add(pid);
    this.walkPid(pid, pass.full, stats);
  }

  private listPids(): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.proc);
    } catch (e) {
      throw new Error(`cannot list ${this.proc}: ${errorCode(e) ?? String(e)}`);
    }
    const pids: number[] = [];
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c >= 48 && c <= 57) { pids.push(Number(n)); }
    }
    return pids;
  }

  private walkPid(pid: number, refreshInfo: boolean, stats: CollectStats): void {
    const base = `${this.proc}/${pid}`;
    const statText = tryRead(`${base}/stat`);
    const stat = statText === undefined ? undefined : parseProcStat(statText);
    if (!stat) { this.forgetPid(pid); stats.vanishedProcesses++; return; }
    const previous = this.pids.get(pid);
    let fdCount: number;
    let sockets: number[];
    try {
      ({ fdCount, sockets } = readSocketFds(this.proc, pid));
    } catch (e) {
      const code = errorCode(e);
      this.forgetPid(pid);
      if (code === 'ENOENT' || code === 'ESRCH') { stats.vanishedProcesses++; return; }
      // EACCES: another user's process. Remember it (no sockets) so it is not re-tried each refresh.
      stats.unreadableEntries++;
      this.pids.set(pid, { startTicks: stat.startTicks, fdCount: this.fdCount(pid), sockets: [], info: undefined });
      return;
    }
    const samePid = previous !== undefined && previous.startTicks === stat.startTicks;
    let info = samePid && !refreshInfo ? previous.info : undefined;
    if (!info && sockets.length > 0) { info = this.readProcessInfo(pid, stat); }
    if (samePid && previous.info === info && sameSockets(previous.sockets, sockets)) {
      previous.fdCount = this.fdCountsUsable() ? fdCount : -1;
      return;
    }
    this.forgetPid(pid);
    this.addPid(pid, { startTicks: stat.startTicks, fdCount: this.fdCountsUsable() ? fdCount : -1, sockets, info });
  }

  private addPid(pid: number, entry: PidEntry): void {
    this.pids.set(pid, entry);
    const info = entry.info;
    if (!info) { return; }
    this.ownersDirty = true;
    const pairs = entry.sockets;
    for (let i = 0; i < pairs.length; i += 2) {
      const inode = pairs[i];
      const owner: SocketOwner = {
        pid: info.pid, ppid: info.ppid, name: info.name, commandLine: info.commandLine,
        cwd: info.cwd, user: info.user, startTime: info.startTime, fd: pairs[i + 1],
      };
      const current = this.owners.get(inode);
      // A new array even when merging: the current one may belong to a snapshot already handed out.
      this.owners.set(inode, current ? [...current, owner].sort((a, b) => a.pid - b.pid || a.fd - b.fd) : [owner]);
    }
  }

  /**
   * The owner cache as plain data, so a short-lived process (the CLI) can keep it between runs.
   * It is only a hint, checked like the in-memory cache on every collection (fd counts, unknown
   * inodes, the periodic full walk).
   */
  exportCache(): OwnerCacheData {
    this.ownersDirty = false;
    return {
      version: OWNER_CACHE_VERSION,
      bootTimeMs: this.bootTime(),
      lastFullWalk: this.lastFullWalk,
      knownUnowned: [...this.knownUnowned],
      pids: [...this.pids].map(([pid, e]) => [pid, e.startTicks, e.fdCount, e.sockets, e.info ?? null]),
    };
  }

  /** Loads exported data; ignored (returns false) when it is from another boot or malformed. */
  importCache(data: unknown): boolean {
    const d = data as OwnerCacheData;
    if (!d || d.version !== OWNER_CACHE_VERSION || d.bootTimeMs !== this.bootTime() || !Array.isArray(d.pids) || !Array.isArray(d.knownUnowned)
      || typeof d.lastFullWalk !== 'number' || d.lastFullWalk > this.now()) {
      return false;
    }
    this.pids.clear();
    this.owners.clear();
    try {
      for (const [pid, startTicks, fdCount, sockets, info] of d.pids) {
        if (!isCount(pid) || !isCount(startTicks) || !Number.isInteger(fdCount) || !Array.isArray(sockets) || sockets.length % 2 !== 0
          || !sockets.every(isCount) || !(info === null || validInfo(info, pid))) {
          throw new Error('malformed');
        }
        this.addPid(pid, { startTicks, fdCount, sockets, info: info ?? undefined });
      }
      if (!d.knownUnowned.every(isCount)) { throw new Error('malformed'); }
    } catch {
      this.pids.clear();
      this.owners.clear();
      return false;
    }
    this.knownUnowned = new Set(d.knownUnowned);
    this.lastFullWalk = d.lastFullWalk;
    this.ownersDirty = false;
    return true;
  }

  /** Whether the owner data changed since it was last exported or imported. */
  get cacheChanged(): boolean {
    return this.ownersDirty;
  }

  /** Drops a process and its share of every socket's owner list (new arrays: snapshots are immutable). */
  private forgetPid(pid: number): void {
    const entry = this.pids.get(pid);
    if (!entry) { return; }
    this.pids.delete(pid);
    if (entry.sockets.length > 0) { this.ownersDirty = true; }
    for (let i = 0; i < entry.sockets.length; i += 2) {
      const inode = entry.sockets[i];
      const current = this.owners.get(inode);
      if (!current) { continue; }
      const rest = current.filter(o => o.pid !== pid);
      if (rest.length === 0) { this.owners.delete(inode); } else { this.owners.set(inode, rest); }
    }
  }

  private fdCountsUsable(): boolean {
    if (this.fdCountSupported === undefined) {
      try {
        this.fdCountSupported = this.proc === '/proc' && fs.statSync('/proc/self/fd').size > 0;
      } catch {
        this.fdCountSupported = false;
      }
    }
    return this.fdCountSupported;
  }

  private fdCount(pid: number): number {
    try { return fs.statSync(`${this.proc}/${pid}/fd`).size; } catch { return -2; }
  }

  private bootTime(): number {
    if (this.bootTimeMs === undefined) {
      this.bootTimeMs = (parseBootTime(tryRead(`${this.proc}/stat`) ?? '') ?? 0) * 1000;
    }
    return this.bootTimeMs;
  }

  private ticksToMs(ticks: number): number {
    return this.bootTime() + Math.round((ticks * 1000) / CLOCK_TICKS);
  }

  /** Re-reads /etc/passwd when it changed; called once per collection, not per socket. */
  private refreshUsers(): void {
    let mtimeMs = 0;
    try { mtimeMs = fs.statSync(this.passwdPath).mtimeMs; } catch { /* no passwd: numeric names */ }
    if (!this.users || this.users.mtimeMs !== mtimeMs) {
      this.users = { mtimeMs, map: parsePasswd(tryRead(this.passwdPath) ?? '') };
    }
  }

  userName(uid: number): string {
    if (uid < 0) { return ''; }
    if (!this.users) { this.refreshUsers(); }
    return this.users?.map.get(uid) ?? String(uid);
  }
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

function sameSockets(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) { return false; }
  for (let i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
  return true;
}
