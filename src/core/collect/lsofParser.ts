// Pure parsers for `lsof -F` field output and `ps -o pid=,ppid=,user=,lstart=,args=`.
// Text in, records out; they never throw (see test/unit/parsersProperty.test.ts).
//
// lsof -F prints one field per item, each introduced by a one-letter id (lsof -F? lists them):
//   p pid (starts a process set)   c command   R parent pid   u uid   L login name
//   f fd (starts a file set)       t type (IPv4/IPv6)   d device (Linux: socket inode,
//   macOS: kernel address of the socket, the same in every process sharing it)
//   P protocol (TCP/UDP)   n name ("local->remote", "*:port")   T TCP/TPI info, repeated
//   ("TST=LISTEN", "TQR=0", ...; -Ts limits it to the state)
// With -F0 every field ends in NUL and each set ends in a newline; without it every field
// ends in a newline. Both are accepted.
import type { Family, Protocol, SocketState } from '../model';
import { parseEndpoint } from './ipText';

export interface LsofProcess {
  pid: number;
  ppid: number;
  command: string;
  uid: number;
  login: string;
}

/** One file set of lsof output, fields kept as text. */
export interface LsofFile {
  pid: number;
  fd: string;
  type: string;
  device: string;
  protocol: string;
  name: string;
  /** T fields by key: a field "TST=LISTEN" is key ST, value LISTEN (also QR, QS, ...). */
  tcpInfo: Record<string, string>;
}

export interface LsofParse {
  processes: Map<number, LsofProcess>;
  files: LsofFile[];
  malformed: number;
}

export interface LsofSocket {
  pid: number;
  fd: number;
  protocol: Protocol;
  family: Family;
  /** Identifies the socket across processes sharing it ('' when lsof gave none). */
  device: string;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
}

