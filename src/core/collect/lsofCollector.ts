// Back end for macOS and any Unix with lsof (also runs on Linux, where the tests compare it with
// the /proc back end). One `lsof -F` call lists the internet sockets and their processes; `ps`
// adds what lsof lacks (parent, start time, full command line, user) for only the pids that own
// a socket, and `lsof -d cwd` the working directories of those pids.
//
// Visibility: without root, lsof shows only the caller's own processes (macOS, and Linux for
// other users' fds), and never ownerless sockets (TIME_WAIT). So the kernel's socket table is
// read as well — `netstat -an -p tcp|udp` on macOS/BSD, /proc/net on Linux — and every socket lsof
// did not attribute is added as "owner not visible": a port another user holds never looks free.
// With owners: false that table alone answers, without running lsof.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CollectOptions, CollectStats, Collector, Family, PortCheckResult, PortProbeSpec, ProcessInfo, Protocol, Snapshot, SocketEntry, SocketOwner, SocketRecord } from '../model';
import { emptyStats, isListening } from '../model';
import { parseBsdNetstat } from './bsdNetstatParser';
import { readProcText } from './procFiles';
import { parseProcNet } from './procNetParser';
import { parsePasswd } from './procPidParser';
import { lsofCwds, lsofSockets, parseLsofFields, parsePsRows, type LsofProcess, type LsofSocket, type PsRow } from './lsofParser';
import { displayName } from './procPidParser';
import { CommandError, parseableEnv, runCommand } from './runCommand';
import { missingToolMessage, unixTool, type UnixTool } from '../platform/systemTools';
import { portsByProtocol, probeByCollecting } from './portProbe';

export interface LsofOptions {
  lsofPath?: string;
  psPath?: string;
  netstatPath?: string;
  /** Where the ownerless socket table comes from; 'auto': /proc on Linux, netstat on macOS/BSD. */
  socketTable?: 'auto' | 'proc' | 'netstat' | 'none';
  procRoot?: string;
  timeoutMs?: number;
  now?: () => number;
}

const PROC_TABLES: { protocol: Protocol; family: Family; file: string }[] = [
  { protocol: 'tcp', family: 4, file: 'net/tcp' }, { protocol: 'tcp', family: 6, file: 'net/tcp6' },
  { protocol: 'udp', family: 4, file: 'net/udp' }, { protocol: 'udp', family: 6, file: 'net/udp6' },
];

const BSD_NETSTAT = new Set<NodeJS.Platform>(['darwin', 'freebsd', 'openbsd', 'netbsd' as NodeJS.Platform]);

/** Same socket in lsof's view and in the kernel table (family aside: a v4-mapped peer is dotted IPv4 in both). */
function tableKey(s: SocketRecord): string {
  return `${s.protocol}|${s.localAddress}|${s.localPort}|${s.remoteAddress}|${s.remotePort}|${s.state}`;
}

/** The tool's path, or the error a missing tool is reported with. */
function need(file: string | undefined, name: UnixTool): string {
  if (file === undefined) { throw new CommandError(missingToolMessage(name), 'missing'); }
  return file;
}

/** Pids per ps / lsof -p call: keeps the argument well under any ARG_MAX. */
const PID_CHUNK = 500;

export class LsofCollector implements Collector {
  readonly name = 'lsof';
  private readonly lsof: string | undefined;
  private readonly ps: string | undefined;
  private readonly netstat: string | undefined;
  private readonly table: 'proc' | 'netstat' | 'none';
  private readonly procRoot: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** cwd by "pid:startTime": a working directory rarely changes, a reused pid gets a new key. */
  private cwdCache = new Map<string, string>();

