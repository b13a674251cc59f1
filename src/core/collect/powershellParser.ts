// The PowerShell side of the Windows back end: the script (constant text, no input spliced in)
// and the pure parser of its JSON. The parser never throws (test/unit/parsersProperty.test.ts).
//
// Get-NetTCPConnection / Get-NetUDPEndpoint (NetTCPIP module, Windows 8 / Server 2012 and later)
// give every socket with its OwningProcess, for all users, without admin. Win32_Process (CIM)
// gives name, parent, command line and creation date; the command line of other users'
// processes (services, SYSTEM) is null without admin.
import type { Family, ProcessInfo, SocketRecord, SocketState } from '../model';
import { isIpv4, normalizeIpv6 } from './ipText';

/**
 * Emits {"tcp":[...],"udp":[...],"processes":[...]} as ASCII JSON on one line.
 * - State goes out as its name ([string]): Windows PowerShell 5.1's ConvertTo-Json writes enums
 *   as numbers, PowerShell 7 as numbers too unless -EnumsAsStrings; the parser accepts both.
 * - CreationDate goes out as ms since the epoch: 5.1 serialises DateTime as "\/Date(ms)\/",
 *   7 as ISO text; a number is the same in both and is what the kill start-time check compares.
 */
export function collectScript(options: { listeningOnly?: boolean; tcp?: boolean; udp?: boolean; processes?: boolean } = {}): string {
  const tcp = options.tcp !== false, udp = options.udp !== false;
  const stateFilter = options.listeningOnly ? ' -State Listen' : '';
  return [
    ...PREAMBLE,
    tcp
      ? `$tcp = @(Get-NetTCPConnection${stateFilter} -ErrorAction SilentlyContinue | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,@{n='State';e={[string]$_.State}},OwningProcess)`
      : '$tcp = @()',
    udp
      ? '$udp = @(Get-NetUDPEndpoint -ErrorAction SilentlyContinue | Select-Object LocalAddress,LocalPort,OwningProcess)'
      : '$udp = @()',
    ...(options.processes === false ? ['$procs = @()'] : [
      '$ids = New-Object System.Collections.Generic.HashSet[uint32]',
      'foreach ($s in $tcp + $udp) { [void]$ids.Add([uint32]$s.OwningProcess) }',
      PROCESS_SELECT.replace('{SOURCE}', 'Get-CimInstance Win32_Process | Where-Object { $ids.Contains([uint32]$_.ProcessId) }'),
    ]),
    "$json = [pscustomobject]@{ tcp = $tcp; udp = $udp; processes = $procs } | ConvertTo-Json -Depth 3 -Compress",
    ASCII_ONLY,
  ].join('\n');
}

// Remove-TypeData: Windows PowerShell 5.1 otherwise may serialise an array as {"value":[...],"Count":n}.
const PREAMBLE = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  'Remove-TypeData System.Array -ErrorAction SilentlyContinue',
];

/**
 * Non-ASCII characters leave as JSON \\uXXXX escapes, so the bytes on the pipe are the same in
 * every console code page. (Setting [Console]::OutputEncoding instead would change the code page
 * of the console we share with the user's terminal when the CLI runs there.)
 */
const ASCII_ONLY = "[regex]::Replace($json, '[^\\x00-\\x7F]', { param($m) '\\u{0:x4}' -f [int][char]$m.Value })";

const PROCESS_SELECT = "$procs = @({SOURCE} | Select-Object ProcessId,ParentProcessId,Name,CommandLine,@{n='CreationDate';e={ if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { $null } }})";

/** One process by pid; the pid comes in through the environment variable PORT_INSPECTOR_PID. */
export function processInfoScript(): string {
  return [
    ...PREAMBLE,
    '$id = [uint32]$env:PORT_INSPECTOR_PID',
    PROCESS_SELECT.replace('{SOURCE}', 'Get-CimInstance Win32_Process -Filter "ProcessId = $id"'),
    "$json = [pscustomobject]@{ tcp = @(); udp = @(); processes = $procs } | ConvertTo-Json -Depth 3 -Compress",
    ASCII_ONLY,
  ].join('\n');
}

/** A socket row as Windows reports it: no inode or uid, one owning pid. */
export interface WinSocketRow extends Omit<SocketRecord, 'inode' | 'uid' | 'boundDevice' | 'ipv6Only'> {
  /** 0 = no owner (Windows reports TIME_WAIT and some closing sockets as pid 0). */
  pid: number;
}

export interface PowerShellParse {
  sockets: WinSocketRow[];
  processes: Map<number, ProcessInfo>;
  malformed: number;
  /** Set when the text is not the expected JSON at all (the caller falls back to netstat). */
  error?: string;
}

