// For a scan of this machine: ties each open port to the local listener (and process) behind it,
// and calls out every local listener the scan did not find open, with the reason. That is the
// question `ss` and `nmap` each answer only half of: is what I think is open really reachable, and
// is what should be closed really closed? The CLI's scan and the Scan Results view both use this.
//
// The reason comes from the socket's facts (exposure.ts): its address, the interface it is bound
// to, and whether an IPv6 socket also takes IPv4. A probe this machine sends to one of its own
// addresses is delivered locally, as if it came in on the interface that holds that address
// (loopback for 127.0.0.1 and ::1): a socket bound to another interface never sees it.
import { networkInterfaces } from 'node:os';
import type { SocketEntry } from '../model';
import { isListening } from '../model';
import { delivery, type Delivery } from '../exposure';
import { hostText } from '../exposure';
import type { L10n } from '../l10n';
import { english } from '../l10n';
import type { PortState, ScanResult } from './types';

export interface ListenerOwner { pid: number; name: string; commandLine: string }

export interface OpenPortLink {
  port: number;
  owners: ListenerOwner[];
  /** Addresses the matching listeners are bound to, as ss writes them (`0.0.0.0`, `*`, `[::1]`). */
  addresses: string[];
}

/**
 * - other-address: bound to another address of the same family;
 * - other-family: an IPv6-only socket probed over IPv4, or an IPv4 socket probed over IPv6;
 * - bound-device: bound to an interface the probe did not arrive on;
 * - firewall: bound to the probed address, yet refused or unanswered.
 */
export type UnreachableCause = 'other-address' | 'other-family' | 'bound-device' | 'firewall';

export interface UnreachableListener {
  port: number;
  state: PortState;
  addresses: string[];
  owners: ListenerOwner[];
  cause: UnreachableCause;
  explanation: string;
}

export interface LocalReport {
  open: Map<number, OpenPortLink>;
  unreachable: UnreachableListener[];
}

/** Whether a socket bound to `bound` accepts traffic sent to `target` (Linux, v6only off: the kernel's default). */
export function bindingCovers(bound: string, target: string): boolean {
  const family = bound.includes(':') || bound === '*' ? 6 : 4;
  return delivery({ family, localAddress: bound, boundDevice: '', ipv6Only: bound === '*' ? false : null }, target) === 'receives';
}

function owners(sockets: readonly SocketEntry[]): ListenerOwner[] {
  const seen = new Map<number, ListenerOwner>();
  for (const s of sockets) {
    for (const p of s.processes) { if (!seen.has(p.pid)) { seen.set(p.pid, { pid: p.pid, name: p.name, commandLine: p.commandLine }); } }
  }
  return [...seen.values()];
}

/** Of several sockets that all miss the probe, the reason nearest to receiving it names the port's cause. */
const NEAREST: readonly Delivery[] = ['bound-device', 'other-address', 'other-family'];

/** The interface a probe of this machine's own address counts as arriving on: the one holding it. */
export function arrivalInterface(target: string, interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string {
  const t = target.toLowerCase();
  if (t.startsWith('127.') || t === '::1') { return 'lo'; }
  for (const [name, list] of Object.entries(interfaces)) {
    if ((list ?? []).some(a => a.address.toLowerCase() === t)) { return name; }
  }
  return 'lo';
}

/** The short words for a cause (the Scan Results view's description, the CLI's CAUSE column). */
export function causeWords(cause: UnreachableCause, l10n: L10n = english): string {
  switch (cause) {
    case 'other-address': return l10n.t('bound to another address');
    case 'other-family': return l10n.t('other IP family');
    case 'bound-device': return l10n.t('bound to another interface');
    case 'firewall': return l10n.t('firewall?');
  }
}

function explain(cause: UnreachableCause, state: PortState, protocol: ScanResult['protocol'], addresses: string[], target: string, arrival: string, sockets: readonly SocketEntry[], l10n: L10n): string {
  const where = addresses.join(', ');
  switch (cause) {
    case 'other-address':
      return l10n.t('listening on {0} only, not on the scanned address {1}', where, target);
    case 'other-family':
      return target.includes(':')
        ? l10n.t('listening on {0}, IPv4 only: the probe of {1} was IPv6', where, target)
        : l10n.t('listening on {0}, IPv6 only: the probe of {1} was IPv4', where, target);
    case 'bound-device': {
      const devices = [...new Set(sockets.map(s => s.boundDevice).filter((d): d is string => !!d))].join(', ');
      return l10n.t('bound to interface {0} only: a probe of this machine\'s own address {1} arrives on {2}', devices, target, arrival);
    }
    case 'firewall':
      if (state === 'closed') {
        return protocol === 'tcp'
          ? l10n.t('closed: the connection was refused although a listener is bound to it: a firewall REJECT rule, or the listener restarted during the scan')
          : l10n.t('closed: ICMP port-unreachable came back although a socket is bound to it: a firewall REJECT rule, or the socket closed during the scan');
      }
      return l10n.t('{0}: no answer or an ICMP error although a listener is bound to it: most likely a firewall rule', state);
  }
}

export function analyzeLocalScan(result: ScanResult, sockets: readonly SocketEntry[], l10n: L10n = english, arrival = arrivalInterface(result.address)): LocalReport {
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
    const verdicts = list.map(s => delivery(s, result.address, arrival));
    const covering = list.filter((_, i) => verdicts[i] === 'receives');
    const addresses = [...new Set(list.map(hostText))];
    // A UDP port that stayed silent (open|filtered) while a socket that receives the probe is bound
    // there is what a silent service looks like: consistent, not a finding.
    const answered = state === 'open' || (result.protocol === 'udp' && state === 'open|filtered' && covering.length > 0);
    if (answered) {
      const use = covering.length > 0 ? covering : list;
      open.set(port, { port, owners: owners(use), addresses: [...new Set(use.map(hostText))] });
      continue;
    }
    let cause: UnreachableCause = 'firewall';
    let holders = covering;
    if (covering.length === 0) {
      const nearest = NEAREST.find(d => verdicts.includes(d))!;
      cause = nearest as UnreachableCause;
      holders = list.filter((_, i) => verdicts[i] === nearest);
    }
    const shown = [...new Set(holders.map(hostText))];
    unreachable.push({
      port, state, addresses, owners: owners(holders), cause,
      explanation: explain(cause, state, result.protocol, cause === 'firewall' ? addresses : shown, result.address, arrival, holders, l10n),
    });
  }
  return { open, unreachable };
}

/** The `local` member of a host's `scan --json` result. */
export function localReportJson(report: LocalReport): object {
  const processes = (o: readonly ListenerOwner[]) => o.map(p => ({ pid: p.pid, name: p.name }));
  return {
    open: [...report.open.values()].map(l => ({ port: l.port, addresses: l.addresses, processes: processes(l.owners) })),
    unreachable: report.unreachable.map(u => ({ port: u.port, state: u.state, cause: u.cause, addresses: u.addresses, processes: processes(u.owners), explanation: u.explanation })),
  };
}
