// npm run bench:lsof: the lsof back end (what macOS uses) against plain `lsof -nP -i`, side by side.
//
// The back end runs one lsof -F call, then ps for the owning pids and lsof -d cwd for their working
// directories (cached per process), so its floor is one lsof run; the ratios say what the rest costs.
// Runs are interleaved round-robin so that drift in machine load hits every variant alike.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { startLoad } from './support/socketLoad';
import { LsofCollector } from '../src/core/collect/lsofCollector';
import { median, timeCommand } from './support/timing';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const CONFIGS = (process.env.BENCH_N ?? '100,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 11);



async function timeAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<void> {
  if (!fs.existsSync(cli)) { throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first'); }
  console.log(`lsof back end benchmark: ${RUNS} runs per variant, medians (ms)`);
  const lines: string[] = [];
  for (const n of CONFIGS) {
    const load = await startLoad(n, Math.round(n / 10), Math.round(n / 2), 4);
    try {
      const warm = new LsofCollector();
      const rows = (await warm.collect()).sockets.length;
      const samples: Record<string, number[]> = {
        'lsof -nP -i': [], 'lsof -F (our one call)': [], 'back end cold': [], 'back end warm': [], 'CLI list --backend lsof': [],
      };
      for (let i = 0; i < RUNS; i++) {
        samples['lsof -nP -i'].push(await timeCommand('lsof', ['-nP', '-i']));
        samples['lsof -F (our one call)'].push(await timeCommand('lsof', ['-nP', '-w', '+c', '0', '-Ts', '-F', 'pcRuLfdtPnT0', '-iTCP', '-iUDP']));
        samples['back end cold'].push(await timeAsync(() => new LsofCollector().collect()));
        samples['back end warm'].push(await timeAsync(() => warm.collect()));
        samples['CLI list --backend lsof'].push(await timeCommand(process.execPath, [cli, 'list', '--backend', 'lsof']));
      }
      const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
      const ref = m['lsof -nP -i'];
      lines.push(`| N = ${n} (${rows} rows) | ${Object.values(m).map(x => x.toFixed(1)).join(' | ')} | ${(m['back end warm'] / ref).toFixed(2)} | ${(m['CLI list --backend lsof'] / ref).toFixed(2)} |`);
      console.log(`N=${n}: ${JSON.stringify(m)}`);
    } finally {
      await load.stop();
    }
  }
  const table = '| | lsof -nP -i | lsof -F (our call) | back end cold | back end warm | CLI list --backend lsof | warm ÷ lsof -nP -i | CLI ÷ lsof -nP -i |\n' +
    '|---|---|---|---|---|---|---|---|\n' + lines.join('\n') + '\n';
  console.log('\n' + table);
  fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench-results/lsof-collector.md'), table);
}

main().catch(e => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
