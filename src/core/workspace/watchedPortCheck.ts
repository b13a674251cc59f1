// The cheap check behind the status-bar warning: which watched ports are bound, and by whom.
//
// It runs every few seconds even when nobody looks at the Ports view, so it does as little as it
// can: it reads only the /proc/net tables of the protocols being watched, keeps only listening
// rows on watched ports (parseProcNet's localPorts filter), and looks for owners only when one of
// those ports is taken. Owners are remembered per socket inode and re-validated with one readlink
// per owner on later checks; a full walk of /proc/<pid>/fd happens only for a socket not seen
// before, or every `rewalkMs` while a port stays taken (a forked child can start sharing a
// socket). The walk is not stopped at the first owner: pre-fork servers and socket activation
// share one listening socket between several processes, and the only way to know them all is to
// look at every process.
import * as fs from 'node:fs';
import type { Family, ProcessInfo, Protocol, SocketRecord } from '../model';
import { readSocketFds, tryRead, tryReadlink } from '../collect/procFiles';
import { PROC_NET_TABLES, readProcNetTable } from '../collect/procNetTables';
import { parseProcNet } from '../collect/procNetParser';
import { parseProcStat } from '../collect/procPidParser';
import type { PortSpec } from './watchList';

export interface PortHolder extends ProcessInfo {
  fd: number;
}

export interface PortCheckResult {
  port: number;
  protocol: Protocol;
  /** Listening TCP / bound UDP sockets on this port (several: IPv4 + IPv6, or per address). */
  sockets: { family: Family; address: string; inode: number; uid: number }[];
  /** Every process holding one of those sockets, once per pid. */
  holders: PortHolder[];
  /** True when the port is taken but no holder could be seen (another user's process, kernel socket). */
  holderHidden: boolean;
}

export interface CheckStats {
  tablesRead: number;
  fullWalks: number;
  processesWalked: number;
}

export interface WatchedPortCheckerOptions {
  procRoot?: string;
  /** Process details (the shared collector's processInfo, so start times match the kill path's). */
  processInfo: (pid: number) => Promise<ProcessInfo | undefined>;
  /** Re-walk all processes for a still-taken port this often. */
  rewalkMs?: number;
  now?: () => number;
}

interface CachedOwners {
  owners: { pid: number; fd: number; startTicks: number }[];
  walkedAt: number;
}

export class WatchedPortChecker {
  private readonly proc: string;
  private readonly rewalkMs: number;
  private readonly now: () => number;
  private cache = new Map<number, CachedOwners>();
  readonly stats: CheckStats = { tablesRead: 0, fullWalks: 0, processesWalked: 0 };

