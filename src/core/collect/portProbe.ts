// Turning socket entries into the answer of Collector.probePorts(): one result per watched port,
// every holder once. Shared by the back ends, which differ only in how they find the entries.
import type { Collector, PortCheckResult, PortProbeSpec, Protocol, SocketEntry } from '../model';
import { isListening } from '../model';

const keyOf = (port: number, protocol: Protocol) => `${port}/${protocol}`;

/** The protocols the specs name, and per protocol the set of ports. */
export function portsByProtocol(specs: readonly PortProbeSpec[]): Map<Protocol, Set<number>> {
  const out = new Map<Protocol, Set<number>>();
  for (const s of specs) {
    let set = out.get(s.protocol);
    if (!set) { set = new Set(); out.set(s.protocol, set); }
    set.add(s.port);
  }
  return out;
}

/** Results for the specs from any sockets (those not listening on a watched port are ignored). */
export function probeResults(specs: readonly PortProbeSpec[], sockets: readonly SocketEntry[]): PortCheckResult[] {
  const results = new Map<string, PortCheckResult>();
  for (const s of specs) {
    const key = keyOf(s.port, s.protocol);
    if (!results.has(key)) { results.set(key, { port: s.port, protocol: s.protocol, sockets: [], holders: [], holderHidden: false }); }
  }
  for (const s of sockets) {
    const r = results.get(keyOf(s.localPort, s.protocol));
    if (!r || !isListening(s)) { continue; }
    r.sockets.push({ family: s.family, address: s.localAddress, inode: s.inode, uid: s.uid });
    for (const p of s.processes) { if (!r.holders.some(h => h.pid === p.pid)) { r.holders.push(p); } }
  }
  for (const r of results.values()) {
    r.holders.sort((a, b) => a.pid - b.pid);
    r.holderHidden = r.sockets.length > 0 && r.holders.length === 0;
  }
  return [...results.values()];
}

/**
 * probePorts for a back end whose every look is one collection (a command or two): the listening
 * sockets without owners first (Windows skips its process query, lsof its whole run), and owners
 * only when a watched port is taken, from `withOwners` (default: a listening collection).
 */
export async function probeByCollecting(
  collector: Pick<Collector, 'collect'>, specs: readonly PortProbeSpec[],
  withOwners?: (taken: readonly PortProbeSpec[]) => Promise<readonly SocketEntry[]>,
): Promise<PortCheckResult[]> {
  if (specs.length === 0) { return []; }
  const protocols = [...portsByProtocol(specs).keys()];
  const bare = probeResults(specs, (await collector.collect({ listeningOnly: true, protocols, owners: false })).sockets);
  const taken = bare.filter(r => r.sockets.length > 0).map(r => ({ port: r.port, protocol: r.protocol }));
  if (taken.length === 0) { return bare; }
  const sockets = withOwners
    ? await withOwners(taken)
    : (await collector.collect({ listeningOnly: true, protocols: [...portsByProtocol(taken).keys()] })).sockets;
  return probeResults(specs, sockets);
}
