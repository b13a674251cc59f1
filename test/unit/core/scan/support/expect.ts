// The namespaced target's configuration, and the state/reason each port must get from it.
// Shared by the namespace tests and bench:scan so both check the same truth.
import type { PortReason, PortState } from '../../../../../src/core/scan/types';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const MIXED = {
  tcpOpen: [22, 80, 443, 3306, 5432, 8080, 8443],
  tcpDrop: [...range(100, 119), 8443],
  tcpReset: range(200, 209),
  tcpIcmpPort: range(300, 309),
  tcpAdmin: range(400, 409),
  tcpHost: range(500, 502),
  tcpNet: range(503, 504),
  udpDns: [53],
  udpNtp: [123],
  udpSilent: [161, 5000],
  udpDrop: [137, 138, ...range(2000, 2009)],
  udpAdmin: [514],
  udpIcmpPort: [520],
};

/** nft rules (inet table) that make MIXED's firewall. IPv4 ICMP types; IPv6 gets drop/reset only. */
export function mixedRules(): string[] {
  const set = (ports: number[]) => `{ ${ports.join(', ')} }`;
  return [
    `tcp dport ${set(MIXED.tcpDrop)} drop`,
    `tcp dport ${set(MIXED.tcpReset)} reject with tcp reset`,
    `meta nfproto ipv4 tcp dport ${set(MIXED.tcpIcmpPort)} reject with icmp type port-unreachable`,
    `meta nfproto ipv4 tcp dport ${set(MIXED.tcpAdmin)} reject with icmp type admin-prohibited`,
    `meta nfproto ipv4 tcp dport ${set(MIXED.tcpHost)} reject with icmp type host-unreachable`,
    `meta nfproto ipv4 tcp dport ${set(MIXED.tcpNet)} reject with icmp type net-unreachable`,
    `udp dport ${set(MIXED.udpDrop)} drop`,
    `meta nfproto ipv4 udp dport ${set(MIXED.udpAdmin)} reject with icmp type admin-prohibited`,
    `meta nfproto ipv4 udp dport ${set(MIXED.udpIcmpPort)} reject with icmp type port-unreachable`,
  ];
}

/** Everything dropped except three open TCP ports. */
export const DROPALL_OPEN = [22, 80, 443];
export function dropAllRules(): string[] {
  return [`tcp dport != { ${DROPALL_OPEN.join(', ')} } drop`];
}

export function expectedTcpV4(port: number): { state: PortState; reason: PortReason } {
  const m = MIXED;
  if (m.tcpDrop.includes(port)) { return { state: 'filtered', reason: 'no-response' }; }
  if (m.tcpReset.includes(port)) { return { state: 'closed', reason: 'conn-refused' }; }
  // connect() sees ICMP port-unreachable as ECONNREFUSED: indistinguishable from a closed port
  if (m.tcpIcmpPort.includes(port)) { return { state: 'closed', reason: 'conn-refused' }; }
  // Linux maps admin-prohibited and host-unreachable alike to EHOSTUNREACH
  if (m.tcpAdmin.includes(port) || m.tcpHost.includes(port)) { return { state: 'filtered', reason: 'host-unreach' }; }
  if (m.tcpNet.includes(port)) { return { state: 'filtered', reason: 'net-unreach' }; }
  if (m.tcpOpen.includes(port)) { return { state: 'open', reason: 'syn-ack' }; }
  return { state: 'closed', reason: 'conn-refused' };
}

export function expectedUdpV4(port: number): { state: PortState; reason: PortReason } {
  const m = MIXED;
  if (m.udpDrop.includes(port) || m.udpSilent.includes(port)) { return { state: 'open|filtered', reason: 'no-response' }; }
  if (m.udpAdmin.includes(port)) { return { state: 'filtered', reason: 'admin-prohibited' }; }
  if (m.udpDns.includes(port) || m.udpNtp.includes(port)) { return { state: 'open', reason: 'udp-response' }; }
  return { state: 'closed', reason: 'port-unreach' };
}

/** The UDP list both tools scan: every configured port plus closed ones around them (100 ports). */
export function udpList(): number[] {
  const m = MIXED;
  const base = [...m.udpDns, ...m.udpNtp, ...m.udpSilent, ...m.udpDrop, ...m.udpAdmin, ...m.udpIcmpPort];
  const closed = range(1000, 1000 + 100 - base.length - 1);
  return [...base, ...closed].sort((a, b) => a - b);
}