/** lsof escapes bytes it considers unprintable as \xNN (e.g. UTF-8 names in the C locale). */
export function unescapeLsof(text: string): string {
  if (!text.includes('\\x')) { return text; }
  const bytes: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text[i] === '\\' && text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      const cp = text.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) { bytes.push(b); }
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function toInt(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

export function parseLsofFields(text: string): LsofParse {
  const processes = new Map<number, LsofProcess>();
  const files: LsofFile[] = [];
  let malformed = 0;
  let proc: LsofProcess | undefined;
  let file: LsofFile | undefined;
  for (const token of text.split(/[\0\n]/)) {
    const field = token.endsWith('\r') ? token.slice(0, -1) : token;
    if (field.length === 0) { continue; }
    const id = field[0];
    const value = field.slice(1);
    if (id === 'p') {
      const pid = toInt(value);
      file = undefined;
      if (pid === undefined) { proc = undefined; malformed++; continue; }
      proc = processes.get(pid) ?? { pid, ppid: -1, command: '', uid: -1, login: '' };
      processes.set(pid, proc);
      continue;
    }
    if (!proc) { malformed++; continue; }
    if (id === 'f') {
      file = { pid: proc.pid, fd: value, type: '', device: '', protocol: '', name: '', tcpInfo: {} };
      files.push(file);
      continue;
    }
    if (!file) {
      switch (id) {
        case 'c': proc.command = unescapeLsof(value); break;
        case 'R': proc.ppid = toInt(value) ?? -1; break;
        case 'u': proc.uid = toInt(value) ?? -1; break;
        case 'L': proc.login = value; break;
        case 'g': case 'K': case 'M': break;
        default: malformed++;
      }
      continue;
    }
    switch (id) {
      case 't': file.type = value; break;
      case 'd': file.device = value; break;
      case 'P': file.protocol = value; break;
      case 'n': file.name = unescapeLsof(value); break;
      case 'T': {
        const eq = value.indexOf('=');
        if (eq > 0) { file.tcpInfo[value.slice(0, eq)] = value.slice(eq + 1); } else { malformed++; }
        break;
      }
      // Other per-file fields lsof may add (access, lock, size, inode, ...): not needed.
      default: break;
    }
  }
  return { processes, files, malformed };
}

/** TCP state names of Linux lsof (kernel names) and of BSD/macOS lsof (tcp_fsm.h), to the model's. */
const TCP_STATES: Record<string, SocketState> = {
  ESTABLISHED: 'ESTABLISHED', SYN_SENT: 'SYN_SENT', SYN_RECV: 'SYN_RECV', SYN_RCVD: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1', FIN_WAIT_1: 'FIN_WAIT1', FIN_WAIT2: 'FIN_WAIT2', FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT', CLOSE: 'CLOSE', CLOSED: 'CLOSE', CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK', LISTEN: 'LISTEN', CLOSING: 'CLOSING', NEW_SYN_RECV: 'NEW_SYN_RECV', BOUND: 'BOUND',
};

export function mapLsofTcpState(text: string | undefined): SocketState {
  if (text === undefined) { return 'UNKNOWN'; }
  return Object.prototype.hasOwnProperty.call(TCP_STATES, text) ? TCP_STATES[text] : 'UNKNOWN';
}

export { parseEndpoint as parseLsofEndpoint } from './ipText';

/**
 * Internet sockets of the parsed output. UDP: connected (has a remote) = ESTABLISHED, else
 * UNCONN, matching /proc. Files that are not TCP/UDP over IPv4/IPv6 are skipped; ones that
 * claim to be but cannot be read count as malformed.
 */
export function lsofSockets(parse: LsofParse): { sockets: LsofSocket[]; malformed: number } {
  const sockets: LsofSocket[] = [];
  let malformed = 0;
  for (const f of parse.files) {
    const family: Family | undefined = f.type === 'IPv4' ? 4 : f.type === 'IPv6' ? 6 : undefined;
    const protocol: Protocol | undefined = f.protocol === 'TCP' ? 'tcp' : f.protocol === 'UDP' ? 'udp' : undefined;
    if (family === undefined || protocol === undefined) { continue; }
    const [localText, remoteText] = splitArrow(f.name.split(' ')[0]);
    const local = parseEndpoint(localText, family);
    const remote = remoteText === undefined ? { address: family === 4 ? '0.0.0.0' : '::', port: 0 } : parseEndpoint(remoteText, family);
    if (!local || !remote) { malformed++; continue; }
    let state: SocketState;
    if (protocol === 'tcp') { state = mapLsofTcpState(f.tcpInfo.ST); }
    else { state = remote.port !== 0 ? 'ESTABLISHED' : 'UNCONN'; }
    const fd = /^\d+$/.test(f.fd) ? Number(f.fd) : -1;
    sockets.push({
      pid: f.pid, fd, protocol, family, device: f.device,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port, state,
    });
  }
  return { sockets, malformed };
}

function splitArrow(name: string): [string, string | undefined] {
  const i = name.indexOf('->');
  return i < 0 ? [name, undefined] : [name.slice(0, i), name.slice(i + 2)];
}

/** `lsof -a -d cwd -p ... -F pfn0` -> pid -> cwd. */
export function lsofCwds(parse: LsofParse): Map<number, string> {
  const out = new Map<number, string>();
  for (const f of parse.files) { if (f.fd === 'cwd' && f.name) { out.set(f.pid, f.name); } }
  return out;
}

export interface PsRow {
  pid: number;
  ppid: number;
  user: string;
  /** ms since the epoch, from lstart (whole seconds, local time). */
  startTime: number;
  commandLine: string;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** lstart in the C locale: "Wed Nov 25 19:22:39 2026" (ctime format). undefined when not that. */
export function parseLstart(text: string): number | undefined {
  const m = /^\s*[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/.exec(text);
  if (!m || !(m[1] in MONTHS)) { return undefined; }
  const t = new Date(Number(m[6]), MONTHS[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])).getTime();
  return Number.isFinite(t) ? t : undefined;
}

const PS_ROW = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+([A-Z][a-z]{2}\s+[A-Z][a-z]{2}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})(?:\s(.*))?$/;

/** Output of `ps -o pid=,ppid=,user=,lstart=,args= -p ...` (LC_TIME=C). */
export function parsePsRows(text: string): { rows: Map<number, PsRow>; malformed: number } {
  const rows = new Map<number, PsRow>();
  let malformed = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') { continue; }
    const m = PS_ROW.exec(line);
    const startTime = m ? parseLstart(m[4]) : undefined;
    if (!m || startTime === undefined) { malformed++; continue; }
    const pid = Number(m[1]);
    rows.set(pid, { pid, ppid: Number(m[2]), user: m[3], startTime, commandLine: (m[5] ?? '').trim() });
  }
  return { rows, malformed };
}
