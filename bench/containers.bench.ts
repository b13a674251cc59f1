// npm run bench:containers: what looking up container owners adds to the Ports view's warm refresh,
// with 20 containers publishing a port each (20 docker-proxy listeners) on a real dockerd that this
// benchmark starts in a network namespace of its own, plus 1,000 ordinary listeners over 4
// processes. `ss -tunap` runs side by side in the same namespace; runs are interleaved round-robin.
//
//   warm refresh            ProcfsCollector.collectSync() on a warm collector (what the worker did before)
//   warm refresh + owners   the same, then OwnerEnricher.enrich() on a warm enricher (what it does now)
//   owners alone (warm)     only the enrich() part of the line above
//   owners, first look      enrich() with a fresh enricher: reads every owner's cgroup, asks the engine once
//
// Needs root and Docker (apt-get install docker.io busybox-static), like the container tests.
import * as path from 'node:path';
import { ProcfsCollector } from '../src/core/collect/procfsCollector';
import { OwnerEnricher } from '../src/core/owners/ownerEnricher';
import { startLoad } from './support/socketLoad';
import { median, timeCommand } from './support/timing';
import { dockerUnavailable, TestEngine } from '../test/unit/support/dockerEngine';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 20);
const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 1000);

function timeSync(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function timeAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Inside the engine's namespace: the measurements, as one JSON line. */
async function inside(): Promise<void> {
  const load = await startLoad(LISTENERS, 0, 0, 4);
  try {
    const plain = new ProcfsCollector();
    const withOwners = new ProcfsCollector();
    const enricher = new OwnerEnricher();
    plain.collectSync();
    await enricher.enrich(withOwners.collectSync());
    const first = await enricher.enrich(withOwners.collectSync());
    const containers = new Set(first.sockets.filter(s => s.container && !s.container.error).map(s => s.container!.id)).size;
    const samples: Record<string, number[]> = { 'ss -tunap': [], 'warm refresh': [], 'warm refresh + owners': [], 'owners, first look': [], 'owners alone (warm)': [] };
    const requestsBefore = enricher.requests;
    for (let i = 0; i < RUNS; i++) {
      samples['ss -tunap'].push(await timeCommand('ss', ['-tunap']));
      samples['warm refresh'].push(timeSync(() => plain.collectSync()));
      samples['warm refresh + owners'].push(await timeAsync(() => enricher.enrich(withOwners.collectSync())));
      const snap = withOwners.collectSync();
      samples['owners alone (warm)'].push(await timeAsync(() => enricher.enrich(snap)));
      const fresh = new OwnerEnricher();
      samples['owners, first look'].push(await timeAsync(() => fresh.enrich(snap)));
    }
    const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const ranges = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, [Math.min(...v), Math.max(...v)]]));
    process.stdout.write(JSON.stringify({ rows: first.sockets.length, containers, warmRequests: enricher.requests - requestsBefore, medians, ranges }) + '\n');
  } finally {
    await load.stop();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--inside')) { await inside(); return; }
  const why = dockerUnavailable();
  if (why) { console.error(`bench:containers cannot run: ${why}`); process.exit(1); }
  const engine = new TestEngine('bench');
  try {
    await engine.start();
    const base = 21000;
    for (let i = 0; i < CONTAINERS; i++) { await engine.run(['--name', `bench-${i}`, '-p', `127.0.0.1:${base + i}:80`]); }
    const r = await engine.exec(process.execPath, [path.join(__dirname, 'containers.bench.js'), '--inside'], {}, 600_000);
    if (r.code !== 0) { throw new Error(`measurement failed: ${r.stderr.trim()}`); }
    const row = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; containers: number; warmRequests: number; medians: Record<string, number>; ranges: Record<string, [number, number]> };
    console.log(`containers benchmark: ${RUNS} runs, medians (min–max) in ms; ${row.rows} sockets, ${row.containers} containers named, engine requests during the warm runs: ${row.warmRequests}`);
    for (const [k, v] of Object.entries(row.medians)) { console.log(`  ${k.padEnd(24)} ${v.toFixed(2)}  (${row.ranges[k].map(x => x.toFixed(2)).join('–')})`); }
    const m = row.medians;
    console.log(`  warm refresh + owners ÷ warm refresh (target ≤ 1.10): ${(m['warm refresh + owners'] / m['warm refresh']).toFixed(3)}`);
    console.log(`  warm refresh + owners ÷ ss -tunap: ${(m['warm refresh + owners'] / m['ss -tunap']).toFixed(3)}; warm refresh ÷ ss -tunap: ${(m['warm refresh'] / m['ss -tunap']).toFixed(3)}`);
  } finally {
    await engine.destroy();
  }
}

main().catch(e => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
