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
  /** Who holds the port when the view groups by process: one share per process, container or hidden owner. */
  shares: OwnerShare[];
}

/** One holder's share of a port, for grouping by process. */
export interface OwnerShare {
  /** processKey, containerKey, or HIDDEN_SHARE for sockets whose owner is not visible */
  key: string;
  process: SocketOwner | undefined;
  container: ContainerOwner | undefined;
  /** The holder's part of the port where it is not the whole group (other sockets or connections are someone else's). */
  part: PortGroup | undefined;
}

export interface ProcessGroup {
  key: string;
  /** undefined for the pseudo group of sockets whose owner is not visible. */
  process: SocketOwner | undefined;
  /** Set when the group is a container's: its ports, whichever proxy or process holds each. */
  container?: ContainerOwner;
  ports: PortGroup[];
}

const HIDDEN_SHARE = '?';

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

/**
 * One object for every equal value of a grouping pass. Thousands of ports of one server have the
 * same owner, address and share lists; sharing them keeps the groups small wherever they are
 * kept, and a structured clone keeps the sharing when the groups cross to the extension host.
 * Keys are built from what tells values apart and nothing more: a grouping of 12,000 sockets
 * must not allocate more than the sockets themselves (it runs in the collector worker, whose
 * garbage stays resident until V8's next full collection).
 */
class Interner {
  readonly addresses = new Map<string, BoundAddress>();
  readonly addressLists = new Map<string, BoundAddress[]>();
  /** pid -> the first entry seen for each start time of that pid */
  private readonly owners = new Map<number, SocketOwner[]>();
  readonly ownerLists = new Map<SocketOwner | string, SocketOwner[]>();
  readonly shareLists = new Map<readonly SocketOwner[], OwnerShare[]>();
  readonly reachable = new Map<BoundAddress, boolean>();
  private readonly other = new Map<string, unknown>();
  constructor(readonly localhostOrder: readonly string[]) {}

  /** The entry that stands for this process in every group (its fd is of one of its sockets). */
  owner(p: SocketOwner): SocketOwner {
    let same = this.owners.get(p.pid);
    if (!same) { same = []; this.owners.set(p.pid, same); }
    const found = same.find(o => o.startTime === p.startTime);
    if (found) { return found; }
    same.push(p);
    return p;
  }

  one<T>(key: string, make: () => T): T {
    let v = this.other.get(key) as T | undefined;
    if (v === undefined) { v = make(); this.other.set(key, v); }
    return v;
  }
}

const NONE: never[] = [];

function groupKey(protocol: Protocol, port: number): string {
  return `${protocol}:${port}`;
}

function addressKey(s: SocketEntry): string {
  return `${s.family}|${s.localAddress}|${s.boundDevice}|${s.ipv6Only}`;
}

function sameOwners(a: readonly SocketOwner[], b: readonly SocketOwner[]): boolean {
  if (a.length !== b.length) { return false; }
  for (let i = 0; i < a.length; i++) {
    if (a[i].pid !== b[i].pid || a[i].startTime !== b[i].startTime) { return false; }
  }
  return true;
}

function addressesOf(intern: Interner, sockets: readonly SocketEntry[]): BoundAddress[] {
  const found: { key: string; address: BoundAddress }[] = [];
  for (const s of sockets) {
    const key = addressKey(s);
    if (found.some(f => f.key === key)) { continue; }
    let address = intern.addresses.get(key);
    if (!address) { address = { family: s.family, address: s.localAddress, boundDevice: s.boundDevice, ipv6Only: s.ipv6Only }; intern.addresses.set(key, address); }
    found.push({ key, address });
  }
  const order = (x: { address: BoundAddress }, y: { address: BoundAddress }) => x.address.family - y.address.family || x.address.address.localeCompare(y.address.address);
  // two (IPv4 and IPv6 of one server) is the common case: swapped in place, as sort() would copy
  if (found.length === 2) { if (order(found[0], found[1]) > 0) { found.reverse(); } } else if (found.length > 2) { found.sort(order); }
  const listKey = found.length === 1 ? found[0].key : found.map(f => f.key).join(',');
  let list = intern.addressLists.get(listKey);
  if (!list) { list = found.map(f => f.address); intern.addressLists.set(listKey, list); }
  return list;
}

function ownersOf(intern: Interner, sockets: readonly SocketEntry[]): SocketOwner[] {
  const found: SocketOwner[] = [];
  for (const s of sockets) {
    for (const p of s.processes) {
      const o = intern.owner(p);
      if (!found.includes(o)) { found.push(o); }
    }
  }
  if (found.length === 0) { return NONE; }
  if (found.length > 1) { found.sort((a, b) => a.pid - b.pid || a.startTime - b.startTime); }
  const listKey = found.length === 1 ? found[0] : found.map(processKey).join(',');
  let list = intern.ownerLists.get(listKey);
  if (!list) { list = found; intern.ownerLists.set(listKey, list); }
  return list;
}

