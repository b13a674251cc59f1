// Which processes hold which socket inode, from the /proc/<pid>/fd links, kept between
// collections so that a refresh re-walks only what changed.
//
// The walk costs ~4–5 µs per fd on the whole machine. Each process's socket fds are remembered
// with its start time and fd count; a pass re-walks only processes that are new, were replaced
// (pid reuse: different start time), or whose fd count changed (Linux ≥ 6.2 reports it as the
// size of /proc/<pid>/fd). A socket inode that no cached process holds triggers a walk of every
// process, and every `fullWalkMs` (30 s) a full walk runs anyway, so an fd handed between two
// existing processes is picked up within that period. The index is serialisable (exportCache /
// importCache) so that a short-lived process, the CLI, can keep it between runs.
import * as fs from 'node:fs';
import type { CollectStats, ProcessInfo, SocketOwner, SocketRecord } from '../model';
import { errorCode, readSocketFds, tryReadlink } from './procFiles';
import type { ProcProcesses } from './procProcesses';
import { OWNER_CACHE_VERSION, packFds, unpackFds, validCacheEntry, type OwnerCacheData, type OwnerCacheEntry } from './ownerCacheData';

const FULL_WALK_MS = 30_000;
/** How often a probe of watched ports walks every process while one of them stays taken. */
const PROBE_FULL_WALK_MS = 60_000;
const NO_OWNERS: readonly SocketOwner[] = Object.freeze([]);

interface PidEntry {
  startTicks: number;
  /** -1 when the kernel does not report the fd count. */
  fdCount: number;
  /** This process's sockets as flat [inode, fd, inode, fd, …] pairs, in fd order (see readSocketFds). */
  sockets: number[];
  info: ProcessInfo | undefined;
  /** Every fd number at that walk, for a process with many fds (see readSocketFds). */
  fds?: number[];
}

/** One owner resolution in progress: beginPass() before the rows are read, endPass() after. */
export interface OwnerPass {
  pidList: number[];
  /** Every process is walked in this pass (and its details re-read). */
  full: boolean;
  walked: Set<number>;
  /** Begun before the socket rows were read (the CLI's one-shot path, warm); never full. */
  early: boolean;
}

export interface FdOwnerIndexOptions {
  fullWalkMs?: number;
  now?: () => number;
}

export class FdOwnerIndex {
  private readonly proc: string;
  private readonly fullWalkMs: number;
  private readonly now: () => number;
  /** Owner data changed since the last exportCache(): worth saving. */
  private ownersDirty = false;
  private pids = new Map<number, PidEntry>();
  private owners = new Map<number, readonly SocketOwner[]>();
  private knownUnowned = new Set<number>();
  private lastFullWalk = -Infinity;
  private lastProbeWalk = -Infinity;
  private fdCountSupported: boolean | undefined;

  constructor(private readonly processes: ProcProcesses, options: FdOwnerIndexOptions = {}) {
    this.proc = processes.procRoot;
    this.fullWalkMs = options.fullWalkMs ?? FULL_WALK_MS;
    this.now = options.now ?? Date.now;
  }

  /** The processes known to hold this socket (a shared, frozen-by-convention array: do not modify). */
  ownersOf(inode: number): SocketOwner[] {
    return (inode !== 0 ? (this.owners.get(inode) ?? NO_OWNERS) : NO_OWNERS) as SocketOwner[];
  }

  /**
   * The half of owner resolution that needs no socket rows: forget vanished processes and re-walk
   * those that are new, replaced or whose fd count changed (every process on a full walk).
   * `early`: it runs before the rows are read, and endPass() must catch up.
   */
  beginPass(forceFull: boolean, stats: CollectStats, early: boolean): OwnerPass {
    const pidList = this.listPids();
    const pass: OwnerPass = { pidList, full: forceFull || this.fullWalkDue(), walked: new Set(), early };
    this.forgetMissing(pidList);
    for (const pid of pidList) {
      if (pass.full || this.needsWalk(pid)) { this.walkInPass(pass, pid, stats); }
    }
    return pass;
  }

