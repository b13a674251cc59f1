// For a scan of this machine: ties each open port to the local listener (and process) behind it,
// and calls out every local listener the scan did not find open, with the likely reason. That is
// the question `ss` and `nmap` each answer only half of: is what I think is open really reachable,
// and is what should be closed really closed?
import { english, type L10n } from '../l10n';
import type { SocketEntry } from '../model';
import { isListening } from '../model';
import type { PortState, ScanResult } from './types';

export interface ListenerOwner { pid: number; name: string; commandLine: string }

export interface OpenPortLink {
  port: number;
  owners: ListenerOwner[];
  /** Addresses the matching listeners are bound to. */
  addresses: string[];
}

export interface UnreachableListener {
  port: number;
  state: PortState;
  addresses: string[];
  owners: ListenerOwner[];
  /** 'other-address': not bound to the scanned address; 'firewalled': bound to it, yet not open. */
  cause: 'other-address' | 'firewalled';
  explanation: string;
}

export interface LocalReport {
  open: Map<number, OpenPortLink>;
  unreachable: UnreachableListener[];
}

function normal(addr: string): string {
  return addr.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/** Whether a socket bound to `bound` accepts traffic sent to `target` (Linux semantics, bindv6only=0). */
export function bindingCovers(bound: string, target: string): boolean {
  const b = normal(bound), t = normal(target);
  const tIs4 = t.includes('.');
  if (b === t) { return true; }
  if (b === '0.0.0.0' || b === '*') { return tIs4; }
  if (b === '::') { return true; } // dual-stack wildcard also takes IPv4 unless IPV6_V6ONLY
  return false;
}

function owners(sockets: SocketEntry[]): ListenerOwner[] {
  const seen = new Map<number, ListenerOwner>();
  for (const s of sockets) {
    for (const p of s.processes) { if (!seen.has(p.pid)) { seen.set(p.pid, { pid: p.pid, name: p.name, commandLine: p.commandLine }); } }
  }
  return [...seen.values()];
}

export function analyzeLocalScan(result: ScanResult, sockets: readonly SocketEntry[], l10n: L10n = english): LocalReport {
  const scanned = new Map(result.ports.map(p => [p.port, p.state]));
  const byPort = new Map<number, SocketEntry[]>();
  for (const s of sockets) {
    if (s.protocol !== result.protocol || !isListening(s) || !scanned.has(s.localPort)) { continue; }
    const list = byPort.get(s.localPort);
    if (list) { list.push(s); } else { byPort.set(s.localPort, [s]); }
  }
  const open = new Map<number, OpenPortLink>();
  const unreachable: UnreachableListener[] = [];
  for (const [port, list] of [...byPort].sort((a, b) => a[0] - b[0])) {
    const state = scanned.get(port)!;
    const covering = list.filter(s => bindingCovers(s.localAddress, result.address));
    const addresses = [...new Set(list.map(s => s.localAddress))];
    const answered = state === 'open' || (result.protocol === 'udp' && state === 'open|filtered');
    if (answered) {
      const use = covering.length > 0 ? covering : list;
      open.set(port, { port, owners: owners(use), addresses: [...new Set(use.map(s => s.localAddress))] });
      continue;
    }
    if (covering.length === 0) {
      unreachable.push({
        port, state, addresses, owners: owners(list), cause: 'other-address',
        explanation: l10n.t('listening on {0} only, not on the scanned address {1}', addresses.join(', '), result.address),
      });
    } else {
      const why = state === 'closed'
        ? (result.protocol === 'tcp'
          ? l10n.t('{0}: the connection was refused although a listener is bound to it: a firewall REJECT rule, or the listener restarted during the scan', state)
          : l10n.t('{0}: ICMP port-unreachable came back although a socket is bound to it: a firewall REJECT rule, or the socket closed during the scan', state))
        : l10n.t('{0}: no answer or an ICMP error although a listener is bound to it: most likely a firewall rule', state);
      unreachable.push({ port, state, addresses, owners: owners(covering), cause: 'firewalled', explanation: why });
    }
  }
  return { open, unreachable };
}