function reachableOf(intern: Interner, addresses: readonly BoundAddress[]): boolean {
  return addresses.some(a => {
    let r = intern.reachable.get(a);
    if (r === undefined) { r = socketExposure(boundFacts(a)).network; intern.reachable.set(a, r); }
    return r;
  });
}

/** The listening sockets of one port and what else is on it, grouped (`withShares`: also split by holder). */
function buildGroup(intern: Interner, key: string, protocol: Protocol, port: number, sockets: SocketEntry[], connections: SocketEntry[], timeWait: number, withShares: boolean): PortGroup {
  const addresses = addressesOf(intern, sockets);
  let hidden = 0;
  let oneHolder = true;
  let container: ContainerOwner | null = null;
  let service: ServiceOwner | null = null;
  for (const s of sockets) {
    if (!s.ownerVisible) { hidden++; }
    if (oneHolder && !sameOwners(s.processes, sockets[0].processes)) { oneHolder = false; }
    container ??= s.container ?? null;
    service ??= s.service ?? null;
  }
  const hiddenUsers = hidden === 0 ? NONE : [...new Set(sockets.filter(s => !s.ownerVisible).map(s => s.user || (s.uid >= 0 ? `uid ${s.uid}` : 'unknown')))].sort();
  const group: PortGroup = {
    key,
    protocol,
    port,
    owners: ownersOf(intern, sockets),
    addresses,
    reachable: reachableOf(intern, addresses),
    // one set of holders on every socket cannot be split (the common case, decided without keys)
    split: oneHolder ? undefined : splitListener(sockets, intern.localhostOrder),
    hiddenOwnerUsers: hiddenUsers.length === 0 ? NONE : intern.one(`h/${hiddenUsers.join(',')}`, () => hiddenUsers),
    hasHiddenOwner: hidden > 0,
    connections: connections.length === 0 ? NONE : connections,
    timeWait,
    // the owner lookup hands out one object per container and per unit: shared as they come
    container,
    service,
    shares: NONE,
  };
  if (withShares) { group.shares = oneHolder && group.owners.length > 0 && container === null && hidden === 0 && connections.length === 0 ? wholeShares(intern, group.owners) : sharesOf(intern, group, sockets); }
  return group;
}

/** Every socket held by the same visible processes, no container, no connection: each process holds the whole port. */
function wholeShares(intern: Interner, owners: readonly SocketOwner[]): OwnerShare[] {
  let list = intern.shareLists.get(owners);
  if (!list) {
    list = owners.map(o => ({ key: processKey(o), process: o, container: undefined, part: undefined }));
    intern.shareLists.set(owners, list);
  }
  return list;
}

/**
 * Splits a port by holder: a container's sockets go to the container, a visible owner's to each
 * of its processes, the rest to the hidden owner. A holder's part is a group of its own only
 * where it differs from the whole port.
 */
function sharesOf(intern: Interner, g: PortGroup, sockets: readonly SocketEntry[]): OwnerShare[] {
  const perKey = new Map<string, SocketEntry[]>();
  for (const s of sockets) {
    const keys = s.container && s.processes.length > 0 ? [containerKey(s.container, s)]
      : s.ownerVisible && s.processes.length > 0 ? s.processes.map(processKey) : [HIDDEN_SHARE];
    for (const k of keys) {
      let list = perKey.get(k);
      if (!list) { list = []; perKey.set(k, list); }
      list.push(s);
    }
  }
  const shares: OwnerShare[] = [];
  for (const [k, list] of perKey) {
    const container = list[0].container ?? undefined;
    const found = k === HIDDEN_SHARE ? undefined : container ? list[0].processes[0] : list[0].processes.find(p => processKey(p) === k);
    const process = found && intern.owner(found);
    const owns = (c: SocketEntry) => k === HIDDEN_SHARE ? !c.ownerVisible : container ? c.container?.id === container.id : c.processes.some(p => processKey(p) === k);
    const connections = g.connections.filter(owns);
    const whole = list.length === sockets.length && connections.length === g.connections.length;
    if (whole) {
      // k names the container (engine and id) or the process already
      shares.push(intern.one(`share/${k}/${process ? processKey(process) : ''}`, () => ({ key: k, process, container, part: undefined })));
    } else {
      shares.push({ key: k, process, container, part: buildGroup(intern, g.key, g.protocol, g.port, list, connections, g.timeWait, false) });
    }
  }
  return shares.every(x => x.part === undefined) ? intern.one(`sl/${shares.map(x => x.key).join(',')}`, () => shares) : shares;
}