  constructor(options: LsofOptions = {}) {
    // The system's own lsof, ps and netstat (systemTools.ts); a missing one fails when it is needed.
    this.lsof = options.lsofPath ?? unixTool('lsof');
    this.ps = options.psPath ?? unixTool('ps');
    this.netstat = options.netstatPath ?? unixTool('netstat');
    const table = options.socketTable ?? 'auto';
    this.table = table !== 'auto' ? table : process.platform === 'linux' ? 'proc' : BSD_NETSTAT.has(process.platform) ? 'netstat' : 'none';
    this.procRoot = options.procRoot ?? '/proc';
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  collect(options: CollectOptions = {}): Promise<Snapshot> {
    return this.collectSelected(options);
  }

  /** Bound sockets without owners first (no lsof run on Linux and BSD); lsof only for the taken ports. */
  probePorts(specs: readonly PortProbeSpec[]): Promise<PortCheckResult[]> {
    return probeByCollecting(this, specs, async taken => {
      const ports = portsByProtocol(taken);
      return (await this.collectSelected({ listeningOnly: true, protocols: [...ports.keys()] }, ports)).sockets;
    });
  }

  /** `ports`: lsof lists only these ports per protocol (`-iTCP:3000,5173`), not every socket. */
  private async collectSelected(options: CollectOptions, ports?: ReadonlyMap<Protocol, ReadonlySet<number>>): Promise<Snapshot> {
    const stats = emptyStats();
    stats.fullWalk = true;
    const protocols = options.protocols ?? ['tcp', 'udp'];
    const selectors = protocols.map(p => {
      const only = ports?.get(p);
      return `-i${p === 'tcp' ? 'TCP' : 'UDP'}${only ? `:${[...only].join(',')}` : ''}`;
    });
    if (selectors.length === 0) { return { takenAt: this.now(), backend: this.name, sockets: [], stats }; }
    const keep = (r: SocketRecord) => !options.listeningOnly || isListening(r);
    const tablePromise = this.socketTable(protocols, stats);
    if (options.owners === false) {
      const table = await tablePromise;
      if (table) {
        const users = this.users();
        const sockets = table.records.filter(keep).map(r => ({ ...r, user: users(r.uid), ownerVisible: false, processes: [] }));
        return { takenAt: this.now(), backend: this.name, sockets, stats };
      }
    }
    // -n/-P: no DNS or service names; -w: no warnings on stderr; +c 0: untruncated command names;
    // -Ts: TCP state. Exit code 1: nothing matched, or one of -iTCP/-iUDP matched nothing — not failure.
    const [result, table] = await Promise.all([
      runCommand(need(this.lsof, 'lsof'), ['-nP', '-w', '+c', '0', '-Ts', '-F', 'pcRuLfdtPnT0', ...selectors], {
        timeoutMs: this.timeoutMs, okExitCodes: [0, 1], env: parseableEnv(),
      }),
      tablePromise,
    ]);
    const parsed = parseLsofFields(result.stdout.toString('utf8'));
    const { sockets: raw, malformed } = lsofSockets(parsed);
    stats.malformedLines += parsed.malformed + malformed;
    const kept = raw.filter(s => protocols.includes(s.protocol) && keep({ ...s, inode: 0, uid: -1, boundDevice: null, ipv6Only: null }));
    const groups = groupSockets(kept);
    const wantOwners = options.owners !== false;
    const pids = [...new Set(kept.map(s => s.pid))].sort((a, b) => a - b);
    const details = wantOwners ? await this.details(pids, parsed.processes, stats) : new Map<number, ProcessInfo>();
    stats.processesWalked = pids.length;

    const sockets: SocketEntry[] = [];
    for (const g of groups) {
      const first = parsed.processes.get(g.owners[0].pid);
      const processes: SocketOwner[] = [];
      if (wantOwners) {
        for (const o of g.owners) {
          const info = details.get(o.pid);
          if (info) { processes.push({ ...info, fd: o.fd }); }
        }
        processes.sort((a, b) => a.pid - b.pid || a.fd - b.fd);
      }
      sockets.push({
        protocol: g.protocol, family: g.family,
        localAddress: g.localAddress, localPort: g.localPort,
        remoteAddress: g.remoteAddress, remotePort: g.remotePort,
        state: g.state,
        inode: /^\d+$/.test(g.device) ? Number(g.device) : 0,
        uid: first?.uid ?? -1,
        // lsof names neither the bound interface nor IPV6_V6ONLY.
        boundDevice: null, ipv6Only: null,
        user: first?.login ?? '',
        ownerVisible: processes.length > 0,
        processes,
      });
    }
    if (table) {
      const seen = new Map<string, number>();
      for (const s of sockets) { const k = tableKey(s); seen.set(k, (seen.get(k) ?? 0) + 1); }
      const users = this.users();
      for (const r of table.records) {
        if (!keep(r)) { continue; }
        const k = tableKey(r);
        const n = seen.get(k) ?? 0;
        if (n > 0) { seen.set(k, n - 1); continue; }
        sockets.push({ ...r, user: users(r.uid), ownerVisible: false, processes: [] });
      }
    }
    return { takenAt: this.now(), backend: this.name, sockets, stats };
  }

  /** Every socket in the kernel, no owners; undefined when this platform has no table we read. */
  private async socketTable(protocols: readonly Protocol[], stats: CollectStats): Promise<{ records: SocketRecord[] } | undefined> {
    try {
      if (this.table === 'proc') {
        const records: SocketRecord[] = [];
        for (const t of PROC_TABLES) {
          if (!protocols.includes(t.protocol)) { continue; }
          let text: string;
          try { text = readProcText(path.join(this.procRoot, t.file)); } catch { continue; } // no IPv6 here
          const parsed = parseProcNet(text, t.protocol, t.family);
          stats.malformedLines += parsed.malformed;
          records.push(...parsed.records);
        }
        return { records };
      }
      if (this.table === 'netstat') {
        const outs = await Promise.all(protocols.map(p => runCommand(need(this.netstat, 'netstat'), ['-an', '-p', p], { timeoutMs: this.timeoutMs, env: parseableEnv() })));
        const records: SocketRecord[] = [];
        for (const o of outs) {
          const parsed = parseBsdNetstat(o.stdout.toString('utf8'));
          stats.malformedLines += parsed.malformed;
          records.push(...parsed.records);
        }
        return { records };
      }
    } catch {
      // Without the table the snapshot lacks only the ownerless rows.
      stats.unreadableEntries++;
    }
    return undefined;
  }

  /** uid -> user name for the table's rows (/proc gives uids; netstat gives none). */
  private users(): (uid: number) => string {
    let names: Map<number, string> | undefined;
    return uid => {
      if (uid < 0) { return ''; }
      if (!names) {
        try { names = parsePasswd(fs.readFileSync('/etc/passwd', 'utf8')); } catch { names = new Map(); }
      }
      return names.get(uid) ?? String(uid);
    };
  }

  async processInfo(pid: number): Promise<ProcessInfo | undefined> {
    if (!Number.isInteger(pid) || pid <= 0) { return undefined; }
    const stats = emptyStats();
    const rows = await this.psRows([pid], stats);
    const row = rows.get(pid);
    if (!row) { return undefined; }
    const cwd = (await this.cwds([{ pid, startTime: row.startTime }], stats)).get(pid) ?? '';
    return { pid, ppid: row.ppid, name: commandName(row.commandLine), commandLine: row.commandLine, cwd, user: row.user, startTime: row.startTime };
  }

  private async details(pids: number[], lsofProcs: Map<number, LsofProcess>, stats: CollectStats): Promise<Map<number, ProcessInfo>> {
    const out = new Map<number, ProcessInfo>();
    if (pids.length === 0) { return out; }
    const rows = await this.psRows(pids, stats);
    const cwds = await this.cwds(pids.filter(p => rows.has(p)).map(p => ({ pid: p, startTime: rows.get(p)?.startTime ?? 0 })), stats, true);
    for (const pid of pids) {
      const lp = lsofProcs.get(pid);
      const row = rows.get(pid);
      // Gone between the lsof and ps calls: its sockets are closed now, leave it out.
      if (!row) { stats.vanishedProcesses++; continue; }
      out.set(pid, {
        pid,
        ppid: row.ppid,
        // Node >= 24 names its main thread, and so comm, "MainThread": show the executable instead.
        name: lp?.command ? displayName(lp.command, row.commandLine.split(' ')[0]) : commandName(row.commandLine),
        commandLine: row.commandLine || lp?.command || '',
        cwd: cwds.get(pid) ?? '',
        user: row.user || lp?.login || '',
        startTime: row.startTime,
      });
    }
    return out;
  }

  private async psRows(pids: number[], stats: CollectStats): Promise<Map<number, PsRow>> {
    const rows = new Map<number, PsRow>();
    for (let i = 0; i < pids.length; i += PID_CHUNK) {
      const chunk = pids.slice(i, i + PID_CHUNK);
      // ps exits 1 when none of the pids exists any more. -ww: BSD/macOS ps cuts lines at 79 columns
      // when stdout is not a terminal; twice means no limit (procps accepts it too).
      const r = await runCommand(need(this.ps, 'ps'), ['-ww', '-o', 'pid=,ppid=,user=,lstart=,args=', '-p', chunk.join(',')], {
        timeoutMs: this.timeoutMs, okExitCodes: [0, 1], env: parseableEnv(),
      });
      const parsed = parsePsRows(r.stdout.toString('utf8'));
      stats.malformedLines += parsed.malformed;
      for (const [pid, row] of parsed.rows) { rows.set(pid, row); }
    }
    return rows;
  }

  private async cwds(procs: { pid: number; startTime: number }[], stats: CollectStats, prune = false): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const missing: number[] = [];
    const live = new Set<string>();
    for (const p of procs) {
      const key = `${p.pid}:${p.startTime}`;
      live.add(key);
      const cached = this.cwdCache.get(key);
      if (cached !== undefined) { out.set(p.pid, cached); } else { missing.push(p.pid); }
    }
    for (let i = 0; i < missing.length; i += PID_CHUNK) {
      const chunk = missing.slice(i, i + PID_CHUNK);
      let text = '';
      try {
        const r = await runCommand(need(this.lsof, 'lsof'), ['-nP', '-w', '-a', '-d', 'cwd', '-p', chunk.join(','), '-F', 'pfn0'], {
          timeoutMs: this.timeoutMs, okExitCodes: [0, 1], env: parseableEnv(),
        });
        text = r.stdout.toString('utf8');
      } catch {
        // cwd is a nicety: without it the snapshot is still right.
        stats.unreadableEntries += chunk.length;
        continue;
      }
      const found = lsofCwds(parseLsofFields(text));
      for (const pid of chunk) {
        const cwd = found.get(pid);
        if (cwd === undefined) { stats.unreadableEntries++; continue; }
        out.set(pid, cwd);
        const p = procs.find(x => x.pid === pid);
        if (p) { this.cwdCache.set(`${pid}:${p.startTime}`, cwd); }
      }
    }
    if (prune) { for (const key of this.cwdCache.keys()) { if (!live.has(key)) { this.cwdCache.delete(key); } } }
    return out;
  }
}

