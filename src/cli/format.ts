// Text rendering for the CLI: plain aligned columns, like ss and lsof print.
import type { SocketEntry } from '../core/model';

/** The peer of a listening or unconnected socket: printed as `*`, like ss does. */
function isUnspecifiedPeer(address: string, port: number): boolean {
  return port === 0 && (address === '0.0.0.0' || address === '::');
}

export function endpoint(address: string, port: number, family: 4 | 6): string {
  const a = address.includes(':') ? `[${address}]` : address;
  if (isUnspecifiedPeer(address, port)) { return `${family === 6 ? '[::]' : '0.0.0.0'}:*`; }
  return `${a}:${port}`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map(h => h.length);
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) { if (r[i].length > widths[i]) { widths[i] = r[i].length; } }
  }
  const line = (cells: string[]) => {
    let out = '';
    for (let i = 0; i < cells.length; i++) { out += i === cells.length - 1 ? cells[i] : cells[i].padEnd(widths[i] + 2); }
    return out.trimEnd();
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(header);
  for (let i = 0; i < rows.length; i++) { lines[i + 1] = line(rows[i]); }
  return lines.join('\n') + '\n';
}

export const SOCKET_HEADER = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PROCESS', 'PID', 'USER'];

/** The JSON shape documented in the README; field order fixed so output diffs cleanly. */
export function socketJson(s: SocketEntry): object {
  return {
    protocol: s.protocol, family: s.family,
    localAddress: s.localAddress, localPort: s.localPort,
    remoteAddress: s.remoteAddress, remotePort: s.remotePort,
    state: s.state, inode: s.inode, uid: s.uid, user: s.user,
    ownerVisible: s.ownerVisible,
    processes: s.processes.map(p => ({ pid: p.pid, ppid: p.ppid, name: p.name, commandLine: p.commandLine, cwd: p.cwd, user: p.user, startTime: p.startTime, fd: p.fd })),
  };
}

/**
 * The `list` table as bytes, in one pass: the same text as table(SOCKET_HEADER, socketRows(sockets))
 * without building a string per cell. At 20,000 sockets, concatenating ~150,000 padded cells and
 * re-encoding the result for stdout cost more than collecting the sockets (measured).
 */
export function socketTableBytes(sockets: readonly SocketEntry[]): Buffer {
  const n = sockets.length;
  const w = SOCKET_HEADER.map(h => h.length);
  // Widths from lengths alone: nothing is built for a cell until it is written.
  for (let i = 0; i < n; i++) {
    const s = sockets[i];
    const proto = s.protocol.length + (s.family === 6 ? 1 : 0);
    if (proto > w[0]) { w[0] = proto; }
    const local = endpointLength(s.localAddress, s.localPort, s.family);
    if (local > w[1]) { w[1] = local; }
    const remote = endpointLength(s.remoteAddress, s.remotePort, s.family);
    if (remote > w[2]) { w[2] = remote; }
    if (s.state.length > w[3]) { w[3] = s.state.length; }
    if (s.processes.length === 0) {
      const o = hiddenOwner(s);
      if (o.length > w[4]) { w[4] = o.length; }
    }
    for (const p of s.processes) {
      if (p.name.length > w[4]) { w[4] = p.name.length; }
      const pidLength = digits(p.pid);
      if (pidLength > w[5]) { w[5] = pidLength; }
    }
  }
  const out = new TableWriter(w);
  for (const h of SOCKET_HEADER) { out.text(h); }
  out.endRow();
  for (let i = 0; i < n; i++) {
    const s = sockets[i];
    const proto = s.family === 6 ? (s.protocol === 'tcp' ? 'tcp6' : 'udp6') : s.protocol;
    const rows = Math.max(1, s.processes.length);
    for (let k = 0; k < rows; k++) {
      out.text(proto);
      out.endpoint(s.localAddress, s.localPort, s.family);
      out.endpoint(s.remoteAddress, s.remotePort, s.family);
      out.text(s.state);
      const p = s.processes[k];
      if (p === undefined) {
        out.text(hiddenOwner(s));
        out.text('');
        out.text(s.user);
      } else {
        out.text(p.name);
        out.number(p.pid);
        out.text(p.user);
      }
      out.endRow();
    }
  }
  return out.bytes();
}