/**
 * One group per (protocol, port) that something listens on, sorted by port then tcp before udp.
 * `localhostOrder` (the resolver's addresses for localhost, first first) decides a split port's
 * "reaches … first"; by default the last one known.
 */
export function groupByPort(sockets: readonly SocketEntry[], localhostOrder: readonly string[] = recentLocalhostOrder()): PortGroup[] {
  // keyed by number (udp ports above tcp's): no key string per socket
  const slot = (s: SocketEntry) => (s.protocol === 'tcp' ? 0 : 65536) + s.localPort;
  const listening = new Map<number, SocketEntry[]>();
  const other = new Map<number, SocketEntry[]>();
  for (const s of sockets) {
    const k = slot(s);
    const into = isListening(s) ? listening : other;
    const list = into.get(k);
    if (list) { list.push(s); } else { into.set(k, [s]); }
  }
  const intern = new Interner(localhostOrder);
  const groups: PortGroup[] = [];
  for (const [k, list] of listening) {
    const protocol = list[0].protocol;
    const rest = other.get(k) ?? NONE;
    const connections = protocol === 'tcp' && rest.length > 0 ? rest.filter(s => s.state === 'ESTABLISHED') : NONE;
    let timeWait = 0;
    if (protocol === 'tcp') { for (const s of rest) { if (s.state === 'TIME_WAIT') { timeWait++; } } }
    groups.push(buildGroup(intern, groupKey(protocol, list[0].localPort), protocol, list[0].localPort, list, connections, timeWait, true));
  }
  return groups.sort(comparePortGroups);
}

export function comparePortGroups(a: { port: number; protocol: Protocol }, b: { port: number; protocol: Protocol }): number {
  return a.port - b.port || a.protocol.localeCompare(b.protocol);
}

/** Group keys that appeared and that went between two collections (both lists sorted by port: one merge). */
export function keyChanges(before: readonly PortGroup[], after: readonly PortGroup[]): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0, j = 0;
  while (i < before.length || j < after.length) {
    const order = i === before.length ? 1 : j === after.length ? -1 : comparePortGroups(before[i], after[j]);
    if (order === 0) { i++; j++; } else if (order < 0) { removed.push(before[i++].key); } else { added.push(after[j++].key); }
  }
  return { added, removed };
}

/**
 * One group per owning process, each with the ports it holds (restricted to its own sockets).
 * Sockets whose owner is not visible go into one last group with process undefined.
 */
export function groupByProcess(portGroups: readonly PortGroup[]): ProcessGroup[] {
  const byProc = new Map<string, { process: SocketOwner | undefined; container?: ContainerOwner; ports: PortGroup[] }>();
  for (const g of portGroups) {
    for (const share of g.shares) {
      let entry = byProc.get(share.key);
      if (!entry) {
        entry = { process: share.process, container: share.container, ports: [] };
        byProc.set(share.key, entry);
      }
      entry.ports.push(share.part ?? g);
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

/**
 * A text that changes whenever anything the view shows of the groups changes, to skip sending and
 * re-rendering when nothing did. A shared list or owner is written once, at the end, and the
 * groups refer to it by number: the text stays about 50 bytes per port however long the command
 * lines are.
 */
export function signature(groups: readonly PortGroup[]): string {
  const ids = new Map<unknown, number>();
  const texts: string[] = [];
  const id = (v: unknown): string => {
    if (v === null || v === undefined) { return '-'; }
    let n = ids.get(v);
    if (n === undefined) { n = texts.push(JSON.stringify(v)) - 1; ids.set(v, n); }
    return String(n);
  };
  const line = (g: PortGroup): string =>
    `${g.key}|${id(g.addresses)}|${id(g.owners)}|${g.split ? JSON.stringify(g.split) : ''}|${id(g.hiddenOwnerUsers)}|${g.reachable ? 1 : 0}|` +
    `${g.connections.length === 0 ? '' : g.connections.map(c => `${c.remoteAddress}:${c.remotePort}/${c.inode}/${c.state}/${c.processes.map(processKey).join(',')}`).join(',')}|${g.timeWait}|` +
    `${id(g.container)}|${id(g.service)}|${g.shares.every(x => !x.part) ? id(g.shares) : g.shares.map(x => x.part ? `${x.key}{${line(x.part)}}` : id(x)).join(',')}`;
  const lines = groups.map(line);
  return `${lines.join('\n')}\n${texts.join('\n')}`;
}
