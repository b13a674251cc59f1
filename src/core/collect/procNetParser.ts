// Pure parser for /proc/net/{tcp,tcp6,udp,udp6}. Text in, records out; never throws.
import type { Family, Protocol, SocketRecord, SocketState } from '../model';

const TCP_STATES: Record<string, SocketState> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN',
  '0B': 'CLOSING', '0C': 'NEW_SYN_RECV', '0D': 'BOUND',
};

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

function decodeEndpoint(text: string, family: Family): { address: string; port: number } | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) { return undefined; }
  const portHex = text.slice(colon + 1);
  if (portHex.length === 0 || portHex.length > 4 || !HEX.test(portHex)) { return undefined; }
  const address = family === 4 ? decodeIpv4Hex(text.slice(0, colon)) : decodeIpv6Hex(text.slice(0, colon));
  if (address === undefined) { return undefined; }
  return { address, port: parseInt(portHex, 16) };
}

function portOfEndpoint(text: string): number {
  const colon = text.indexOf(':');
  const portHex = colon < 0 ? '' : text.slice(colon + 1);
  return portHex.length > 0 && portHex.length <= 4 && HEX.test(portHex) ? parseInt(portHex, 16) : -1;
}

/**
 * Parses one /proc/net table. The header line is skipped; any other line that does not have the
 * expected shape is counted as malformed (tables can be cut mid-line by a concurrent change).
 */
export function parseProcNet(text: string, protocol: Protocol, family: Family, filter: ProcNetFilter = {}): ProcNetParse {
  const records: SocketRecord[] = [];
  let malformed = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) { continue; }
    const f = line.trim().split(/\s+/);
    if (i === 0 && f[0] === 'sl') { continue; }
    if (f.length < 10 || !f[0].endsWith(':')) { malformed++; continue; }
    const stHex = f[3].toUpperCase();
    if (stHex.length !== 2 || !HEX.test(stHex)) { malformed++; continue; }
    const state = protocol === 'tcp' ? (TCP_STATES[stHex] ?? 'UNKNOWN') : udpState(stHex);
    if (filter.listeningOnly && state !== (protocol === 'tcp' ? 'LISTEN' : 'UNCONN')) { continue; }
    if (filter.localPorts && !filter.localPorts.has(portOfEndpoint(f[1]))) { continue; }
    const local = decodeEndpoint(f[1], family);
    const remote = decodeEndpoint(f[2], family);
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (!local || !remote || !Number.isInteger(uid) || !Number.isInteger(inode) || uid < 0 || inode < 0) { malformed++; continue; }
    records.push({
      protocol, family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
      state, inode, uid,
    });
  }
  return { records, malformed };
}