interface SocketGroup {
  protocol: LsofSocket['protocol'];
  family: LsofSocket['family'];
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: LsofSocket['state'];
  device: string;
  owners: { pid: number; fd: number }[];
}

/**
 * One entry per socket: lsof prints a shared socket once per process (and per fd). Its device
 * field names the socket (Linux: inode; macOS: kernel address), so rows with the same device and
 * endpoints are one socket with several owners.
 */
export function groupSockets(sockets: readonly LsofSocket[]): SocketGroup[] {
  const byKey = new Map<string, SocketGroup>();
  for (const s of sockets) {
    const id = s.device !== '' ? s.device : `${s.pid}/${s.fd}`;
    const key = `${s.protocol}|${s.family}|${id}|${s.localAddress}|${s.localPort}|${s.remoteAddress}|${s.remotePort}|${s.state}`;
    let g = byKey.get(key);
    if (!g) {
      g = { ...s, owners: [] };
      byKey.set(key, g);
    }
    if (!g.owners.some(o => o.pid === s.pid && o.fd === s.fd)) { g.owners.push({ pid: s.pid, fd: s.fd }); }
  }
  return [...byKey.values()];
}

/** Executable name from a command line, when lsof gave none: last path part of the first word. */
function commandName(commandLine: string): string {
  const first = commandLine.split(' ')[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}
