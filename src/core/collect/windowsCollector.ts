// Windows back end. First choice: one PowerShell call (Get-NetTCPConnection, Get-NetUDPEndpoint,
// Win32_Process) emitting JSON. Fallback when PowerShell is missing, broken or too slow:
// `netstat -ano` (rows by shape, decoded from the console code page) with `tasklist /fo csv /nh`
// for names. No wmic: it is gone from current Windows.
//
// What the fallback cannot give: parent pid, command line, start time (0). The kill start-time
// check is then only as strong as "the pid still exists and still holds the port" (README).
import * as path from 'node:path';
import type { CollectOptions, CollectStats, Collector, PortCheckResult, PortProbeSpec, ProcessInfo, Snapshot, SocketEntry } from '../model';
import { emptyStats, isListening } from '../model';
import { decodeCodePage, parseChcp, parseRegOemcp } from './codePages';
import { parseNetstat, parseTasklistCsv } from './netstatParser';
import { collectScript, parsePowerShellJson, processInfoScript, type WinSocketRow } from './powershellParser';
import { CommandError, runCommand } from './runCommand';
import { probeByCollecting } from './portProbe';
import { windowsTool, type WindowsTool } from '../platform/systemTools';

export interface WindowsOptions {
  /** 'auto' = PowerShell, netstat when it fails; tests force one. */
  mode?: 'auto' | 'powershell' | 'netstat';
  powershellTimeoutMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /** Directory holding powershell.exe, netstat.exe, tasklist.exe, cmd.exe, reg.exe (tests); default System32. */
  binDir?: string;
}

/** After PowerShell failed, stay on netstat this long before trying it again. */
const RETRY_POWERSHELL_MS = 5 * 60_000;

export class WindowsCollector implements Collector {
  readonly name = 'windows';
  private readonly mode: 'auto' | 'powershell' | 'netstat';
  private readonly psTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private powershellFailedAt = -Infinity;
  private lastPowershellError = '';
  private codePage: number | undefined;
  private readonly binDir: string | undefined;

  constructor(options: WindowsOptions = {}) {
    this.mode = options.mode ?? 'auto';
    this.psTimeoutMs = options.powershellTimeoutMs ?? 20_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.binDir = options.binDir;
  }

  private exe(name: WindowsTool): string {
    const file = windowsTool(name);
    return this.binDir === undefined ? file : path.join(this.binDir, path.win32.basename(file));
  }

  /** Why the last collection did not use PowerShell ('' when it did). */
  get fallbackReason(): string { return this.lastPowershellError; }

  async collect(options: CollectOptions = {}): Promise<Snapshot> {
    const stats = emptyStats();
    stats.fullWalk = true;
    const protocols = options.protocols ?? ['tcp', 'udp'];
    let rows: WinSocketRow[];
    let processes: Map<number, ProcessInfo>;
    let backend = this.name;
    if (this.usePowerShell()) {
      try {
        ({ rows, processes } = await this.viaPowerShell(options, stats));
        this.lastPowershellError = '';
      } catch (e) {
        if (this.mode === 'powershell') { throw e; }
        this.powershellFailedAt = this.now();
        this.lastPowershellError = e instanceof Error ? e.message : String(e);
        ({ rows, processes } = await this.viaNetstat(stats));
        backend = `${this.name} (netstat)`;
      }
    } else {
      ({ rows, processes } = await this.viaNetstat(stats));
      backend = `${this.name} (netstat)`;
    }
    const sockets: SocketEntry[] = [];
    const pidsSeen = new Set<number>();
    for (const r of rows) {
      if (!protocols.includes(r.protocol)) { continue; }
      const record = { ...r, inode: 0, uid: -1, boundDevice: null, ipv6Only: null };
      if (options.listeningOnly && !isListening(record)) { continue; }
      // pid 0 is the idle process: Windows files TIME_WAIT and orphaned sockets under it.
      const info = r.pid === 0 || options.owners === false ? undefined : processes.get(r.pid);
      if (r.pid !== 0 && options.owners !== false && !info) { stats.vanishedProcesses++; }
      if (info) { pidsSeen.add(r.pid); }
      sockets.push({
        protocol: r.protocol, family: r.family,
        localAddress: r.localAddress, localPort: r.localPort,
        remoteAddress: r.remoteAddress, remotePort: r.remotePort,
        state: r.state, inode: 0, uid: -1, boundDevice: null, ipv6Only: null, user: '',
        ownerVisible: info !== undefined,
        processes: info ? [{ ...info, fd: -1 }] : [],
      });
    }
    stats.processesWalked = pidsSeen.size;
    return { takenAt: this.now(), backend, sockets, stats };
  }

