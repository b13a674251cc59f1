// Messages between the extension host and the collector worker. Plain data only (structured clone).
//
// Snapshots travel in a compact form: each process once in a table, sockets pointing at it by index.
// A plain Snapshot repeats every owner's command line on each of its sockets (15 MB for 10,000
// listeners of four processes), and deserialising that on the extension host's thread would stall it
// as long as collecting in place does.
//
// The Ports view asks for port groups instead (collectGroups): the worker groups the sockets, and the
// host keeps the groups only, never an entry per socket. When the groups are the ones the view has,
// the worker only says so (the view's every-2-s refresh on a quiet machine).
import type { BackendName } from '../../../core/platform/platformRules';
import type { PortGroup } from '../portGroups';
import type { CollectOptions, CollectStats, ContainerOwner, PortProbeSpec, ProcessInfo, ServiceOwner, Snapshot, SocketEntry, SocketOwner } from '../../../core/model';

export type WorkerRequest =
  | { id: number; op: 'collect'; options?: CollectOptions }
  | { id: number; op: 'collectGroups'; options?: CollectOptions; /** the hash of the groups the client has */ have?: string }
  | { id: number; op: 'probePorts'; specs: PortProbeSpec[] }
  | { id: number; op: 'processInfo'; pid: number }
  /** The worker isolate's own heap figures (for the benchmark: what the collector costs). */
  | { id: number; op: 'heap' }
  /** Dev-port detection of one workspace folder: reads its files and parses them here, not on the host. */
  | { id: number; op: 'detectDevPorts'; folder: string };

/**
 * One socket as a tuple: the structured-clone format repeats property names in every object, so a
 * tuple is about half the bytes and faster to deserialise. Owners are [index into processes, fd].
 */
export type CompactSocket = [
  protocol: SocketEntry['protocol'], family: SocketEntry['family'], localAddress: string, localPort: number,
  remoteAddress: string, remotePort: number, state: SocketEntry['state'], inode: number, uid: number,
  user: string, ownerVisible: boolean, owners: number[],
  /** The container and service behind the owners (the worker looks them up; src/core/owners). */
  container: ContainerOwner | null, service: ServiceOwner | null,
  /** How the kernel bound a listener (sock_diag via ss; null for connected sockets or when unknown). */
  boundDevice: string | null, ipv6Only: boolean | null,
];

export interface CompactSnapshot {
  takenAt: number;
  backend: string;
  stats: CollectStats;
  processes: ProcessInfo[];
  sockets: CompactSocket[];
}

/** The Ports view's answer: the port groups of a collection, or only their hash when the client has them. */
export interface GroupsAnswer {
  takenAt: number;
  backend: string;
  stats: CollectStats;
  /** of the groups' signature: equal hashes, equal views */
  hash: string;
  /** absent when they are the groups the client said it has */
  groups?: PortGroup[];
}

/** The collector worker's V8 isolate, in bytes, as V8 reports it inside the worker. */
export interface WorkerHeap {
  used: number;
  /** heap pages the isolate holds (resident), used or not */
  total: number;
  external: number;
  malloced: number;
}

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string; stack?: string };

export interface WorkerInit {
  backend?: BackendName;
}

/** The cache key of a collect request: everything but fullWalk (which changes how, not what, is collected). */
export function optionsKey(options: CollectOptions | undefined): string {
  const o = options ?? {};
  return JSON.stringify([o.listeningOnly === true, o.protocols ? [...o.protocols].sort() : null, o.owners !== false]);
}

export function compact(snap: Snapshot): CompactSnapshot {
  const index = new Map<string, number>();
  const processes: ProcessInfo[] = [];
  const sockets: CompactSocket[] = snap.sockets.map(s => {
    const owners: number[] = [];
    for (const o of s.processes) {
      const key = `${o.pid}@${o.startTime}`;
      let i = index.get(key);
      if (i === undefined) {
        i = processes.push({ pid: o.pid, ppid: o.ppid, name: o.name, commandLine: o.commandLine, cwd: o.cwd, user: o.user, startTime: o.startTime }) - 1;
        index.set(key, i);
      }
      owners.push(i, o.fd);
    }
    return [s.protocol, s.family, s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.inode, s.uid, s.user, s.ownerVisible, owners, s.container ?? null, s.service ?? null, s.boundDevice, s.ipv6Only];
  });
  return { takenAt: snap.takenAt, backend: snap.backend, stats: snap.stats, processes, sockets };
}

/**
 * Runs on the extension host's thread, so it is written for speed: object literals of a fixed shape
 * instead of spreads (3× faster at 10,000 sockets). The round-trip unit test catches a field added to
 * the model but not here.
 */
export function expand(c: CompactSnapshot): Snapshot {
  const procs = c.processes;
  // Structured clone gives every socket its own copy of "tcp", "LISTEN", "127.0.0.1" and its
  // user's name; a caller may hold the snapshot a while (a kill, Who Is Using Port), so one copy
  // of each is kept (an expanded snapshot of 11,000 listening sockets keeps 0.8 MB instead of
  // 2.1 MB, and 44,000 fewer objects survive into the host's old space at once).
  const seen = new Map<string, string>();
  const one = <S extends string>(x: S): S => {
    const v = seen.get(x);
    if (v !== undefined) { return v as S; }
    seen.set(x, x);
    return x;
  };
  const sockets: SocketEntry[] = c.sockets.map(t => {
    const owners = t[11];
    const processes: SocketOwner[] = [];
    for (let k = 0; k < owners.length; k += 2) {
      const p = procs[owners[k]];
      processes.push({ pid: p.pid, ppid: p.ppid, name: p.name, commandLine: p.commandLine, cwd: p.cwd, user: p.user, startTime: p.startTime, fd: owners[k + 1] });
    }
    return {
      protocol: one(t[0]), family: t[1], localAddress: one(t[2]), localPort: t[3], remoteAddress: one(t[4]), remotePort: t[5],
      state: one(t[6]), inode: t[7], uid: t[8], user: one(t[9]), ownerVisible: t[10], processes, container: t[12], service: t[13], boundDevice: t[14] === null ? null : one(t[14]), ipv6Only: t[15],
    };
  });
  return { takenAt: c.takenAt, backend: c.backend, stats: c.stats, sockets };
}
