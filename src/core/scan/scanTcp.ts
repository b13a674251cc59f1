// Runs a TCP scan in rounds (tcpPlan.ts decides them) over one or more lanes: a TcpProber in this
// thread for small scans, or scan worker threads for large ones (a loopback scan is CPU-bound, and
// a second thread nearly halves it on 2 cores). Ports are interleaved over the lanes so each gets
// the same mix of open, closed and filtered ranges; a paced round splits its rate among them.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerCommand } from './scanWorker';
import { TcpPlan } from './tcpPlan';
import { TCP_REASON, TCP_STATE, TcpProber, type ProberConfig, type ProberMessage, type RoundReport, type RoundRequest } from './tcpRound';
import type { NetworkReport, ProbeRunStats } from './types';

export interface TcpRunOptions {
  address: string;
  family: 4 | 6;
  ports: readonly number[];
  /** Total sockets in flight (all lanes together). */
  concurrency: number;
  workers: number;
  initialTimeoutMs: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Re-send rounds made at least (more while re-sends keep bringing answers). */
  retries: number;
  forceNet?: boolean;
  signal?: AbortSignal;
  /** Flattened [port, state, reason] triples (codes from TCP_STATE / TCP_REASON). */
  onResults(data: readonly number[]): void;
  /** Where the worker script is (default: scanWorker.js next to this module or bundle). */
  workerScript?: string;
  /** Probe in a worker thread even when one lane is enough (the extension host's thread stays free). */
  inWorker?: boolean;
}

export interface TcpRunStats extends ProbeRunStats {
  usedBinding: boolean;
  workers: number;
  network: NetworkReport;
}

/** Large scans get worker threads; small ones are not worth a thread's start-up (~30 ms). */
export function defaultTcpWorkers(portCount: number): number {
  return portCount >= 4096 ? Math.min(2, Math.max(1, availableParallelism())) : 1;
}

/** How long a cancelled worker may take to report its last results before it is terminated. */
const CANCEL_GRACE_MS = 40;

/** A round spread over fewer ports than this runs on one lane. */
const SPLIT_ABOVE = 512;

interface Lane {
  run(req: RoundRequest): Promise<RoundReport>;
  cancel(): void;
  close(): Promise<void>;
}

function threadLane(cfg: ProberConfig, onResults: (d: number[]) => void): Lane {
  const prober = new TcpProber(cfg);
  return {
    run: req => new Promise(resolve => {
      prober.run(req, m => { if (m.type === 'results') { onResults(m.data); } else { resolve(m.report); } });
    }),
    cancel: () => prober.cancel(),
    close: () => Promise.resolve(),
  };
}

function workerLane(script: string, cfg: ProberConfig, onResults: (d: number[]) => void, onFailure: (e: Error) => void): Lane {
  const w = new Worker(script, { workerData: cfg });
  let waiting: ((r: RoundReport) => void) | undefined;
  let closing = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  w.on('message', (m: ProberMessage) => {
    if (m.type === 'results') { onResults(m.data); return; }
    const done = waiting;
    waiting = undefined;
    done?.(m.report);
  });
  w.on('error', e => { if (!closing) { onFailure(e); } });
  w.on('exit', () => {
    if (killTimer) { clearTimeout(killTimer); }
    // Terminated while a round ran (cancel fallback): that round ends cancelled.
    const done = waiting;
    waiting = undefined;
    done?.(cancelledReport(cfg));
    if (!closing && !done) { onFailure(new Error('a scan worker thread stopped unexpectedly')); }
  });
  const send = (c: WorkerCommand) => w.postMessage(c);
  return {
    run: req => new Promise(resolve => { waiting = resolve; send({ type: 'round', req }); }),
    cancel: () => {
      closing = true;
      send({ type: 'cancel' });
      // A worker that does not answer at once (a busy stretch, a loaded machine) is terminated:
      // that stops it mid-statement and closes its sockets; only its last unsent batch is lost.
      killTimer = setTimeout(() => { void w.terminate(); }, CANCEL_GRACE_MS);
    },
    close: async () => { closing = true; if (killTimer) { clearTimeout(killTimer); } await w.terminate(); },
  };
}