  /**
   * The other half, given the rows: an inode nobody holds turns the pass into a full walk.
   * Returns whether any process was walked here (owners may have changed since the rows were built).
   */
  endPass(pass: OwnerPass, rows: readonly SocketRecord[], stats: CollectStats): boolean {
    let walkedNow = false;
    let walkedBefore: Set<number> | undefined;
    if (pass.early) {
      // Walks so far happened before the rows were read, so they do not count as fresh below.
      walkedBefore = pass.walked;
      pass.walked = new Set();
      // Processes that started, or opened or closed fds, while the tables were being read (a pid
      // missing from the first listing has no cache entry: beginPass() forgot it).
      pass.pidList = this.listPids();
      for (const pid of pass.pidList) {
        if (this.needsWalk(pid)) { this.walkInPass(pass, pid, stats); walkedNow = true; }
      }
    }
    if (!pass.full && rows.some(r => this.unattributed(r.inode))) {
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

  /**
   * Brings the owners of a few sockets up to date, cheaply (the status bar's check of watched
   * ports): each known owner is re-validated with one readlink of its fd and a look at its start
   * time, and only processes the index has not seen yet are walked (a forked child that shares a
   * server's socket is one). Every process is walked for a socket the index did not know when the
   * probe began (an existing process may hold it too), or every PROBE_FULL_WALK_MS while one stays
   * taken (an fd handed to an existing process); that walk does not stop at the first owner, since
   * pre-fork servers share one socket between many. Returns whether every process was walked.
   */
  probe(inodes: readonly number[], stats: CollectStats): boolean {
    const wanted = inodes.filter(i => i !== 0);
    if (wanted.length === 0) { return false; }
    const unseen = wanted.some(i => this.unattributed(i));
    const pidList = this.listPids();
    this.forgetMissing(pidList);
    const pass: OwnerPass = { pidList, full: false, walked: new Set(), early: false };
    for (const pid of pidList) { if (!this.pids.has(pid)) { this.walkInPass(pass, pid, stats); } }
    for (const inode of wanted) {
      for (const o of this.ownersOf(inode)) {
        if (!pass.walked.has(o.pid) && !this.stillHolds(o, inode)) { this.walkInPass(pass, o.pid, stats); }
      }
    }
    const now = this.now();
    if (unseen || wanted.some(i => this.unattributed(i)) || now - Math.max(this.lastFullWalk, this.lastProbeWalk) >= PROBE_FULL_WALK_MS) {
      pass.full = true;
      this.lastProbeWalk = now;
      for (const pid of pidList) { if (!pass.walked.has(pid)) { this.walkInPass(pass, pid, stats); } }
      for (const i of wanted) { if (!this.owners.has(i)) { this.knownUnowned.add(i); } }
    }
    stats.fullWalk = pass.full;
    stats.processesWalked = pass.walked.size;
    return pass.full;
  }

  /** An inode no cached process holds, and not one a complete walk already failed to attribute. */
  private unattributed(inode: number): boolean {
    return inode !== 0 && !this.owners.has(inode) && !this.knownUnowned.has(inode);
  }

  /** The same process (start time) still has this socket on this fd. */
  private stillHolds(o: SocketOwner, inode: number): boolean {
    const entry = this.pids.get(o.pid);
    if (!entry || tryReadlink(`${this.proc}/${o.pid}/fd/${o.fd}`) !== `socket:[${inode}]`) { return false; }
    return this.processes.stat(o.pid)?.startTicks === entry.startTicks;
  }

  fullWalkDue(): boolean {
    return this.now() - this.lastFullWalk >= this.fullWalkMs;
  }

  /** New to the cache (or forgotten as vanished), or its fd count moved since it was walked. */
  private needsWalk(pid: number): boolean {
    const cached = this.pids.get(pid);
    return !cached || (this.fdCountsUsable() && this.fdCount(pid) !== cached.fdCount);
  }

  private forgetMissing(pidList: readonly number[]): void {
    const present = new Set(pidList);
    for (const pid of [...this.pids.keys()]) { if (!present.has(pid)) { this.forgetPid(pid); } }
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
    const stat = this.processes.stat(pid);
    if (!stat) { this.forgetPid(pid); stats.vanishedProcesses++; return; }
    const previous = this.pids.get(pid);
    let fdCount: number;
    let sockets: number[];
    let fds: number[] | undefined;
    // A full walk reads every fd: it is the safety net for what a partial read may miss.
    const since = previous?.fds && previous.startTicks === stat.startTicks && !refreshInfo ? { fds: previous.fds, sockets: previous.sockets } : undefined;
    try {
      ({ fdCount, sockets, fds } = readSocketFds(this.proc, pid, since));
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
    if (!info && sockets.length > 0) { info = this.processes.read(pid, stat); }
    if (samePid && previous.info === info && sameSockets(previous.sockets, sockets)) {
      previous.fdCount = this.fdCountsUsable() ? fdCount : -1;
      if (previous.fds !== fds) { this.ownersDirty = true; }
      previous.fds = fds;
      return;
    }
    this.forgetPid(pid);
    this.addPid(pid, { startTicks: stat.startTicks, fdCount: this.fdCountsUsable() ? fdCount : -1, sockets, info, fds });
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

  /**
   * The index as plain data, so a short-lived process (the CLI) can keep it between runs. It is
   * only a hint, checked like the in-memory index on every collection (fd counts, unknown inodes,
   * the periodic full walk).
   */
  exportCache(): OwnerCacheData {
    this.ownersDirty = false;
    return {
      version: OWNER_CACHE_VERSION,
      bootTimeMs: this.processes.bootTime(),
      lastFullWalk: this.lastFullWalk,
      knownUnowned: [...this.knownUnowned],
      pids: [...this.pids].map(([pid, e]): OwnerCacheEntry => (e.fds
        ? [pid, e.startTicks, e.fdCount, e.sockets, e.info ?? null, packFds(e.fds)]
        : [pid, e.startTicks, e.fdCount, e.sockets, e.info ?? null])),
    };
  }

  /** Loads exported data; ignored (returns false) when it is from another boot or malformed. */
  importCache(data: unknown): boolean {
    const d = data as OwnerCacheData;
    if (!d || d.version !== OWNER_CACHE_VERSION || d.bootTimeMs !== this.processes.bootTime() || !Array.isArray(d.pids) || !Array.isArray(d.knownUnowned)
      || typeof d.lastFullWalk !== 'number' || d.lastFullWalk > this.now()) {
      return false;
    }
    this.pids.clear();
    this.owners.clear();
    try {
      for (const e of d.pids) {
        if (!validCacheEntry(e)) { throw new Error('malformed'); }
        const [pid, startTicks, fdCount, sockets, info, packed] = e;
        this.addPid(pid, { startTicks, fdCount, sockets, info: info ?? undefined, fds: packed ? unpackFds(packed) : undefined });
      }
      if (!d.knownUnowned.every(n => Number.isSafeInteger(n) && n >= 0)) { throw new Error('malformed'); }
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

  fdCountsUsable(): boolean {
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
}

function sameSockets(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) { return false; }
  for (let i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
  return true;
}
