// nftables rules for an imperfect network in front of the namespaced target, and the check of a
// TCP scan against the configuration. Shared by the namespace tests and bench:scan.
import { MIXED, expectedTcpV4 } from './expect';

/** 5 % of incoming TCP packets dropped at random. */
export const LOSS_RULE = 'meta l4proto tcp numgen random mod 100 < 5 drop';
/** The same for UDP probes. */
export const UDP_LOSS_RULE = 'meta l4proto udp numgen random mod 100 < 5 drop';
/** SYN-flood protection as cloud hosts and firewalls configure it. */
export const SYN_LIMIT_RULE = 'tcp flags syn limit rate over 300/second burst 50 packets drop';

/**
 * Ports whose state differs from the configuration. Ports REJECTed with ICMP port-unreachable may
 * be closed or filtered (connect() sees ECONNREFUSED; nmap -sT may see either).
 */
export function wrongTcpPorts<P extends { port: number; state: string }>(ports: readonly P[]): P[] {
  return ports.filter(p => p.state !== expectedTcpV4(p.port).state && !(MIXED.tcpIcmpPort.includes(p.port) && p.state === 'filtered'));
}
