// How long the Ports view's collection blocks the extension host's event loop: the collector on the
// calling thread (sync /proc walk) vs the same collector in a worker thread (what the extension does).
// Prints, per configuration, the collection time and the longest event-loop stall seen meanwhile
// (a 1 ms ticker records the largest gap between ticks). No assertions: numbers only.
//   node esbuild.mjs --tests && node out/bench/eventLoop.bench.js      (BENCH_N=1000,10000 BENCH_RUNS=10)
import * as path from 'node:path';
import { ProcfsCollector } from '../src/core/collect/procfsCollector';
import type { Collector } from '../src/core/model';
import { WorkerCollector } from '../src/extension/shared/collector/workerCollector';
import { startLoad } from './support/socketLoad';

const CONFIGS = (process.env.BENCH_N ?? '1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const WORKER = path.join(__dirname, '../src/extension/shared/collector/worker.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Runs one collection and reports its duration and the longest gap between 1 ms ticks meanwhile. */
async function measure(c: Collector, listeningOnly: boolean): Promise<{ ms: number; stall: number }> {
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => { const now = performance.now(); stall = Math.max(stall, now - last); last = now; }, 1);
  await new Promise(r => setTimeout(r, 5)); // let the ticker settle
  last = performance.now();
  const t0 = performance.now();
  await c.collect({ listeningOnly });
  const ms = performance.now() - t0;
  await new Promise(r => setTimeout(r, 2));
  clearInterval(tick);
  stall = Math.max(stall, performance.now() - last);
  return { ms, stall };
}

async function main(): Promise<void> {
  console.log('collection time and longest event-loop stall (ms, medians), listening sockets only, warm cache');
  console.log('"worker, changed": the client forgets its last snapshot first, so the whole (compact) snapshot crosses over');
  console.log('listeners | in-thread: collect  stall | worker, unchanged: collect  stall | worker, changed: collect  stall');
  for (const n of CONFIGS) {
    const load = await startLoad(n, 0, 0, 4);
    try {
      const inThread = new ProcfsCollector();
      const worker = new WorkerCollector({ scriptPath: WORKER, onFallback: r => { throw new Error(`worker fell back: ${r}`); } });
      await inThread.collect({ listeningOnly: true });
      await worker.collect({ listeningOnly: true });
      const a: { ms: number; stall: number }[] = [];
      const b: { ms: number; stall: number }[] = [];
      const d: { ms: number; stall: number }[] = [];
      const forget = () => (worker as unknown as { last: Map<string, unknown> }).last.clear();
      for (let i = 0; i < RUNS; i++) {
        a.push(await measure(inThread, true));
        b.push(await measure(worker, true));
        forget();
        d.push(await measure(worker, true));
      }
      worker.dispose();
      const f = (x: number) => x.toFixed(1).padStart(7);
      console.log(`${String(n).padStart(9)} | ${f(median(a.map(x => x.ms)))} ${f(median(a.map(x => x.stall)))} | ${f(median(b.map(x => x.ms)))} ${f(median(b.map(x => x.stall)))} | ${f(median(d.map(x => x.ms)))} ${f(median(d.map(x => x.stall)))}`);
    } finally {
      await load.stop();
    }
  }
}

main().catch(e => { console.error(e); process.exit(1); });
