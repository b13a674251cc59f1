// Pure parser for /proc/net/{tcp,tcp6,udp,udp6}. Text in, records out; never throws.
import type { Family, Protocol, SocketRecord, SocketState } from '../model';

const TCP_STATES: Record<string, SocketState> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN',
  '0B': 'CLOSING', '0C': 'NEW_SYN_RECV', '0D': 'BOUND',
};

const TCP_STATE_BY_NUMBER: SocketState[] = [];
const UDP_STATE_BY_NUMBER: SocketState[] = [];
for (const [hex, state] of Object.entries(TCP_STATES)) { TCP_STATE_BY_NUMBER[parseInt(hex, 16)] = state; UDP_STATE_BY_NUMBER[parseInt(hex, 16)] = state; }
UDP_STATE_BY_NUMBER[1] = 'ESTABLISHED';
UDP_STATE_BY_NUMBER[7] = 'UNCONN';

/** UDP reuses TCP's numbering: 07 (TCP_CLOSE) = bound but unconnected, 01 = connected. */
function udpState(hex: string): SocketState {
  if (hex === '07') { return 'UNCONN'; }
  if (hex === '01') { return 'ESTABLISHED'; }
  return TCP_STATES[hex] ?? 'UNKNOWN';
}

export interface ProcNetParse {
  records: SocketRecord[];
  malformed: number;
}

export interface ProcNetFilter {
  listeningOnly?: boolean;
  /** Keep only rows whose local port is in this set. */
  localPorts?: ReadonlySet<number>;
}

const HEX = /^[0-9A-Fa-f]+$/;

/** IPv4 in /proc is one 32-bit word in host (little-endian) order. */
export function decodeIpv4Hex(hex: string): string | undefined {
  if (hex.length !== 8 || !HEX.test(hex)) { return undefined; }
  const n = parseInt(hex, 16);
  return `${n & 0xff}.${(n >>> 8) & 0xff}.${(n >>> 16) & 0xff}.${n >>> 24}`;
}

/**
 * IPv6 in /proc is four 32-bit words, each in host order. Returns the RFC 5952 text form;
 * IPv4-mapped addresses (::ffff:a.b.c.d) come out as plain a.b.c.d, which is what a user reads.
 */
export function decodeIpv6Hex(hex: string): string | undefined {
  if (hex.length !== 32 || !HEX.test(hex)) { return undefined; }
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) { bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16)); }
  }
  if (bytes.slice(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) { groups.push((bytes[i] << 8) | bytes[i + 1]); }
  return formatIpv6Groups(groups);
}

export function formatIpv6Groups(groups: readonly number[]): string {
  // Longest run of two or more zero groups becomes '::' (first one on ties), per RFC 5952.
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) { j++; }
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hexes = groups.map(g => g.toString(16));
  if (bestStart < 0) { return hexes.join(':'); }
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

// Addresses repeat across thousands of rows (127.0.0.1, ::1, …): decode each distinct one once.
const addressCache = new Map<string, string | undefined>();

function decodeAddress(hex: string, family: Family): string | undefined {
  let address = addressCache.get(hex);
  if (address === undefined && !addressCache.has(hex)) {
    address = family === 4 ? decodeIpv4Hex(hex) : decodeIpv6Hex(hex);
    if (addressCache.size > 50_000) { addressCache.clear(); }
    addressCache.set(hex, address);
  }
  return address;
}

/**
 * The last address seen in one column of one family. Neighbouring rows mostly repeat it, and
 * comparing in place (startsWith at an offset) spares cutting a string out of every row.
 */
class AddressMemo {
  private hex = '';
  private address: string | undefined;
  constructor(private readonly family: Family) {}

  at(text: string, from: number, length: number): string | undefined {
    if (this.hex.length === length && text.startsWith(this.hex, from)) { return this.address; }
    this.hex = text.slice(from, from + length);
    this.address = decodeAddress(this.hex, this.family);
    return this.address;
  }
}

const MEMOS = { 4: [new AddressMemo(4), new AddressMemo(4)], 6: [new AddressMemo(6), new AddressMemo(6)] } as const;

function decodeEndpoint(text: string, family: Family): { address: string; port: number } | undefined {
  const colon = text.indexOf(':');
  if (colon !== (family === 4 ? 8 : 32)) { return undefined; }
  const portHex = text.slice(colon + 1);
  if (portHex.length === 0 || portHex.length > 4 || !HEX.test(portHex)) { return undefined; }
  const address = decodeAddress(text.slice(0, colon), family);
  if (address === undefined) { return undefined; }
  return { address, port: parseInt(portHex, 16) };
}

