// Messages between the extension host and the collector worker. Plain data only (structured clone).
//
// Snapshots travel in a compact form: each process once in a table, sockets pointing at it by index.
// A plain Snapshot repeats every owner's command line on each of its sockets (15 MB for 10,000
// listeners of four processes), and deserialising that on the extension host's thread would stall it
// as long as collecting in place does. And when nothing changed since the last answer for the same
// options, the worker only says so (the view's every-2-s refresh on a quiet machine).
import type { BackendName } from '../../core/collect/createCollector';
import type { CollectOptions, CollectStats, ProcessInfo, Snapshot, SocketEntry, SocketOwner } from '../../core/model';

export type WorkerRequest =
  | { id: number; op: 'collect'; options?: CollectOptions; /** hash of the client's last snapshot for these options */ have?: string }
  | { id: number; op: 'processInfo'; pid: number };

export type CompactSocket = Omit<SocketEntry, 'processes'> & { owners: [number, number][] };

export interface CompactSnapshot {
  takenAt: number;
  backend: string;
  stats: CollectStats;
  hash: string;
  /** absent when `unchanged` */
  processes?: ProcessInfo[];
  sockets?: CompactSocket[];
  unchanged?: boolean;
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

export function compact(snap: Snapshot): Omit<CompactSnapshot, 'hash'> {
  const index = new Map<string, number>();
  const processes: ProcessInfo[] = [];
  const sockets: CompactSocket[] = snap.sockets.map(s => {
    const { processes: owners, ...rest } = s;
    return {
      ...rest,
      owners: owners.map(o => {
        const key = `${o.pid}@${o.startTime}`;
        let i = index.get(key);
        if (i === undefined) {
          const { fd: _fd, ...info } = o;
          i = processes.push(info) - 1;
          index.set(key, i);
        }
        return [i, o.fd];
      }),
    };
  });
  return { takenAt: snap.takenAt, backend: snap.backend, stats: snap.stats, processes, sockets };
}

export function expand(c: CompactSnapshot): Snapshot {
  const procs = c.processes ?? [];
  const sockets: SocketEntry[] = (c.sockets ?? []).map(s => {
    const { owners, ...rest } = s;
    return { ...rest, processes: owners.map(([i, fd]): SocketOwner => ({ ...procs[i], fd })) };
  });
  return { takenAt: c.takenAt, backend: c.backend, stats: c.stats, sockets };
}
