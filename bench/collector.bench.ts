// npm run bench: the engine against ss -tunap and lsof -nP -i, side by side in one run.
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
const CONFIGS = (process.env.BENCH_N ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Row { n: number; rows: number; fds: number; medians: Record<string, number> }



function timeSync(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
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

async function measureOne(n: number): Promise<Row> {
  const load = await startLoad(n, Math.round(n / 10), Math.round(n / 2), 4);
  try {
    const hasLsof = spawnSync('lsof', ['-v'], { stdio: 'ignore' }).error === undefined;
    const samples: Record<string, number[]> = { 'ss -tunap': [], 'lsof -nP -i': [], 'CLI list (process)': [], 'CLI list --no-cache (process)': [], 'engine cold (in-process)': [], 'engine warm (in-process)': [] };
    const warm = new ProcfsCollector();
    warm.collectSync();
    const rows = warm.collectSync().sockets.length;
    for (let i = 0; i < RUNS; i++) {
      samples['ss -tunap'].push(await timeCommand('ss', ['-tunap']));
      if (hasLsof && (i < 5 || n < 10000)) { samples['lsof -nP -i'].push(await timeCommand('lsof', ['-nP', '-i'])); }
      samples['CLI list (process)'].push(await timeCommand(process.execPath, [cli, 'list']));
      samples['CLI list --no-cache (process)'].push(await timeCommand(process.execPath, [cli, 'list', '--no-cache']));
      samples['engine cold (in-process)'].push(timeSync(() => new ProcfsCollector().collectSync()));
      samples['engine warm (in-process)'].push(timeSync(() => warm.collectSync()));
    }
    const medians: Record<string, number> = {};
    for (const [k, v] of Object.entries(samples)) { if (v.length) { medians[k] = median(v); } }
    return { n, rows, fds: countFds(), medians };
  } finally {
    await load.stop();
  }
}

function report(results: Row[]): string {
  const keys = Object.keys(results[0].medians);
  const head = `| | ${results.map(r => `N = ${r.n.toLocaleString('en')}`).join(' | ')} |\n|---|${results.map(() => '---').join('|')}|\n`;
  const info = `| socket rows / fds on the machine | ${results.map(r => `${r.rows} / ${r.fds}`).join(' | ')} |\n`;
  const lines = keys.map(k => `| ${k} (ms) | ${results.map(r => r.medians[k]?.toFixed(1) ?? '–').join(' | ')} |`).join('\n') + '\n';
  const ss = (r: Row) => r.medians['ss -tunap'];
  const ratios = [
    `| CLI list ÷ ss -tunap (target ≤ 1) | ${results.map(r => (r.medians['CLI list (process)'] / ss(r)).toFixed(2)).join(' | ')} |`,
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
    const r = await measureOne(Number(process.argv[one + 1]));
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  if (!fs.existsSync(cli)) { throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first'); }
  const isolate = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
  console.log(`collector benchmark: ${RUNS} runs per tool, medians; ${isolate ? 'each configuration in its own network namespace' : 'NOT isolated (needs root + unshare): other sockets on the machine count too'}`);
  const results: Row[] = [];
  for (const n of CONFIGS) {
    const args = [__filename, '--one', String(n)];
    const r = isolate
      ? spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] })
      : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) { throw new Error(`configuration N=${n} failed (exit ${r.status})`); }
    const row = JSON.parse(r.stdout.trim().split('\n').pop()!) as Row;
    results.push(row);
    console.log(`N=${n}: ${JSON.stringify(row.medians)}`);
  }
  const table = report(results);
  console.log('\n' + table);
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results/collector.md'), table);
}

main().catch(e => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