export function socketTable(sockets: readonly SocketEntry[]): string {
  return socketTableBytes(sockets).toString('utf8');
}

function hiddenOwner(s: SocketEntry): string {
  return s.state === 'TIME_WAIT' ? '-' : `(owner not visible, uid ${s.user || s.uid})`;
}

function digits(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : String(n).length;
}

/** endpoint(…).length without building the string. */
function endpointLength(address: string, port: number, family: 4 | 6): number {
  if (isUnspecifiedPeer(address, port)) { return family === 6 ? 6 : 9; }
  return address.length + (address.includes(':') ? 2 : 0) + 1 + digits(port);
}

/**
 * Fixed-width rows written cell by cell into a growing Buffer: two spaces between columns, no
 * trailing spaces (padding is only written once a non-empty cell follows it).
 */
class TableWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private at = 0;
  private column = 0;
  private pending = 0;
  constructor(private readonly widths: readonly number[]) {}

  text(cell: string): void {
    if (cell.length > 0) {
      this.startCell(cell.length * 3);
      this.writeText(cell);
    }
    this.endCell(cell.length);
  }

  /** A non-negative integer, written digit by digit. */
  number(value: number): void {
    const length = digits(value);
    this.startCell(length);
    this.writeDigits(value);
    this.endCell(length);
  }

  /** endpoint(address, port, family), written in place: addresses and ports are ASCII. */
  endpoint(address: string, port: number, family: 4 | 6): void {
    const length = endpointLength(address, port, family);
    this.startCell(length);
    if (isUnspecifiedPeer(address, port)) {
      this.writeText(family === 6 ? '[::]:*' : '0.0.0.0:*');
    } else {
      const bracket = address.includes(':');
      if (bracket) { this.buf[this.at++] = 91; }
      this.writeText(address);
      if (bracket) { this.buf[this.at++] = 93; }
      this.buf[this.at++] = 58;
      this.writeDigits(port);
    }
    this.endCell(length);
  }

  endRow(): void {
    this.reserve(1);
    this.buf[this.at++] = 10;
    this.column = 0;
    this.pending = 0;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private startCell(maxBytes: number): void {
    this.reserve(this.pending + maxBytes);
    // Byte loops rather than Buffer.fill/write: for cells this short their call overhead dominates.
    for (; this.pending > 0; this.pending--) { this.buf[this.at++] = 32; }
  }

  private endCell(length: number): void {
    if (this.column < this.widths.length - 1) { this.pending += this.widths[this.column] + 2 - length; }
    this.column++;
  }

  /** ASCII byte by byte; anything else (a process or user name in UTF-8) through Buffer.write. */
  private writeText(text: string): void {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        this.at += this.buf.write(text.slice(i), this.at);
        return;
      }
      this.buf[this.at++] = c;
    }
  }

  private writeDigits(v: number): void {
    const d = digits(v);
    for (let i = this.at + d - 1; i >= this.at; i--) {
      this.buf[i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.at += d;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) { return; }
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

/**
 * Protocol, local port, family, remote port — the order `list` prints — with kernel order kept on
 * ties. Each socket's key and its index are packed into one float (34 + 19 bits, exact below
 * 2^53), so a native numeric sort of a Float64Array does the work: 20,000 rows in ~2 ms.
 */
export function sortForListing(sockets: readonly SocketEntry[]): SocketEntry[] {
  const n = sockets.length;
  if (n > INDEX_SLOTS) { return sortByComparator(sockets); }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) { keys[i] = listingKey(sockets[i]) * INDEX_SLOTS + i; }
  keys.sort();
  const out = new Array<SocketEntry>(n);
  for (let i = 0; i < n; i++) { out[i] = sockets[keys[i] % INDEX_SLOTS]; }
  return out;
}

const INDEX_SLOTS = 2 ** 19;

function listingKey(s: SocketEntry): number {
  return (((s.protocol === 'tcp' ? 0 : 1) * 65536 + s.localPort) * 2 + (s.family === 6 ? 1 : 0)) * 65536 + s.remotePort;
}

function sortByComparator(sockets: readonly SocketEntry[]): SocketEntry[] {
  const keyed = sockets.map((s, i) => ({ s, k: listingKey(s), i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.map(x => x.s);
}
