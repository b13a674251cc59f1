// Pure shaping of a Snapshot into what the Ports view shows: one group per (protocol, port), or one
// group per owning process; the filter; how exposed a bound address is. No `vscode` import, so this
// is unit-tested in plain Node.
import type { ContainerOwner, Protocol, ServiceOwner, SocketEntry, SocketOwner } from '../../core/model';
import { isListening } from '../../core/model';
import { hostText, socketExposure, type SocketFacts } from '../../core/exposure';
import { recentLocalhostOrder, splitListener, type SplitListener } from '../../core/splitListeners';

/** One bound address of a port, with the facts that decide who can reach it. */
export interface BoundAddress {
  family: 4 | 6;
  address: string;
  boundDevice: string | null;
  ipv6Only: boolean | null;
}

export function processKey(p: { pid: number; startTime: number }): string {
  return `${p.pid}@${p.startTime}`;
}

export interface PortGroup {
  key: string;
  protocol: Protocol;
  port: number;
  /** Listening sockets (TCP LISTEN, UDP UNCONN) on this protocol and port. */
  sockets: SocketEntry[];
  /** Distinct owning processes (one socket can have several: pre-fork servers). */
  owners: SocketOwner[];
  /** Distinct bound addresses, IPv4 first. */
  addresses: BoundAddress[];
  /** Whether another machine can reach one of them (not loopback-only, see core/exposure.ts). */
  reachable: boolean;
  /** Set when different processes hold the port on different addresses. */
  split: SplitListener | undefined;
  /** Users of sockets whose owner we cannot see (another user's process, no privileges). */
  hiddenOwnerUsers: string[];
  hasHiddenOwner: boolean;
  /** TCP ESTABLISHED sockets whose local port is this port (clients connected to it). */
  connections: SocketEntry[];
  /** Connections on this port in TIME_WAIT: the kernel holds them, no process owns them. */
  timeWait: number;
  /** The container the listeners stand for or run in (the first one found), else null. */
  container: ContainerOwner | null;
  /** The systemd unit or supervisor that restarts an owner, else null. */
  service: ServiceOwner | null;
}

export interface ProcessGroup {
  key: string;
  /** undefined for the pseudo group of sockets whose owner is not visible. */
  process: SocketOwner | undefined;
  /** Set when the group is a container's: its ports, whichever proxy or process holds each. */
  container?: ContainerOwner;
  ports: PortGroup[];
}

/** The group key of a container's sockets in group-by-process mode: one row per container. */
function containerKey(c: ContainerOwner, s: SocketEntry): string {
  return `ctr/${c.engine}/${c.id || `${c.holder}/${s.processes.map(processKey).join(',')}`}`;
}

/** The address as ss writes it: `0.0.0.0%enp0s3`, `*` (dual-stack), `[::1]`. */
export function boundText(a: BoundAddress): string {
  return hostText({ family: a.family, localAddress: a.address, boundDevice: a.boundDevice, ipv6Only: a.ipv6Only });
}

/** The socket facts of a bound address, as core/exposure.ts takes them. */
export function boundFacts(a: BoundAddress): SocketFacts {
  return { family: a.family, localAddress: a.address, boundDevice: a.boundDevice, ipv6Only: a.ipv6Only };
}

function uniqueOwners(sockets: readonly SocketEntry[]): SocketOwner[] {
  const seen = new Map<string, SocketOwner>();
  for (const s of sockets) {
    for (const p of s.processes) {
      const k = processKey(p);
      if (!seen.has(k)) { seen.set(k, p); }
    }
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid);
}

function groupKey(protocol: Protocol, port: number): string {
  return `${protocol}:${port}`;
}

function buildGroup(protocol: Protocol, port: number, sockets: SocketEntry[], others: readonly SocketEntry[]): PortGroup {
  const addrs = new Map<string, BoundAddress>();
  for (const s of sockets) {
    addrs.set(`${s.family}/${hostText(s)}/${String(s.ipv6Only)}`, { family: s.family, address: s.localAddress, boundDevice: s.boundDevice, ipv6Only: s.ipv6Only });
  }
  const addresses = [...addrs.values()].sort((a, b) => a.family - b.family || a.address.localeCompare(b.address));
  const hidden = sockets.filter(s => !s.ownerVisible);
  return {
    key: groupKey(protocol, port),
    protocol,
    port,
    sockets,
    owners: uniqueOwners(sockets),
    addresses,
    reachable: sockets.some(s => socketExposure(s).network),
    split: splitListener(sockets, recentLocalhostOrder()),
    hiddenOwnerUsers: [...new Set(hidden.map(s => s.user || (s.uid >= 0 ? `uid ${s.uid}` : 'unknown')))].sort(),
    hasHiddenOwner: hidden.length > 0,
    connections: protocol === 'tcp' ? others.filter(s => s.state === 'ESTABLISHED') : [],
    timeWait: protocol === 'tcp' ? others.filter(s => s.state === 'TIME_WAIT').length : 0,
    container: sockets.find(s => s.container)?.container ?? null,
    service: sockets.find(s => s.service)?.service ?? null,
  };
}

