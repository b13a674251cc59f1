// npm run bench: the engine against ss -tunap and lsof -nP -i, side by side in one run, with a
// bare `node -e 0` timed alongside (what the runtime's start-up alone costs the CLI).
//
// Shapes (BENCH_SHAPES selects some by name, comma-separated; BENCH_N the sizes of the first):
// - "N=…": N TCP listeners, N/10 UDP sockets and N/2 established connections over 4 processes;
// - "one process": 10,000 listeners, 1,000 UDP sockets and 500 connected pairs, all in one process
//   (one large fd table: the CLI's owner pass is slowest there);
// - "many processes": 40 processes with 1,000 listeners and 10,000 established connections
//   between them (many fd tables, a big TCP table).
//
// Each configuration runs in a fresh network namespace (unshare -n, when root) so the socket
// tables hold only its own sockets (no TIME_WAIT left over from the previous one, none of the
// machine's services). The fd walk still covers every process on the machine, as it does for ss.
// Runs are interleaved round-robin so that drift in machine load hits every tool alike.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLoad } from './support/socketLoad';
import { ProcfsCollector } from '../src/core/collect/procfsCollector';
import { median, timeCommand } from './support/timing';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Shape { name: string; listeners: number; udp: number; established: number; procs: number }
const SHAPES: Shape[] = [
  ...(process.env.BENCH_N ?? '100,1000,10000').split(',').map(Number).map(n => ({ name: `N=${n}`, listeners: n, udp: Math.round(n / 10), established: Math.round(n / 2), procs: 4 })),
  { name: 'one process', listeners: 10_000, udp: 1_000, established: 500, procs: 1 },
  { name: 'many processes', listeners: 1_000, udp: 0, established: 10_000, procs: 40 },
];
const wanted = process.env.BENCH_SHAPES?.split(',').map(s => s.trim());
const CONFIGS = wanted ? SHAPES.filter(s => wanted.some(w => s.name === w || s.name.startsWith(`${w}`))) : SHAPES;

interface Row { shape: string; rows: number; fds: number; procs: number; medians: Record<string, number>; ranges: Record<string, [number, number]> }




/** collect(), the path the extension's worker takes: with `ss` for listening sockets not seen before. */
async function timeAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function countFds(): number {
  let n = 0;
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) { continue; }
    try { n += fs.readdirSync(`/proc/${p}/fd`).length; } catch { /* gone or denied */ }
  }
  return n;
}

async function measureOne(shape: Shape): Promise<Row> {
  const load = await startLoad(shape.listeners, shape.udp, shape.established, shape.procs);
  try {
    const hasLsof = spawnSync('lsof', ['-v'], { stdio: 'ignore' }).error === undefined;
    const big = shape.listeners + shape.established >= 10_000;
    const samples: Record<string, number[]> = { 'node -e 0': [], 'ss -tunap': [], 'ss -tulneH (socket attributes)': [], 'lsof -nP -i': [], 'CLI list (process)': [], 'CLI list --no-cache (process)': [], 'engine cold (in-process)': [], 'engine warm (in-process)': [] };
    // The CLI's owner cache as a user's second run finds it.
    spawnSync(process.execPath, [cli, 'list'], { stdio: 'ignore' });
    const warm = new ProcfsCollector();
    await warm.collect();
    const rows = (await warm.collect()).sockets.length;
    for (let i = 0; i < RUNS; i++) {
      samples['node -e 0'].push(await timeCommand(process.execPath, ['-e', '0']));
      samples['ss -tunap'].push(await timeCommand('ss', ['-tunap']));
      samples['ss -tulneH (socket attributes)'].push(await timeCommand('ss', ['-tulneH']));
      if (hasLsof && (i < 5 || !big)) { samples['lsof -nP -i'].push(await timeCommand('lsof', ['-nP', '-i'])); }
      samples['CLI list (process)'].push(await timeCommand(process.execPath, [cli, 'list']));
      samples['CLI list --no-cache (process)'].push(await timeCommand(process.execPath, [cli, 'list', '--no-cache']));
      samples['engine cold (in-process)'].push(await timeAsync(() => new ProcfsCollector().collect()));
      samples['engine warm (in-process)'].push(await timeAsync(() => warm.collect()));
    }
    const medians: Record<string, number> = {};
    const ranges: Record<string, [number, number]> = {};
    for (const [k, v] of Object.entries(samples)) { if (v.length) { medians[k] = median(v); ranges[k] = [Math.min(...v), Math.max(...v)]; } }
    return { shape: shape.name, rows, fds: countFds(), procs: fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).length, medians, ranges };
  } finally {
    await load.stop();
  }
}

