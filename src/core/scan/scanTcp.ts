// Runs the TCP engine over a port list: in this thread for small scans, split over worker threads
// for large ones (a loopback scan is CPU-bound, and a second thread nearly halves it on 2 cores).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runTcpEngine, type TcpEngineConfig, type TcpEngineMessage, type TcpEngineStats } from './tcpEngine';

export interface TcpRunOptions {
  address: string;
  family: 4 | 6;
  ports: readonly number[];
  /** Total sockets in flight (all workers together). */
  concurrency: number;
  workers: number;
  initialTimeoutMs: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  retries: number;
  forceNet?: boolean;
  signal?: AbortSignal;
  /** Flattened [port, state, reason] triples (codes from TCP_STATE / TCP_REASON). */
  onResults(data: readonly number[]): void;
}

export interface TcpRunStats extends TcpEngineStats { workers: number }

/** Large scans get worker threads; small ones are not worth a thread's start-up (~30 ms). */
export function defaultTcpWorkers(portCount: number): number {
  return portCount >= 4096 ? Math.min(2, Math.max(1, availableParallelism())) : 1;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const run = (${runTcpEngine.toString()});
const ctl = run(workerData, (m) => parentPort.postMessage(m));
parentPort.on('message', (m) => { if (m === 'cancel') ctl.cancel(); });
`;

export function runTcpScan(o: TcpRunOptions): Promise<TcpRunStats> {
  const workers = Math.max(1, Math.min(o.workers, o.ports.length || 1));
  const base = (ports: number[], concurrency: number, noStack: boolean): TcpEngineConfig => ({
    address: o.address, family: o.family, ports, concurrency, initialTimeoutMs: o.initialTimeoutMs,
    minTimeoutMs: o.minTimeoutMs, maxTimeoutMs: o.maxTimeoutMs, retries: o.retries, noStack, forceNet: o.forceNet ?? false,
  });
  if (o.signal?.aborted) {
    return Promise.resolve(emptyStats(workers, true));
  }
  if (workers === 1) {
    return new Promise(resolve => {
      let settled = false;
      const onAbort = () => ctl.cancel();
      const ctl = runTcpEngine(base([...o.ports], o.concurrency, false), (m: TcpEngineMessage) => {
        if (m.type === 'results') { o.onResults(m.data); return; }
        settled = true;
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ ...m.stats, workers: 1 });
      });
      if (!settled) { o.signal?.addEventListener('abort', onAbort, { once: true }); }
    });
  }
  // Interleave ports so every worker gets the same mix of open/closed/filtered ranges.
  const slices: number[][] = Array.from({ length: workers }, () => []);
  o.ports.forEach((p, i) => slices[i % workers].push(p));
  const per = Math.max(1, Math.floor(o.concurrency / workers));
  return new Promise((resolve, reject) => {
    const stats: TcpEngineStats[] = [];
    const threads: Worker[] = [];
    let failed = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      for (const w of threads) { w.postMessage('cancel'); }
      // A worker stuck in a long synchronous stretch still gets stopped; terminating closes its handles.
      killTimer = setTimeout(() => { for (const w of threads) { void w.terminate(); } }, 120);
    };
    const finishAll = () => {
      if (killTimer) { clearTimeout(killTimer); }
      o.signal?.removeEventListener('abort', onAbort);
      void Promise.all(threads.map(w => w.terminate())).then(() => {
        const sum = (k: 'probes' | 'maxInFlight' | 'selfConnects' | 'localErrors') => stats.reduce((a, s) => a + s[k], 0);
        resolve({
          probes: sum('probes'), maxInFlight: sum('maxInFlight'), selfConnects: sum('selfConnects'), localErrors: sum('localErrors'),
          finalTimeoutMs: Math.max(...stats.map(s => s.finalTimeoutMs)),
          srttMs: Math.max(...stats.map(s => s.srttMs)),
          cancelled: stats.some(s => s.cancelled) || (o.signal?.aborted ?? false),
          usedBinding: stats.every(s => s.usedBinding), workers,
        });
      });
    };
    const reported = new Set<Worker>();
    for (const slice of slices) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: base(slice, per, true) });
      threads.push(w);
      w.on('message', (m: TcpEngineMessage) => {
        if (m.type === 'results') { o.onResults(m.data); return; }
        reported.add(w);
        stats.push(m.stats);
        if (reported.size === workers) { finishAll(); }
      });
      w.on('error', e => {
        if (failed) { return; }
        failed = true;
        for (const t of threads) { void t.terminate(); }
        reject(e);
      });
      w.on('exit', () => {
        if (failed || reported.has(w)) { return; }
        reported.add(w);
        if (!o.signal?.aborted) {
          failed = true;
          for (const t of threads) { void t.terminate(); }
          reject(new Error('a scan worker thread stopped unexpectedly'));
          return;
        }
        // Terminated by the abort fallback before it could report: a cancelled share.
        stats.push({ ...cancelledMarker });
        if (reported.size === workers) { finishAll(); }
      });
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const cancelledMarker: TcpEngineStats = {
  probes: 0, maxInFlight: 0, selfConnects: 0, localErrors: 0, finalTimeoutMs: 0, srttMs: -1, cancelled: true, usedBinding: true,
};

function emptyStats(workers: number, cancelled: boolean): TcpRunStats {
  return { ...cancelledMarker, cancelled, workers };
}