function portOfEndpoint(text: string): number {
  const colon = text.indexOf(':');
  const portHex = colon < 0 ? '' : text.slice(colon + 1);
  return portHex.length > 0 && portHex.length <= 4 && HEX.test(portHex) ? parseInt(portHex, 16) : -1;
}

/** The first `max` space-separated fields of a line (the kernel pads with runs of spaces). */
function fields(line: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (out.length < max) {
    while (i < n && line.charCodeAt(i) === 32) { i++; }
    if (i >= n) { break; }
    let j = i;
    while (j < n && line.charCodeAt(j) !== 32) { j++; }
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

/** Value of a run of hex digits in s[from, to), or -1 if any character is not hex. */
function hexValue(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) { return -1; }
    v = v * 16 + d;
  }
  return v;
}

/**
 * One row without its leading "sl:" slot number (which shifts as rows come and go, so the rest
 * of the line is what identifies an unchanged row). undefined = malformed;
 * null = well-formed but excluded by the filter.
 *
 * The kernel prints the first columns at fixed widths (" %08X:%04X %08X:%04X %02X", or 32 hex
 * digits per IPv6 address, then "%08X:%08X %02X:%08lX %08X"), so those are read in place; uid and
 * inode follow in columns of varying width and are scanned from there. A row that is not in that
 * layout is read by counting fields.
 */
export function parseProcNetRow(body: string, protocol: Protocol, family: Family, filter: ProcNetFilter = {}): SocketRecord | undefined | null {
  return parseRowAt(body, 0, body.length, protocol, family, filter);
}

/** parseProcNetRow of text[from, to), read in place. */
export function parseRowAt(text: string, from: number, to: number, protocol: Protocol, family: Family, filter: ProcNetFilter = {}): SocketRecord | undefined | null {
  const a = family === 4 ? 8 : 32;
  // body: ' ' local(a) ':' port(4) ' ' remote(a) ':' port(4) ' ' st(2) ' ' …
  const lp0 = from + 1 + a + 1, r0 = lp0 + 5, rp0 = r0 + a + 1, st0 = rp0 + 5;
  if (to < st0 + 3 || text.charCodeAt(from) !== 32 || text.charCodeAt(lp0 - 1) !== 58 || text.charCodeAt(lp0 + 4) !== 32
    || text.charCodeAt(rp0 - 1) !== 58 || text.charCodeAt(rp0 + 4) !== 32 || text.charCodeAt(st0 + 2) !== 32) {
    return parseLooseRow(text.slice(from, to), protocol, family, filter);
  }
  const stNum = hexValue(text, st0, st0 + 2);
  const localPort = hexValue(text, lp0, lp0 + 4);
  const remotePort = hexValue(text, rp0, rp0 + 4);
  if (stNum < 0 || localPort < 0 || remotePort < 0) { return undefined; }
  const state = (protocol === 'tcp' ? TCP_STATE_BY_NUMBER : UDP_STATE_BY_NUMBER)[stNum] ?? 'UNKNOWN';
  if (filter.listeningOnly && state !== (protocol === 'tcp' ? 'LISTEN' : 'UNCONN')) { return null; }
  if (filter.localPorts && !filter.localPorts.has(localPort)) { return null; }
  const memos = MEMOS[family];
  const localAddress = memos[0].at(text, from + 1, a);
  const remoteAddress = memos[1].at(text, r0, a);
  if (localAddress === undefined || remoteAddress === undefined) { return undefined; }
  // After "st": tx:rx, tr:when, retrnsmt, uid, timeout, inode — the 4th and 6th fields. The first
  // three have fixed widths (%08X:%08X %02X:%08lX %08X), so uid is read in place when the row has
  // that shape; otherwise the fields are counted.
  if (text.charCodeAt(st0 + 11) === 58 && text.charCodeAt(st0 + 20) === 32 && text.charCodeAt(st0 + 23) === 58
    && text.charCodeAt(st0 + 32) === 32 && text.charCodeAt(st0 + 41) === 32) {
    const uid = readDecimal(text, skipSpaces(text, st0 + 42, to), to);
    // The timeout between them is skipped whole: it can be negative.
    const timeoutEnd = uid < 0 ? -1 : text.indexOf(' ', skipSpaces(text, decimalEnd, to));
    const inode = timeoutEnd < 0 || timeoutEnd >= to ? -1 : readDecimal(text, skipSpaces(text, timeoutEnd, to), to);
    if (inode >= 0) { return { protocol, family, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, boundDevice: null, ipv6Only: null }; }
  }
  let uid = -1, inode = -1, field = 0, i = st0 + 3;
  while (field < 6 && i < to) {
    while (i < to && text.charCodeAt(i) === 32) { i++; }
    if (i >= to) { break; }
    field++;
    if (field === 4 || field === 6) {
      const v = readDecimal(text, i, to);
      if (v < 0) { return undefined; }
      i = decimalEnd;
      if (field === 4) { uid = v; } else { inode = v; }
    } else {
      while (i < to && text.charCodeAt(i) !== 32) { i++; }
    }
  }
  if (uid < 0 || inode < 0) { return undefined; }
  return { protocol, family, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, boundDevice: null, ipv6Only: null };
}

