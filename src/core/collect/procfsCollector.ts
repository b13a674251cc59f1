// Linux back end: sockets from /proc/net, owners by walking /proc/<pid>/fd.
//
// The walk is the expensive part (~4–5 µs per fd on the whole machine), so it is cached:
// each process's socket fds are remembered with the process's start time and fd count, and a
// refresh re-walks only processes that are new, were replaced (pid reuse), or whose fd count
// changed (Linux ≥ 6.2 reports it as the size of /proc/<pid>/fd). A socket inode nobody in the
// cache holds triggers a walk of everything; every FULL_WALK_MS a full walk runs regardless, so
// an fd passed between existing processes is picked up within that period.
import * as fs from 'node:fs';
import type { CollectOptions, CollectStats, Collector, Family, ProcessInfo, Protocol, Snapshot, SocketEntry, SocketOwner, SocketRecord } from '../model';
import { emptyStats } from '../model';
import { parseProcNet } from './procNetParser';
import { parseBootTime, parseCmdline, parsePasswd, parseProcStat, parseSocketLink, parseStatusUid } from './procPidParser';
import { errorCode, readProcText, tryRead, tryReadlink } from './procFiles';

/** USER_HZ: the unit of /proc/<pid>/stat's start time; 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS = 100;
const FULL_WALK_MS = 30_000;

interface PidEntry {
  startTicks: number;
  /** -1 when the kernel does not report the fd count. */
  fdCount: number;
  sockets: Map<number, number[]>;
}

export interface ProcfsOptions {
  /** Root of the proc filesystem; tests point it at a copy. */
  procRoot?: string;
  passwdPath?: string;
  fullWalkMs?: number;
  now?: () => number;
}

const TABLES: { protocol: Protocol; family: Family; file: string }[] = [
  { protocol: 'tcp', family: 4, file: 'net/tcp' },
  { protocol: 'tcp', family: 6, file: 'net/tcp6' },
  { protocol: 'udp', family: 4, file: 'net/udp' },
  { protocol: 'udp', family: 6, file: 'net/udp6' },
];

