// Who can reach a listening socket, from the facts the kernel keeps about it: its address, the
// interface it is bound to, and (IPv6) whether it also takes IPv4. Pure: the Ports view, `who`
// and the scan comparison all decide from here, and each words the answer itself.
import type { L10n } from './l10n';
import { english } from './l10n';
import type { Family, SocketRecord } from './model';

export type ExposureKind =
  /** `*`: the IPv6 wildcard with v6only off takes IPv4 too. */
  | 'dual-stack'
  /** `[::]` with v6only on. */
  | 'all-ipv6'
  /** `[::]` whose v6only flag is not known: IPv6, and IPv4 too unless v6only. */
  | 'ipv6-maybe-ipv4'
  | 'all-ipv4'
  /** Bound to one interface (SO_BINDTODEVICE, a link-local scope) other than loopback. */
  | 'device'
  /** One specific non-loopback address. */
  | 'address'
  | 'loopback';

export interface Exposure {
  kind: ExposureKind;
  /** The interface for 'device'. */
  device: string;
  /** Whether another machine can reach it at all (the "reachable from the network" mark). */
  network: boolean;
}

export type SocketFacts = Pick<SocketRecord, 'family' | 'localAddress' | 'boundDevice' | 'ipv6Only'>;

function normal(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

export function isLoopbackAddress(address: string): boolean {
  const a = normal(address);
  return a.startsWith('127.') || a === '::1' || a === 'localhost';
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '*';
}

/** The address as ss writes it, without the port: `*` for a dual-stack wildcard, `%dev` after a bound one. */
export function hostText(s: SocketFacts): string {
  const host = s.family === 6 && s.localAddress === '::' && s.ipv6Only === false ? '*'
    : s.localAddress.includes(':') ? `[${s.localAddress}]` : s.localAddress;
  return s.boundDevice ? `${host}%${s.boundDevice}` : host;
}

export function socketExposure(s: SocketFacts): Exposure {
  const a = normal(s.localAddress);
  if (isLoopbackAddress(a) || s.boundDevice === 'lo') { return { kind: 'loopback', device: '', network: false }; }
  if (s.boundDevice) { return { kind: 'device', device: s.boundDevice, network: true }; }
  if (a === '0.0.0.0') { return { kind: 'all-ipv4', device: '', network: true }; }
  if (a === '::' || a === '*') {
    const kind = s.ipv6Only === true ? 'all-ipv6' : s.ipv6Only === false ? 'dual-stack' : 'ipv6-maybe-ipv4';
    return { kind, device: '', network: true };
  }
  return { kind: 'address', device: '', network: true };
}

/** The exposure in a few words: "all interfaces, IPv4 and IPv6", "only via enp0s3", "this machine only". */
export function exposureWords(s: SocketFacts, l10n: L10n = english): string {
  const e = socketExposure(s);
  switch (e.kind) {
    case 'dual-stack': return l10n.t('all interfaces, IPv4 and IPv6');
    case 'all-ipv6': return l10n.t('all IPv6 interfaces');
    case 'ipv6-maybe-ipv4': return l10n.t('all IPv6 interfaces, and IPv4 unless IPv6-only (not known)');
    case 'all-ipv4': return l10n.t('all IPv4 interfaces');
    case 'device': return l10n.t('only via {0}', e.device);
    case 'address': return l10n.t('only on {0}', s.localAddress);
    case 'loopback': return l10n.t('this machine only');
  }
}

/** Why a socket does not receive traffic sent to an address; 'receives' when it does. */
export type Delivery = 'receives' | 'other-address' | 'other-family' | 'bound-device';

/**
 * Whether a socket receives what is sent to `target`, on Linux's rules: a wildcard takes its own
 * family (and, IPv6 with v6only off, IPv4 too); an unknown v6only counts as the kernel's default
 * (off). `arrival` is the interface the traffic comes in on: a probe of one of this machine's own
 * addresses arrives on loopback, so a socket bound to another interface never sees it.
 */
export function delivery(s: SocketFacts, target: string, arrival = 'lo'): Delivery {
  const b = normal(s.localAddress), t = normal(target);
  const targetFamily: Family = t.includes(':') ? 6 : 4;
  let verdict: Delivery;
  if (b === t) { verdict = 'receives'; }
  else if (s.family === 4) { verdict = targetFamily === 4 ? (b === '0.0.0.0' ? 'receives' : 'other-address') : 'other-family'; }
  else if (isWildcard(b)) { verdict = targetFamily === 6 || s.ipv6Only !== true ? 'receives' : 'other-family'; }
  else { verdict = targetFamily === 6 ? 'other-address' : 'other-family'; }
  if (verdict === 'receives' && s.boundDevice && s.boundDevice !== arrival) { return 'bound-device'; }
  return verdict;
}

/** Which socket the kernel hands a connection to `target` (the most specific one that receives it). */
export function receiverOf<T extends SocketFacts>(sockets: readonly T[], target: string, arrival = 'lo'): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  const t = normal(target);
  const targetFamily = t.includes(':') ? 6 : 4;
  for (const s of sockets) {
    if (delivery(s, target, arrival) !== 'receives') { continue; }
    // Exact address over wildcard; own family over a dual-stack socket; device-bound over unbound.
    const score = (normal(s.localAddress) === t ? 4 : 0) + (s.family === targetFamily ? 2 : 0) + (s.boundDevice ? 1 : 0);
    if (score > bestScore) { best = s; bestScore = score; }
  }
  return best;
}
