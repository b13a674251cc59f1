// "Who holds port N?" as data: every socket whose local port is exactly N (never a substring
// match), one entry per socket and owning process. Shared by whoIsUsingPort and killPort.
import type { Collector, ContainerOwner, ServiceOwner, SocketEntry, SocketRecord } from '../../../core/model';
import { isListening } from '../../../core/model';
import { socketsOnPort } from '../../../core/socketQueries';
import { parsePortNumber } from '../../../core/portNumber';
import { splitListeners, type SplitListener } from '../../../core/splitListeners';

/** One socket on the port and one of its owners (the socket's fields without inode and uid). */
export interface PortOwnerInfo extends Omit<SocketRecord, 'inode' | 'uid'> {
  /** null when the owner cannot be seen (another user's process). */
  pid: number | null;
  name: string;
  commandLine: string;
  cwd: string;
  user: string;
  /** ms since the epoch; pass it back to portInspector.kill to guard against pid reuse. */
  startTime: number | null;
  listening: boolean;
  ownerVisible: boolean;
  /** The container behind the socket (docker-proxy, dockerd's placeholder, a process inside it), else null. */
  container: ContainerOwner | null;
  /** The systemd unit or supervisor that restarts the owner, else null. */
  service: ServiceOwner | null;
}

/** Accepts 3000 or "3000"; anything else throws an Error whose message is the user-facing one. */
export function portArgument(arg: unknown): number {
  if (typeof arg !== 'number' && typeof arg !== 'string') {
    throw new Error(`Expected a port number (0–65535), got ${arg === null ? 'null' : typeof arg}.`);
  }
  const parsed = parsePortNumber(String(arg));
  if (!parsed.ok) { throw new Error(parsed.message); }
  return parsed.port;
}

export function ownersFromSockets(sockets: readonly SocketEntry[]): PortOwnerInfo[] {
  const out: PortOwnerInfo[] = [];
  for (const s of sockets) {
    const base = {
      protocol: s.protocol, family: s.family, localAddress: s.localAddress, localPort: s.localPort,
      remoteAddress: s.remoteAddress, remotePort: s.remotePort, state: s.state, boundDevice: s.boundDevice, ipv6Only: s.ipv6Only, listening: isListening(s), ownerVisible: s.ownerVisible,
      container: s.container ?? null, service: s.service ?? null,
    };
    if (s.processes.length === 0) {
      out.push({ pid: null, name: '', commandLine: '', cwd: '', user: s.user, startTime: null, ...base });
      continue;
    }
    for (const p of s.processes) {
      out.push({ pid: p.pid, name: p.name, commandLine: p.commandLine, cwd: p.cwd, user: p.user, startTime: p.startTime, ...base });
    }
  }
  // Listeners first, then by protocol, family, address.
  return out.sort((a, b) => Number(b.listening) - Number(a.listening) || a.protocol.localeCompare(b.protocol) ||
    a.family - b.family || a.localAddress.localeCompare(b.localAddress) || (a.pid ?? 0) - (b.pid ?? 0));
}

/** The owners, and the split of the port's listeners by protocol (see core/splitListeners.ts). */
/** Every socket on exactly this port, listeners and connections, from one collection. */
async function socketsOn(collector: Collector, port: number): Promise<SocketEntry[]> {
  return socketsOnPort((await collector.collect({ listeningOnly: false })).sockets, port);
}

export async function portReport(collector: Collector, port: number, order: readonly string[]): Promise<{ owners: PortOwnerInfo[]; splits: SplitListener[] }> {
  const sockets = await socketsOn(collector, port);
  return { owners: ownersFromSockets(sockets), splits: splitListeners(sockets.filter(isListening), order) };
}

export async function portOwners(collector: Collector, port: number): Promise<PortOwnerInfo[]> {
  return ownersFromSockets(await socketsOn(collector, port));
}