function cancelledReport(cfg: ProberConfig): RoundReport {
  return {
    silent: [], sent: 0, answers: 0, durationMs: 0, answerRate: 0, sendRate: 0, maxInFlight: 0, selfConnects: 0,
    localErrors: 0, timeoutMs: cfg.initialTimeoutMs, srttMs: -1, cwnd: 0, cancelled: true, usedBinding: true,
  };
}

export function scanWorkerScript(): string {
  return path.join(__dirname, 'scanWorker.js');
}

export async function runTcpScan(o: TcpRunOptions): Promise<TcpRunStats> {
  const script = o.workerScript ?? scanWorkerScript();
  // Without the worker script (an unusual bundle) the scan still runs, on this thread.
  const haveScript = existsSync(script);
  const count = haveScript ? Math.max(1, Math.min(o.workers, Math.ceil(o.ports.length / SPLIT_ABOVE) || 1)) : 1;
  const threads = haveScript && (count > 1 || o.inWorker === true);
  const cfg: ProberConfig = {
    address: o.address, family: o.family, initialTimeoutMs: o.initialTimeoutMs, minTimeoutMs: o.minTimeoutMs,
    maxTimeoutMs: o.maxTimeoutMs, window: Math.max(1, Math.floor(o.concurrency / count)), forceNet: o.forceNet ?? false,
  };
  const plan = new TcpPlan(o.retries);
  const stats = { probes: 0, maxInFlight: 0, selfConnects: 0, localErrors: 0, finalTimeoutMs: o.initialTimeoutMs, srttMs: -1, cancelled: false, usedBinding: true };
  let answered = 0;
  const onResults = (d: number[]) => { answered += d.length / 3; o.onResults(d); };
  if (o.signal?.aborted) {
    return { ...stats, cancelled: true, workers: threads ? count : 0, network: plan.network(0, 0) };
  }
  let failure: Error | undefined;
  let failed: (() => void) | undefined;
  const failedPromise = new Promise<void>(resolve => { failed = resolve; });
  const lanes: Lane[] = !threads ? [threadLane(cfg, onResults)]
    : Array.from({ length: count }, () => workerLane(script, cfg, onResults, e => { failure ??= e; failed?.(); }));
  const onAbort = () => { for (const l of lanes) { l.cancel(); } };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let todo: readonly number[] = o.ports;
    let req = { resend: false, ratePerSec: 0 };
    for (;;) {
      const use = todo.length > SPLIT_ABOVE ? lanes.length : 1;
      const slices: number[][] = Array.from({ length: use }, () => []);
      todo.forEach((p, i) => slices[i % use].push(p));
      const round = Promise.all(slices.map((ports, i) => lanes[i].run({ ports, resend: req.resend, ratePerSec: req.ratePerSec / use })));
      const reports = await Promise.race([round, failedPromise.then(() => undefined)]);
      if (!reports) { throw failure ?? new Error('a scan worker failed'); }
      const silent = reports.flatMap(r => r.silent).sort((a, b) => a - b);
      const sum = (k: 'sent' | 'answers' | 'answerRate' | 'sendRate') => reports.reduce((a, r) => a + r[k], 0);
      for (const r of reports) {
        stats.probes += r.sent; stats.selfConnects += r.selfConnects; stats.localErrors += r.localErrors;
        stats.usedBinding &&= r.usedBinding;
        if (!r.cancelled) { stats.finalTimeoutMs = r.timeoutMs; stats.srttMs = Math.max(stats.srttMs, r.srttMs); }
      }
      stats.maxInFlight = Math.max(stats.maxInFlight, reports.reduce((a, r) => a + r.maxInFlight, 0));
      if (reports.some(r => r.cancelled) || o.signal?.aborted) { stats.cancelled = true; break; }
      const next = plan.next({ sent: sum('sent'), answers: sum('answers'), silent: silent.length, answerRate: sum('answerRate'), sendRate: sum('sendRate'), ratePerSec: req.ratePerSec });
      if (next.stop) {
        const data: number[] = [];
        for (const p of silent) { data.push(p, TCP_STATE.filtered, TCP_REASON['no-response']); }
        if (data.length > 0) { o.onResults(data); }
        break;
      }
      todo = silent;
      req = { resend: true, ratePerSec: next.ratePerSec };
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await Promise.all(lanes.map(l => l.close()));
  }
  return { ...stats, workers: threads ? count : 0, network: plan.network(stats.probes, answered) };
}
