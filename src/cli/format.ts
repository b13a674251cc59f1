// Text rendering for the CLI: plain aligned columns, like ss and lsof print. Every cell goes through
// visible(): names, users, command lines and directories are other people's text.
import type { SocketEntry, SocketRecord } from '../core/model';
import { visible } from '../core/visibleText';
import { ownerCell } from '../core/owners/ownerText';
import { hostText } from '../core/exposure';

/** The peer of a listening or unconnected socket: printed as `*`, like ss does. */
function isUnspecifiedPeer(address: string, port: number): boolean {
  return port === 0 && (address === '0.0.0.0' || address === '::');
}

export function endpoint(address: string, port: number, family: 4 | 6): string {
  const a = address.includes(':') ? `[${address}]` : address;
  if (isUnspecifiedPeer(address, port)) { return `${family === 6 ? '[::]' : '0.0.0.0'}:*`; }
  return `${a}:${port}`;
}

/**
 * The local address as `ss` writes it when it says more than the address: `*` for a dual-stack
 * IPv6 wildcard (v6only off), `%dev` after an address bound to an interface. undefined otherwise.
 */
export function specialLocalHost(s: Pick<SocketRecord, 'localAddress' | 'family' | 'boundDevice' | 'ipv6Only'>): string | undefined {
  const dualStack = s.family === 6 && s.localAddress === '::' && s.ipv6Only === false;
  return dualStack || s.boundDevice ? hostText(s) : undefined;
}

/** The local endpoint as `ss` writes it: `0.0.0.0%enp0s3:37000`, `*:80`, `[::1]:631`. */
export function localEndpoint(s: Pick<SocketRecord, 'localAddress' | 'localPort' | 'family' | 'boundDevice' | 'ipv6Only'>): string {
  const host = specialLocalHost(s);
  return host === undefined ? endpoint(s.localAddress, s.localPort, s.family) : `${host}:${s.localPort}`;
}

export function table(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map(r => r.map(visible));
  header = header.map(visible);
  const widths = header.map(h => h.length);
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) { if (r[i].length > widths[i]) { widths[i] = r[i].length; } }
  }
  const line = (cells: string[]) => {
    let out = '';
    for (let i = 0; i < cells.length; i++) { out += i === cells.length - 1 ? cells[i] : cells[i].padEnd(widths[i] + 2); }
    return trimSpaces(out);
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(header);
  for (let i = 0; i < rows.length; i++) { lines[i + 1] = line(rows[i]); }
  return lines.join('\n') + '\n';
}

/** Only the padding: a cell's own trailing whitespace (a tab in a name) is left alone. */
function trimSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 32) { end--; }
  return line.slice(0, end);
}

export const SOCKET_HEADER = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PROCESS', 'PID', 'USER'];