export class ProcfsCollector implements Collector {
  readonly name = 'procfs';
  private readonly proc: string;
  private readonly passwdPath: string;
  private readonly fullWalkMs: number;
  private readonly now: () => number;
  private pids = new Map<number, PidEntry>();
  private infos = new Map<string, ProcessInfo>();
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
    const records = this.readTables(options, stats);
    const sockets: SocketEntry[] = [];
    if (options.owners === false) {
      for (const r of records) { sockets.push({ ...r, user: this.userName(r.uid), ownerVisible: false, processes: [] }); }
      return { takenAt: this.now(), backend: this.name, sockets, stats };
    }
    const owners = this.resolveOwners(records, options.fullWalk === true, stats);
    for (const r of records) {
      const holders = r.inode === 0 ? undefined : owners.get(r.inode);
      const processes: SocketOwner[] = [];
      if (holders) {
        for (const [pid, fd] of holders) {
          const info = this.processInfoCached(pid);
          if (info) { processes.push({ ...info, fd }); }
        }
        processes.sort((a, b) => a.pid - b.pid || a.fd - b.fd);
      }
      sockets.push({ ...r, user: this.userName(r.uid), ownerVisible: processes.length > 0, processes });
    }
    return { takenAt: this.now(), backend: this.name, sockets, stats };
  }

  async processInfo(pid: number): Promise<ProcessInfo | undefined> {
    this.refreshUsers();
    return this.readProcessInfo(pid);
  }

  /** Fresh (uncached) process details; undefined for a vanished pid or a zombie (its fds are gone). */
  readProcessInfo(pid: number): ProcessInfo | undefined {
    const base = `${this.proc}/${pid}`;
    const statText = tryRead(`${base}/stat`);
    const stat = statText === undefined ? undefined : parseProcStat(statText);
    if (!stat || stat.state === 'Z' || stat.state === 'X') { return undefined; }
    const uid = parseStatusUid(tryRead(`${base}/status`) ?? '');
    const cmdline = parseCmdline(tryRead(`${base}/cmdline`) ?? '');
    return {
      pid,
      ppid: stat.ppid,
      name: stat.comm,
      commandLine: cmdline || `[${stat.comm}]`,
      cwd: tryReadlink(`${base}/cwd`) ?? '',
      user: uid === undefined ? '' : this.userName(uid),
      startTime: this.ticksToMs(stat.startTicks),
    };
  }

  private readTables(options: CollectOptions, stats: CollectStats): SocketRecord[] {
    const protocols = options.protocols ?? ['tcp', 'udp'];
    const records: SocketRecord[] = [];
    for (const t of TABLES) {
      if (!protocols.includes(t.protocol)) { continue; }
      let text: string;
      try {
        text = readProcText(`${this.proc}/${t.file}`);
      } catch (e) {
        // No IPv6 in this kernel/namespace: the table is simply absent.
        if (errorCode(e) === 'ENOENT') { continue; }
        throw new Error(`cannot read ${this.proc}/${t.file}: ${errorCode(e) ?? String(e)}`);
      }
      const parsed = parseProcNet(text, t.protocol, t.family, { listeningOnly: options.listeningOnly });
      stats.malformedLines += parsed.malformed;
      for (const r of parsed.records) { records.push(r); }
    }
    return records;
  }

  private resolveOwners(records: SocketRecord[], forceFull: boolean, stats: CollectStats): Map<number, [number, number][]> {
    const pidList = this.listPids(stats);
    let full = forceFull || this.now() - this.lastFullWalk >= this.fullWalkMs;
    const present = new Set(pidList);
    for (const pid of this.pids.keys()) { if (!present.has(pid)) { this.pids.delete(pid); } }

    const walked = new Set<number>();
    const walkPid = (pid: number) => { walked.add(pid); this.walkPid(pid, stats); };
    if (full) {
      for (const pid of pidList) { walkPid(pid); }
    } else {
      const counts = this.fdCountsUsable();
      for (const pid of pidList) {
        const cached = this.pids.get(pid);
        if (!cached || (counts && this.fdCount(pid) !== cached.fdCount)) { walkPid(pid); }
      }
    }

    let owners = this.ownerMap();
    if (!full) {
      // A socket nobody in the cache holds was opened by a process we did not re-walk: walk all.
      const unknown = records.some(r => r.inode !== 0 && !owners.has(r.inode) && !this.knownUnowned.has(r.inode));
      if (unknown) {
        for (const pid of pidList) { if (!walked.has(pid)) { walkPid(pid); } }
        owners = this.ownerMap();
        full = true;
      }
    }
    if (full) {
      this.lastFullWalk = this.now();
      // Sockets a complete walk cannot attribute (other users' processes, kernel sockets) stay
      // unattributed until a later full walk; they must not force a full walk on every refresh.
      this.knownUnowned = new Set(records.filter(r => r.inode !== 0 && !owners.has(r.inode)).map(r => r.inode));
      this.pruneInfos();
    }
    stats.fullWalk = full;
    stats.processesWalked = walked.size;
    return owners;
  }

  private listPids(stats: CollectStats): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.proc);
    } catch (e) {
      throw new Error(`cannot list ${this.proc}: ${errorCode(e) ?? String(e)}`);
    }
    const pids: number[] = [];
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c < 48 || c > 57) { continue; }
      const pid = Number(n);
      if (Number.isInteger(pid)) { pids.push(pid); } else { stats.unreadableEntries++; }
    }
    return pids;
  }

  private walkPid(pid: number, stats: CollectStats): void {
    const base = `${this.proc}/${pid}`;
    const statText = tryRead(`${base}/stat`);
    const stat = statText === undefined ? undefined : parseProcStat(statText);
    if (!stat) { this.pids.delete(pid); stats.vanishedProcesses++; return; }
    let fds: string[];
    try {
      fds = fs.readdirSync(`${base}/fd`);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'ENOENT' || code === 'ESRCH') { stats.vanishedProcesses++; this.pids.delete(pid); return; }
      // EACCES: another user's process. Remember it (no sockets) so it is not re-tried each refresh.
      stats.unreadableEntries++;
      this.pids.set(pid, { startTicks: stat.startTicks, fdCount: this.fdCount(pid), sockets: new Map() });
      return;
    }
    const sockets = new Map<number, number[]>();
    for (const fd of fds) {
      const link = tryReadlink(`${base}/fd/${fd}`);
      if (link === undefined || link.charCodeAt(0) !== 115 /* s */) { continue; }
      const inode = parseSocketLink(link);
      if (inode === undefined) { continue; }
      const list = sockets.get(inode);
      if (list) { list.push(Number(fd)); } else { sockets.set(inode, [Number(fd)]); }
    }
    const previous = this.pids.get(pid);
    if (previous && previous.startTicks !== stat.startTicks) { this.infos.delete(`${pid}`); }
    this.pids.set(pid, { startTicks: stat.startTicks, fdCount: this.fdCountsUsable() ? fds.length : -1, sockets });
  }

  private ownerMap(): Map<number, [number, number][]> {
    const owners = new Map<number, [number, number][]>();
    for (const [pid, entry] of this.pids) {
      for (const [inode, fds] of entry.sockets) {
        let list = owners.get(inode);
        if (!list) { list = []; owners.set(inode, list); }
        for (const fd of fds) { list.push([pid, fd]); }
      }
    }
    return owners;
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

  private processInfoCached(pid: number): ProcessInfo | undefined {
    const entry = this.pids.get(pid);
    const key = `${pid}`;
    const cached = this.infos.get(key);
    if (cached && entry && cached.startTime === this.ticksToMs(entry.startTicks)) { return cached; }
    const info = this.readProcessInfo(pid);
    if (info) { this.infos.set(key, info); } else { this.infos.delete(key); }
    return info;
  }

  private pruneInfos(): void {
    for (const key of this.infos.keys()) { if (!this.pids.has(Number(key))) { this.infos.delete(key); } }
  }

  private ticksToMs(ticks: number): number {
    if (this.bootTimeMs === undefined) {
      this.bootTimeMs = (parseBootTime(tryRead(`${this.proc}/stat`) ?? '') ?? 0) * 1000;
    }
    return this.bootTimeMs + Math.round((ticks * 1000) / CLOCK_TICKS);
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