/** Where the last readDecimal() stopped. */
let decimalEnd = 0;

/** The number whose digits start at text[i] and run to a space or `to`; -1 when there are none or anything else is there. */
function readDecimal(text: string, i: number, to: number): number {
  const start = i;
  let v = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) { break; }
    if (c < 48 || c > 57) { return -1; }
    v = v * 10 + (c - 48);
  }
  decimalEnd = i;
  return i > start ? v : -1;
}

function skipSpaces(text: string, i: number, to: number): number {
  while (i < to && text.charCodeAt(i) === 32) { i++; }
  return i;
}

/** Same fields, found by splitting on spaces: for rows not in the kernel's usual layout. */
function parseLooseRow(body: string, protocol: Protocol, family: Family, filter: ProcNetFilter): SocketRecord | undefined | null {
  const f = fields(body, 9);
  if (f.length < 9) { return undefined; }
  const stHex = f[2].toUpperCase();
  if (stHex.length !== 2 || !HEX.test(stHex)) { return undefined; }
  const state = protocol === 'tcp' ? (TCP_STATES[stHex] ?? 'UNKNOWN') : udpState(stHex);
  if (filter.listeningOnly && state !== (protocol === 'tcp' ? 'LISTEN' : 'UNCONN')) { return null; }
  if (filter.localPorts && !filter.localPorts.has(portOfEndpoint(f[0]))) { return null; }
  const local = decodeEndpoint(f[0], family);
  const remote = decodeEndpoint(f[1], family);
  if (!local || !remote || !/^\d+$/.test(f[6]) || !/^\d+$/.test(f[8])) { return undefined; }
  return {
    protocol, family,
    localAddress: local.address, localPort: local.port,
    remoteAddress: remote.address, remotePort: remote.port,
    state, inode: Number(f[8]), uid: Number(f[6]), boundDevice: null, ipv6Only: null,
  };
}

/**
 * Calls visit(bodyStart, end) for each row of a table, where text[bodyStart, end) is the row
 * without its "  12:" slot prefix; returns how many non-empty lines lack that prefix. The header
 * line is skipped. Lines are visited in place, without splitting the text.
 */
export function forEachRow(text: string, visit: (bodyStart: number, end: number) => void): number {
  let malformed = 0;
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) { end = n; }
    if (end > start) {
      const body = bodyStart(text, start, end);
      if (body >= 0) {
        visit(body, end);
      } else if (start > 0 || !text.slice(0, end).trimStart().startsWith('sl ')) {
        malformed++;
      }
    }
    start = end + 1;
  }
  return malformed;
}

/** Where the row's body starts: after "  12:" (digits and spaces before a colon); -1 when there is no such prefix. */
function bodyStart(text: string, start: number, end: number): number {
  const limit = Math.min(end, start + 13);
  for (let i = start; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) { return i + 1; }
    if (c !== 32 && (c < 48 || c > 57)) { return -1; }
  }
  return -1;
}

/**
 * Parses one /proc/net table. The header line is skipped; any other line that does not have the
 * expected shape is counted as malformed (tables can be cut mid-line by a concurrent change).
 */
export function parseProcNet(text: string, protocol: Protocol, family: Family, filter: ProcNetFilter = {}): ProcNetParse {
  const records: SocketRecord[] = [];
  let badRows = 0;
  const noPrefix = forEachRow(text, (from, to) => {
    const record = parseRowAt(text, from, to, protocol, family, filter);
    if (record === undefined) { badRows++; } else if (record !== null) { records.push(record); }
  });
  return { records, malformed: noPrefix + badRows };
}

/**
 * How many rows the TCP tables will have, roughly, from /proc/net/sockstat and sockstat6 (both
 * per network namespace): sockets in use of either family plus those in TIME_WAIT. 0 for text
 * without those lines.
 */
export function tcpRowsFromSockstat(sockstat: string, sockstat6: string): number {
  const v4 = /^TCP: inuse (\d+)(?: orphan \d+)?(?: tw (\d+))?/m.exec(sockstat);
  const v6 = /^TCP6: inuse (\d+)/m.exec(sockstat6);
  return (v4 ? Number(v4[1]) + Number(v4[2] ?? 0) : 0) + (v6 ? Number(v6[1]) : 0);
}