/** MSFT_NetTCPConnection.State: names and the numbers 5.1 writes for the enum. */
const TCP_STATES: Record<string, SocketState> = {
  Closed: 'CLOSE', Listen: 'LISTEN', SynSent: 'SYN_SENT', SynReceived: 'SYN_RECV', Established: 'ESTABLISHED',
  FinWait1: 'FIN_WAIT1', FinWait2: 'FIN_WAIT2', CloseWait: 'CLOSE_WAIT', Closing: 'CLOSING', LastAck: 'LAST_ACK',
  TimeWait: 'TIME_WAIT', DeleteTCB: 'CLOSE', Bound: 'BOUND',
  1: 'CLOSE', 2: 'LISTEN', 3: 'SYN_SENT', 4: 'SYN_RECV', 5: 'ESTABLISHED', 6: 'FIN_WAIT1', 7: 'FIN_WAIT2',
  8: 'CLOSE_WAIT', 9: 'CLOSING', 10: 'LAST_ACK', 11: 'TIME_WAIT', 12: 'CLOSE', 100: 'BOUND',
};

export function mapWindowsTcpState(value: unknown): SocketState {
  const key = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  return Object.prototype.hasOwnProperty.call(TCP_STATES, key) ? TCP_STATES[key] : 'UNKNOWN';
}

/** Windows address text (may carry a zone: fe80::1%14) -> family and canonical text. */
export function windowsAddress(text: unknown): { family: Family; address: string } | undefined {
  if (typeof text !== 'string') { return undefined; }
  if (isIpv4(text)) { return { family: 4, address: text }; }
  const v6 = normalizeIpv6(text);
  return v6 === undefined ? undefined : { family: 6, address: v6 };
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) { return value; }
  const wrapped = field(value, 'value');
  if (Array.isArray(wrapped) && field(value, 'Count') !== undefined) { return wrapped; }
  return value === null || value === undefined ? [] : [value];
}

function asPort(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : undefined;
}

function asPid(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * CreationDate as ms since the epoch: the number the script emits, or — for output of other
 * scripts — 5.1's "/Date(ms)/" and ISO text.
 */
export function parseCreationDate(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) { return Math.round(value); }
  if (typeof value === 'string') {
    const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
    if (m) { return Number(m[1]); }
    const t = Date.parse(value);
    if (Number.isFinite(t)) { return t; }
  }
  return 0;
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

export function parsePowerShellJson(text: string): PowerShellParse {
  const out: PowerShellParse = { sockets: [], processes: new Map(), malformed: 0 };
  const body = text.replace(/^\uFEFF/, '').trim();
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    out.error = body === '' ? 'PowerShell printed nothing' : 'PowerShell output is not JSON';
    return out;
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    out.error = 'PowerShell output has an unexpected shape';
    return out;
  }
  for (const row of asArray(field(root, 'tcp'))) {
    const local = windowsAddress(field(row, 'LocalAddress'));
    const remote = windowsAddress(field(row, 'RemoteAddress'));
    const localPort = asPort(field(row, 'LocalPort'));
    const remotePort = asPort(field(row, 'RemotePort'));
    const pid = asPid(field(row, 'OwningProcess'));
    if (!local || !remote || localPort === undefined || remotePort === undefined || pid === undefined) { out.malformed++; continue; }
    out.sockets.push({
      protocol: 'tcp', family: local.family,
      localAddress: local.address, localPort, remoteAddress: remote.address, remotePort,
      state: mapWindowsTcpState(field(row, 'State')), pid,
    });
  }
  for (const row of asArray(field(root, 'udp'))) {
    const local = windowsAddress(field(row, 'LocalAddress'));
    const localPort = asPort(field(row, 'LocalPort'));
    const pid = asPid(field(row, 'OwningProcess'));
    if (!local || localPort === undefined || pid === undefined) { out.malformed++; continue; }
    // Get-NetUDPEndpoint lists bound endpoints only; it has no remote side.
    out.sockets.push({
      protocol: 'udp', family: local.family,
      localAddress: local.address, localPort,
      remoteAddress: local.family === 4 ? '0.0.0.0' : '::', remotePort: 0,
      state: 'UNCONN', pid,
    });
  }
  for (const row of asArray(field(root, 'processes'))) {
    const pid = asPid(field(row, 'ProcessId'));
    if (pid === undefined) { out.malformed++; continue; }
    const ppid = asPid(field(row, 'ParentProcessId'));
    const name = field(row, 'Name');
    const commandLine = field(row, 'CommandLine');
    out.processes.set(pid, {
      pid,
      ppid: ppid ?? -1,
      name: typeof name === 'string' ? name : '',
      commandLine: typeof commandLine === 'string' && commandLine !== '' ? commandLine : (typeof name === 'string' ? name : ''),
      cwd: '',
      user: '',
      startTime: parseCreationDate(field(row, 'CreationDate')),
    });
  }
  return out;
}