  /** The listening sockets without the process query first; owners only when a watched port is taken. */
  probePorts(specs: readonly PortProbeSpec[]): Promise<PortCheckResult[]> {
    return probeByCollecting(this, specs);
  }

  async processInfo(pid: number): Promise<ProcessInfo | undefined> {
    if (!Number.isInteger(pid) || pid <= 0) { return undefined; }
    if (this.usePowerShell()) {
      try {
        const r = await runCommand(this.exe('powershell'), powershellArgs(processInfoScript()), {
          timeoutMs: this.psTimeoutMs, env: { ...process.env, PORT_INSPECTOR_PID: String(pid) },
        });
        const parsed = parsePowerShellJson(r.stdout.toString('utf8'));
        if (parsed.error) { throw new CommandError(parsed.error, 'failed'); }
        return parsed.processes.get(pid);
      } catch (e) {
        if (this.mode === 'powershell') { throw e; }
        this.powershellFailedAt = this.now();
      }
    }
    const names = await this.tasklist(['/fi', `PID eq ${pid}`]);
    const name = names.get(pid);
    return name === undefined ? undefined : fallbackInfo(pid, name);
  }

  private usePowerShell(): boolean {
    if (this.mode === 'netstat') { return false; }
    if (this.mode === 'powershell') { return true; }
    return this.now() - this.powershellFailedAt >= RETRY_POWERSHELL_MS;
  }

  private async viaPowerShell(options: CollectOptions, stats: CollectStats): Promise<{ rows: WinSocketRow[]; processes: Map<number, ProcessInfo> }> {
    const protocols = options.protocols ?? ['tcp', 'udp'];
    // owners: false (the status bar's cheap check) skips the Win32_Process query, the slow half.
    const script = collectScript({ listeningOnly: options.listeningOnly, tcp: protocols.includes('tcp'), udp: protocols.includes('udp'), processes: options.owners !== false });
    const r = await runCommand(this.exe('powershell'), powershellArgs(script), { timeoutMs: this.psTimeoutMs });
    const parsed = parsePowerShellJson(r.stdout.toString('utf8'));
    if (parsed.error) { throw new CommandError(`${parsed.error} (Get-NetTCPConnection)`, 'failed'); }
    stats.malformedLines += parsed.malformed;
    return { rows: parsed.sockets, processes: parsed.processes };
  }

  private async viaNetstat(stats: CollectStats): Promise<{ rows: WinSocketRow[]; processes: Map<number, ProcessInfo> }> {
    const cp = await this.consoleCodePage();
    const r = await runCommand(this.exe('netstat'), ['-ano'], { timeoutMs: this.timeoutMs });
    const parsed = parseNetstat(decodeCodePage(r.stdout, cp));
    stats.malformedLines += parsed.malformed;
    const names = await this.tasklist([]);
    const processes = new Map<number, ProcessInfo>();
    for (const [pid, name] of names) { processes.set(pid, fallbackInfo(pid, name)); }
    return { rows: parsed.sockets, processes };
  }

  private async tasklist(filter: string[]): Promise<Map<number, string>> {
    const cp = await this.consoleCodePage();
    const r = await runCommand(this.exe('tasklist'), ['/fo', 'csv', '/nh', ...filter], { timeoutMs: this.timeoutMs });
    return parseTasklistCsv(decodeCodePage(r.stdout, cp)).names;
  }

  /**
   * The code page console programs write in: what `chcp` reports for a console like the one
   * netstat gets (the OEM code page unless someone changed it), else the registry's OEMCP, else 437.
   */
  private async consoleCodePage(): Promise<number> {
    if (this.codePage !== undefined) { return this.codePage; }
    let cp: number | undefined;
    try {
      const r = await runCommand(this.exe('cmd'), ['/d', '/c', 'chcp'], { timeoutMs: 5000 });
      cp = parseChcp(r.stdout.toString('latin1'));
    } catch { /* fall through to the registry */ }
    if (cp === undefined) {
      try {
        const r = await runCommand(this.exe('reg'), ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP'], { timeoutMs: 5000 });
        cp = parseRegOemcp(r.stdout.toString('latin1'));
      } catch { /* default below */ }
    }
    this.codePage = cp ?? 437;
    return this.codePage;
  }
}

function powershellArgs(script: string): string[] {
  return ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script];
}

function fallbackInfo(pid: number, name: string): ProcessInfo {
  return { pid, ppid: -1, name, commandLine: name, cwd: '', user: '', startTime: 0 };
}