function report(results: Row[]): string {
  const keys = Object.keys(results[0].medians);
  const head = `| | ${results.map(r => r.shape).join(' | ')} |\n|---|${results.map(() => '---').join('|')}|\n`;
  const info = `| socket rows / fds / processes on the machine | ${results.map(r => `${r.rows} / ${r.fds} / ${r.procs}`).join(' | ')} |\n`;
  const lines = keys.map(k => `| ${k} (ms) | ${results.map(r => r.medians[k]?.toFixed(1) ?? '–').join(' | ')} |`).join('\n') + '\n';
  const ss = (r: Row) => r.medians['ss -tunap'];
  const cliLsof = (r: Row) => r.medians['lsof -nP -i'] ? (r.medians['CLI list (process)'] / r.medians['lsof -nP -i']).toFixed(2) : '–';
  const ratios = [
    `| CLI list ÷ lsof -nP -i (target ≤ 0.8) | ${results.map(cliLsof).join(' | ')} |`,
    `| (CLI list − node -e 0) ÷ ss -tunap (target ≤ 1) | ${results.map(r => ((r.medians['CLI list (process)'] - r.medians['node -e 0']) / ss(r)).toFixed(2)).join(' | ')} |`,
    `| CLI list ÷ ss -tunap | ${results.map(r => (r.medians['CLI list (process)'] / ss(r)).toFixed(2)).join(' | ')} |`,
    `| CLI list --no-cache ÷ ss -tunap | ${results.map(r => (r.medians['CLI list --no-cache (process)'] / ss(r)).toFixed(2)).join(' | ')} |`,
    `| warm refresh ÷ ss -tunap (target ≤ 0.3) | ${results.map(r => (r.medians['engine warm (in-process)'] / ss(r)).toFixed(2)).join(' | ')} |`,
    `| lsof -nP -i ÷ CLI list (target ≥ 2) | ${results.map(r => r.medians['lsof -nP -i'] ? (r.medians['lsof -nP -i'] / r.medians['CLI list (process)']).toFixed(2) : '–').join(' | ')} |`,
  ].join('\n') + '\n';
  return head + info + lines + ratios;
}

async function main(): Promise<void> {
  const one = process.argv.indexOf('--one');
  if (one >= 0) {
    // Inside the namespace: measure one configuration and hand the numbers back as JSON.
    const r = await measureOne(JSON.parse(process.argv[one + 1]) as Shape);
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  if (!fs.existsSync(cli)) { throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first'); }
  const isolate = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
  console.log(`collector benchmark: ${RUNS} runs per tool, medians; ${isolate ? 'each configuration in its own network namespace' : 'NOT isolated (needs root + unshare): other sockets on the machine count too'}`);
  const results: Row[] = [];
  for (const shape of CONFIGS) {
    const args = [__filename, '--one', JSON.stringify(shape)];
    const r = isolate
      ? spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] })
      : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) { throw new Error(`configuration ${shape.name} failed (exit ${r.status})`); }
    const row = JSON.parse(r.stdout.trim().split('\n').pop()!) as Row;
    results.push(row);
    console.log(`${shape.name}: ${Object.entries(row.medians).map(([k, v]) => `${k} ${v.toFixed(1)} (${row.ranges[k].map(x => x.toFixed(0)).join('–')})`).join('; ')}`);
  }
  const table = report(results);
  console.log('\n' + table);
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results/collector.md'), table);
}

main().catch(e => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
