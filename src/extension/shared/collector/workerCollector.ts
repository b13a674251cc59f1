// A Collector that forwards to a collector running in a worker thread (see worker.ts), so the
// extension host's event loop stays free while /proc is walked. Started on first use; if the worker
// dies it is restarted on the next call; if it cannot be started at all, collection falls back to
// the calling thread (slower for the UI, but correct) and says so once through `onFallback`.
// No `vscode` import: unit-tested in plain Node.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import type { CollectOptions, Collector, PortCheckResult, PortProbeSpec, ProcessInfo, Snapshot } from '../../../core/model';
import { createCollector } from '../../../core/collect/createCollector';
import { defaultBackend } from '../../../core/platform/platformRules';
import type { Detection } from '../../../core/workspace/devPortTypes';
import { detectDevPortsInFolder } from '../../../core/workspace/readDevPortFiles';
import type { SocketEntry } from '../../../core/model';
import { expand, type CompactSnapshot, type GroupsAnswer, type WorkerHeap, type WorkerInit, type WorkerRequest, type WorkerResponse } from './protocol';
import { groupsAnswer } from './groupsAnswer';
import { recentLocalhostOrder } from '../../../core/splitListeners';
import { SentSnapshots } from './sentSnapshots';

/** Young-generation size of the worker's heap (V8's default is several times larger). */
const WORKER_YOUNG_GENERATION_MB = 4;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Body = { op: 'collect'; options?: CollectOptions } | { op: 'collectGroups'; options?: CollectOptions; have?: string } | { op: 'probePorts'; specs: PortProbeSpec[] } | { op: 'processInfo'; pid: number } | { op: 'detectDevPorts'; folder: string } | { op: 'heap' };

export interface WorkerCollectorOptions {
  /** Absolute path of the built worker script (dist/collectorWorker.js, or out/… in unit tests). */
  scriptPath: string;
  backend?: WorkerInit['backend'];
  onFallback?: (reason: string) => void;
}

export class WorkerCollector implements Collector {
  readonly name: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private fallback: Collector | undefined;
  private disposed = false;
  /** Workers started so far (1 in normal life; more after crashes). */
  starts = 0;
  /** Group collections answered with "unchanged" (nothing had to cross the thread boundary). */
  unchangedAnswers = 0;
  /** What the fallback's group answers were built from (the worker keeps its own). */
  private readonly fallbackSent = new SentSnapshots<SocketEntry>();

  constructor(private readonly options: WorkerCollectorOptions) {
    this.name = options.backend ?? defaultBackend();
  }

  get threadId(): number | undefined { return this.worker?.threadId; }

  async collect(options?: CollectOptions): Promise<Snapshot> {
    if (this.fallback) { return this.fallback.collect(options); }
    const res = await this.call({ op: 'collect', options });
    // when the worker could not start, res came from the fallback
    return this.fallback ? res as Snapshot : expand(res as CompactSnapshot);
  }

  /**
   * The Ports view's collection: the port groups, grouped where the sockets were read, or only
   * their hash when they equal the groups of `have` (the hash of the client's last answer).
   */
  async collectGroups(options: CollectOptions | undefined, have: string | undefined): Promise<GroupsAnswer> {
    const answer = await this.call({ op: 'collectGroups', options, have }) as GroupsAnswer;
    if (!answer.groups) { this.unchangedAnswers++; }
    return answer;
  }

  /** The worker's V8 heap (bytes), as the worker reports it, or undefined when no worker runs. */
  async heapStatistics(): Promise<WorkerHeap | undefined> {
    if (this.fallback || !this.worker) { return undefined; }
    return this.call({ op: 'heap' }) as Promise<WorkerHeap>;
  }

  /** Answered in the worker, with the same owner index the view's collections keep warm. */
  probePorts(specs: readonly PortProbeSpec[]): Promise<PortCheckResult[]> {
    // Plain copies: the specs may carry more fields (sources) than the worker needs.
    return this.call({ op: 'probePorts', specs: specs.map(s => ({ port: s.port, protocol: s.protocol })) }) as Promise<PortCheckResult[]>;
  }

  processInfo(pid: number): Promise<ProcessInfo | undefined> {
    return this.call({ op: 'processInfo', pid }) as Promise<ProcessInfo | undefined>;
  }

  /**
   * Dev-port detection of one folder, in the worker: the folder's files are the repository's, and
   * reading and parsing them must not hold up the extension host.
   */
  detectDevPorts(folder: string): Promise<Detection> {
    return this.call({ op: 'detectDevPorts', folder }) as Promise<Detection>;
  }

  private call(body: Body): Promise<unknown> {
    if (this.disposed) { return Promise.reject(new Error('the collector was disposed')); }
    const worker = this.fallback ? undefined : this.ensureWorker();
    if (!worker) {
      const c = this.fallback!;
      if (body.op === 'detectDevPorts') { return detectDevPortsInFolder(body.folder); }
      if (body.op === 'heap') { return Promise.resolve(undefined); }
      if (body.op === 'collectGroups') { return c.collect(body.options).then(snap => groupsAnswer(snap, body.options, body.have, this.fallbackSent, false, recentLocalhostOrder())); }
      return body.op === 'collect' ? c.collect(body.options) : body.op === 'probePorts' ? c.probePorts(body.specs) : c.processInfo(body.pid);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...body } as WorkerRequest);
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) { return this.worker; }
    const why = !existsSync(this.options.scriptPath) ? `worker script not found: ${this.options.scriptPath}` : undefined;
    let worker: Worker | undefined;
    let startError = why;
    if (!startError) {
      try {
        worker = new Worker(this.options.scriptPath, {
          workerData: { backend: this.options.backend } satisfies WorkerInit,
          // A walk allocates short-lived strings for every fd it reads: a small young generation is
          // collected often and keeps the process's resident memory near what the worker holds.
          resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
      } catch (e) {
        startError = `cannot start the collector worker: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (!worker) {
      this.fallback = createCollector(this.options.backend);
      this.options.onFallback?.(startError ?? 'unknown');
      return undefined;
    }
    this.starts++;
    // An idle worker must not keep the process alive (CLI-like hosts, test runners); it is ref'd
    // only while a request is outstanding.
    worker.unref();
    worker.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) { return; }
      this.pending.delete(res.id);
      if (this.pending.size === 0) { worker.unref(); }
      if (res.ok) { p.resolve(res.result); } else {
        const err = new Error(res.message);
        if (res.stack) { err.stack = res.stack; }
        p.reject(err);
      }
    });
    const fail = (err: Error) => {
      if (this.worker !== worker) { return; }
      this.worker = undefined;
      for (const p of this.pending.values()) { p.reject(err); }
      this.pending.clear();
    };
    worker.on('error', e => fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', code => fail(new Error(`the collector worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) { p.reject(new Error('the collector was disposed')); }
    this.pending.clear();
    void w?.terminate();
  }
}