/** The JSON shape documented in the README; field order fixed so output diffs cleanly. */
export function socketJson(s: SocketEntry): object {
  return {
    protocol: s.protocol, family: s.family,
    localAddress: s.localAddress, localPort: s.localPort,
    remoteAddress: s.remoteAddress, remotePort: s.remotePort,
    state: s.state, inode: s.inode, uid: s.uid, user: s.user,
    boundDevice: s.boundDevice, ipv6Only: s.ipv6Only,
    ownerVisible: s.ownerVisible,
    processes: s.processes.map(p => ({ pid: p.pid, ppid: p.ppid, name: p.name, commandLine: p.commandLine, cwd: p.cwd, user: p.user, startTime: p.startTime, fd: p.fd })),
    container: s.container ?? null,
    service: s.service ?? null,
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
  // Widths from lengths alone: nothing is built for a cell until it is written. Indexed loops,
  // not for-of: this runs once per CLI call, mostly before the JIT has optimised anything.
  let userWidth = 0, rowCount = 0;
  for (let i = 0; i < n; i++) {
    const s = sockets[i];
    const proto = s.protocol.length + (s.family === 6 ? 1 : 0);
    if (proto > w[0]) { w[0] = proto; }
    const host = specialLocalHost(s);
    const local = host === undefined ? endpointLength(s.localAddress, s.localPort, s.family) : host.length + 1 + digits(s.localPort);
    if (local > w[1]) { w[1] = local; }
    const remote = endpointLength(s.remoteAddress, s.remotePort, s.family);
    if (remote > w[2]) { w[2] = remote; }
    if (s.state.length > w[3]) { w[3] = s.state.length; }
    const owners = s.processes;
    if (owners.length === 0) {
      rowCount++;
      const o = visible(hiddenOwner(s)).length;
      if (o > w[4]) { w[4] = o; }
      const u = visible(s.user).length;
      if (u > userWidth) { userWidth = u; }
    }
    for (let k = 0; k < owners.length; k++) {
      const p = owners[k];
      rowCount++;
      const nameLength = visible(ownerCell(s, p.name)).length;
      if (nameLength > w[4]) { w[4] = nameLength; }
      const pidLength = digits(p.pid);
      if (pidLength > w[5]) { w[5] = pidLength; }
      const u = visible(p.user).length;
      if (u > userWidth) { userWidth = u; }
    }
  }
  const out = new RowWriter(w, rowCount + 1, userWidth);
  for (let k = 0; k < SOCKET_HEADER.length; k++) { out.text(k, SOCKET_HEADER[k]); }
  out.endRow();
  for (let i = 0; i < n; i++) {
    const s = sockets[i];
    const proto = s.family === 6 ? (s.protocol === 'tcp' ? 'tcp6' : 'udp6') : s.protocol;
    const rows = Math.max(1, s.processes.length);
    const host = specialLocalHost(s);
    for (let k = 0; k < rows; k++) {
      out.text(0, proto);
      if (host === undefined) { out.endpoint(1, s.localAddress, s.localPort, s.family); } else { out.text(1, `${host}:${s.localPort}`); }
      out.endpoint(2, s.remoteAddress, s.remotePort, s.family);
      out.text(3, s.state);
      const p = s.processes[k];
      if (p === undefined) {
        out.text(4, hiddenOwner(s));
        out.text(6, s.user);
      } else {
        out.text(4, ownerCell(s, p.name));
        out.number(5, p.pid);
        out.text(6, p.user);
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
 * Fixed-width rows in a Buffer that starts out all spaces, so padding costs nothing: each cell is
 * copied to its column's offset. Cell texts repeat (protocols, states, process and user names,
 * addresses), so each distinct one is escaped (visible()) and encoded once. Column widths count
 * characters of the escaped text, like padEnd;
 * a cell whose UTF-8 is longer than its characters shifts the rest of its row. A row ends after its
 * last non-empty cell: no trailing spaces.
 */
class RowWriter {
  private readonly buf: Buffer;
  private readonly offsets: number[] = [];
  private readonly encoded = new Map<string, Uint8Array>();
  private readonly prefixes = new Map<string, Uint8Array>();
  private readonly lastText: string[] = [];
  private readonly lastBytes: Uint8Array[] = [];
  /** Characters of the escaped text each encoded cell stands for (its width on the line). */
  private readonly chars = new WeakMap<Uint8Array, number>();
  private at = 0;
  private shift = 0;
  private end = 0;

  constructor(widths: readonly number[], rows: number, lastWidth: number) {
    let offset = 0;
    for (const w of widths) { this.offsets.push(offset); offset += w + 2; }
    // Worst case: every character of the two name columns takes 3 bytes in UTF-8.
    const rowBytes = this.offsets[widths.length - 1] + 2 * widths[4] + 3 * Math.max(lastWidth, widths[widths.length - 1]) + 1;
    this.buf = Buffer.alloc(rows * rowBytes, 32);
  }

  text(column: number, cell: string): void {
    if (cell.length === 0) { return; }
    const bytes = this.bytesOf(column, cell);
    const pos = this.at + this.offsets[column] + this.shift;
    this.buf.set(bytes, pos);
    this.shift += bytes.length - (this.chars.get(bytes) ?? cell.length);
    this.end = pos + bytes.length;
  }

  /** A non-negative integer, written digit by digit. */
  number(column: number, value: number): void {
    const pos = this.at + this.offsets[column] + this.shift;
    this.end = pos + writeDigits(this.buf, pos, value);
  }

  /** endpoint(address, port, family) without building the string: the "address:" part repeats. */
  endpoint(column: number, address: string, port: number, family: 4 | 6): void {
    if (isUnspecifiedPeer(address, port)) {
      this.text(column, family === 6 ? '[::]:*' : '0.0.0.0:*');
      return;
    }
    const prefix = this.bytesOf(column, address, true);
    const pos = this.at + this.offsets[column] + this.shift;
    this.buf.set(prefix, pos);
    this.end = pos + prefix.length + writeDigits(this.buf, pos + prefix.length, port);
  }

  /**
   * The encoded cell; for an endpoint, of "address:" ("[address]:" for IPv6). Neighbouring rows
   * mostly repeat a column's text, so the column's last one is checked before the map.
   */
  private bytesOf(column: number, text: string, endpoint = false): Uint8Array {
    // An endpoint's key is a bare address; the only text cells in an endpoint column are ss-style
    // endpoints with a '*' or '%' and a port, which no bare address equals: the memo cannot mix them.
    if (this.lastText[column] === text) { return this.lastBytes[column]; }
    const map = endpoint ? this.prefixes : this.encoded;
    let bytes = map.get(text);
    if (bytes === undefined) {
      const shown = endpoint ? (text.includes(':') ? `[${text}]:` : `${text}:`) : visible(text);
      bytes = Buffer.from(shown, 'utf8');
      this.chars.set(bytes, shown.length);
      map.set(text, bytes);
    }
    this.lastText[column] = text;
    this.lastBytes[column] = bytes;
    return bytes;
  }

  endRow(): void {
    // No trailing spaces, as table() prints it, even when the last cell itself ends in spaces.
    while (this.end > this.at && this.buf[this.end - 1] === 32) { this.end--; }
    this.buf[this.end] = 10;
    this.at = this.end + 1;
    this.end = this.at;
    this.shift = 0;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Writes v's decimal digits at pos; returns how many. */
function writeDigits(buf: Buffer, pos: number, v: number): number {
  const d = digits(v);
  for (let i = pos + d - 1; i >= pos; i--) {
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return d;
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