/** One group per (protocol, port) that something listens on, sorted by port then tcp before udp. */
export function groupByPort(sockets: readonly SocketEntry[]): PortGroup[] {
  const listening = new Map<string, SocketEntry[]>();
  const other = new Map<string, SocketEntry[]>();
  for (const s of sockets) {
    const k = groupKey(s.protocol, s.localPort);
    const into = isListening(s) ? listening : other;
    let list = into.get(k);
    if (!list) { list = []; into.set(k, list); }
    list.push(s);
  }
  const groups: PortGroup[] = [];
  for (const [k, list] of listening) {
    groups.push(buildGroup(list[0].protocol, list[0].localPort, list, other.get(k) ?? []));
  }
  return groups.sort(comparePortGroups);
}

export function comparePortGroups(a: { port: number; protocol: Protocol }, b: { port: number; protocol: Protocol }): number {
  return a.port - b.port || a.protocol.localeCompare(b.protocol);
}

/**
 * One group per owning process, each with the ports it holds (restricted to its own sockets).
 * Sockets whose owner is not visible go into one last group with process undefined.
 */
export function groupByProcess(portGroups: readonly PortGroup[]): ProcessGroup[] {
  const byProc = new Map<string, { process: SocketOwner | undefined; container?: ContainerOwner; ports: PortGroup[] }>();
  const HIDDEN = '?';
  for (const g of portGroups) {
    const perProc = new Map<string, SocketEntry[]>();
    for (const s of g.sockets) {
      const keys = s.container && s.processes.length > 0 ? [containerKey(s.container, s)]
        : s.ownerVisible && s.processes.length > 0 ? s.processes.map(processKey) : [HIDDEN];
      for (const k of keys) {
        let list = perProc.get(k);
        if (!list) { list = []; perProc.set(k, list); }
        list.push(s);
      }
    }
    for (const [k, list] of perProc) {
      let entry = byProc.get(k);
      if (!entry) {
        const container = list[0].container ?? undefined;
        const proc = k === HIDDEN ? undefined : container ? list[0].processes[0] : list[0].processes.find(p => processKey(p) === k);
        entry = { process: proc, container, ports: [] };
        byProc.set(k, entry);
      }
      const sub = buildGroup(g.protocol, g.port, list, []);
      const owns = (c: SocketEntry) => entry!.container ? c.container?.id === entry!.container.id : c.processes.some(p => processKey(p) === k);
      sub.connections = g.connections.filter(c => k === HIDDEN ? !c.ownerVisible : owns(c));
      sub.timeWait = g.timeWait;
      entry.ports.push(sub);
    }
  }
  return [...byProc.entries()]
    .map(([key, e]) => ({ key, process: e.process, container: e.container, ports: e.ports.sort(comparePortGroups) }))
    .sort((a, b) => {
      if (!a.process) { return 1; }
      if (!b.process) { return -1; }
      const name = (x: ProcessGroup) => x.container?.name || x.process!.name;
      return name(a).localeCompare(name(b)) || a.process.pid - b.process.pid;
    });
}

/**
 * The view's filter: digits match a port exactly (never a substring: `80` must not match `8080`),
 * `3000-3999` a range, anything else a case-insensitive substring of a process name or command line.
 */
export interface PortFilter {
  text: string;
  matches(g: PortGroup): boolean;
}

export function parseFilter(text: string): PortFilter | undefined {
  const t = text.trim();
  if (t === '') { return undefined; }
  const range = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(t);
  if (/^\d{1,5}$/.test(t)) {
    const port = Number(t);
    return { text: t, matches: g => g.port === port };
  }
  if (range) {
    const lo = Math.min(Number(range[1]), Number(range[2]));
    const hi = Math.max(Number(range[1]), Number(range[2]));
    return { text: t, matches: g => g.port >= lo && g.port <= hi };
  }
  const needle = t.toLowerCase();
  return {
    text: t,
    matches: g => g.owners.some(p => p.name.toLowerCase().includes(needle) || p.commandLine.toLowerCase().includes(needle))
      || (g.container !== null && [g.container.name, g.container.image, g.container.compose?.project ?? ''].some(x => x.toLowerCase().includes(needle))),
  };
}

/** Is `dir` inside one of `roots` (or equal to one)? Plain path prefix on '/'-separated absolute paths. */
export function isInside(dir: string, roots: readonly string[]): boolean {
  if (!dir) { return false; }
  const d = dir.replace(/\/+$/, '');
  return roots.some(r => {
    const root = r.replace(/\/+$/, '');
    return root !== '' && (d === root || d.startsWith(root + '/'));
  });
}

/** A short stable text of what the view shows, to skip re-rendering when nothing changed. */
export function signature(groups: readonly PortGroup[]): string {
  return groups.map(g =>
    `${g.key}|${g.addresses.map(boundText).join(',')}${g.split ? '|split' : ''}|${g.owners.map(processKey).join(',')}|${g.hasHiddenOwner ? 'h' : ''}|` +
    `${g.connections.map(c => `${c.remoteAddress}:${c.remotePort}/${c.inode}`).join(',')}|${g.timeWait}|` +
    `${g.container ? `${g.container.id}/${g.container.name}/${g.container.error ?? ''}` : ''}|${g.service?.unit ?? ''}`).join('\n');
}