  constructor(private readonly options: WatchedPortCheckerOptions) {
    this.proc = options.procRoot ?? '/proc';
    this.rewalkMs = options.rewalkMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Only Linux has /proc/net; elsewhere the caller uses the collector instead. */
  static supported(procRoot = '/proc'): boolean {
    try { fs.accessSync(`${procRoot}/net/tcp`, fs.constants.R_OK); return true; } catch { return false; }
  }

  /** Sockets bound on watched ports, without owners. Throws only when /proc/net itself is unreadable. */
  boundSockets(watched: readonly PortSpec[]): SocketRecord[] {
    const byProtocol = new Map<Protocol, Set<number>>();
    for (const w of watched) {
      let set = byProtocol.get(w.protocol);
      if (!set) { set = new Set(); byProtocol.set(w.protocol, set); }
      set.add(w.port);
    }
    const out: SocketRecord[] = [];
    for (const t of PROC_NET_TABLES) {
      const ports = byProtocol.get(t.protocol);
      if (!ports) { continue; }
      const text = readProcNetTable(this.proc, t);
      if (text === undefined) { continue; }
      this.stats.tablesRead++;
      for (const r of parseProcNet(text, t.protocol, t.family, { listeningOnly: true, localPorts: ports }).records) { out.push(r); }
    }
    return out;
  }

  async check(watched: readonly PortSpec[]): Promise<PortCheckResult[]> {
    const records = this.boundSockets(watched);
    const results = new Map<string, PortCheckResult>();
    for (const w of watched) {
      const key = `${w.port}/${w.protocol}`;
      if (!results.has(key)) { results.set(key, { port: w.port, protocol: w.protocol, sockets: [], holders: [], holderHidden: false }); }
    }
    for (const r of records) {
      results.get(`${r.localPort}/${r.protocol}`)?.sockets.push({ family: r.family, address: r.localAddress, inode: r.inode, uid: r.uid });
    }
    const inodes = new Set(records.map(r => r.inode).filter(i => i !== 0));
    const owners = this.ownersOf(inodes);
    for (const result of results.values()) {
      if (result.sockets.length === 0) { continue; }
      const seen = new Set<number>();
      for (const s of result.sockets) {
        for (const o of owners.get(s.inode) ?? []) {
          if (seen.has(o.pid)) { continue; }
          seen.add(o.pid);
          const info = await this.options.processInfo(o.pid);
          if (info) { result.holders.push({ ...info, fd: o.fd }); }
        }
      }
      result.holders.sort((a, b) => a.pid - b.pid);
      result.holderHidden = result.holders.length === 0;
    }
    // Forget sockets that are gone, so a later socket reusing the inode number is walked afresh.
    for (const inode of this.cache.keys()) { if (!inodes.has(inode)) { this.cache.delete(inode); } }
    return [...results.values()];
  }

  private ownersOf(inodes: ReadonlySet<number>): Map<number, { pid: number; fd: number }[]> {
    const out = new Map<number, { pid: number; fd: number }[]>();
    if (inodes.size === 0) { return out; }
    const now = this.now();
    let walkNeeded = false;
    for (const inode of inodes) {
      const cached = this.cache.get(inode);
      if (!cached || now - cached.walkedAt >= this.rewalkMs || !cached.owners.every(o => this.stillHolds(o, inode))) {
        walkNeeded = true;
        break;
      }
    }
    if (walkNeeded) { this.walk(inodes, now); }
    for (const inode of inodes) {
      out.set(inode, (this.cache.get(inode)?.owners ?? []).map(o => ({ pid: o.pid, fd: o.fd })));
    }
    return out;
  }

  private stillHolds(o: { pid: number; fd: number; startTicks: number }, inode: number): boolean {
    if (tryReadlink(`${this.proc}/${o.pid}/fd/${o.fd}`) !== `socket:[${inode}]`) { return false; }
    const stat = parseProcStat(tryRead(`${this.proc}/${o.pid}/stat`) ?? '');
    return stat !== undefined && stat.startTicks === o.startTicks;
  }

  /** One pass over every process's fds, collecting the holders of all wanted inodes. */
  private walk(inodes: ReadonlySet<number>, now: number): void {
    this.stats.fullWalks++;
    const found = new Map<number, { pid: number; fd: number; startTicks: number }[]>();
    let names: string[] = [];
    try { names = fs.readdirSync(this.proc); } catch { /* nothing to walk */ }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) { continue; }
      const pid = Number(name);
      let sockets: number[];
      try { ({ sockets } = readSocketFds(this.proc, name)); } catch { continue; } // gone, or another user's
      this.stats.processesWalked++;
      let startTicks: number | undefined;
      for (let i = 0; i < sockets.length; i += 2) {
        const inode = sockets[i];
        if (!inodes.has(inode)) { continue; }
        startTicks ??= parseProcStat(tryRead(`${this.proc}/${name}/stat`) ?? '')?.startTicks ?? -1;
        let list = found.get(inode);
        if (!list) { list = []; found.set(inode, list); }
        list.push({ pid, fd: sockets[i + 1], startTicks });
      }
    }
    for (const inode of inodes) { this.cache.set(inode, { owners: found.get(inode) ?? [], walkedAt: now }); }
  }
}
