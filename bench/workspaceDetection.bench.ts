// node esbuild.mjs --tests && node out/bench/workspaceDetection.bench.js
//
// What a hostile repository can cost dev-port detection (which runs in the collector worker): for
// every parser, 1 MiB of each hostile piece repeated, and a folder in which every file detection
// reads is 1 MiB of such text (the folder cap then stops at 4 MiB). Prints the slowest parser
// input and the folder's time, per run; there is no reference tool to run beside it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEV_PORT_FILES } from '../src/core/workspace/detectDevPorts';
import { detectDevPortsInFolder } from '../src/core/workspace/readDevPortFiles';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MIB = 1 << 20;
const PIECES = [' ', '[', '{', '(', '"', "'", '`', '/*', '#', '-', ':', '${A:-', 'a', 'ports: [\n', '    ports:\n', 'ports:\n  - ',
  'server:{port:(', 'port:', '{"a":', '[{', 'PORT=', 'A=1 ', "sh -c '", 'sh -c "', '--port ', '{"scripts":{"a":"sh -c \\"', '- "1:1"\n'];

function ms(since: bigint): number { return Number(process.hrtime.bigint() - since) / 1e6; }

async function main(): Promise<void> {
  const parsers = new Map(DEV_PORT_FILES.map(f => [f.parse.name, f] as const));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devports-bench-'));
  try {
    for (const [i, { file }] of DEV_PORT_FILES.entries()) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      const piece = PIECES[i % PIECES.length];
      fs.writeFileSync(path.join(dir, file), piece.repeat(Math.floor(MIB / piece.length)));
    }
    for (let run = 1; run <= RUNS; run++) {
      let worst = { ms: 0, what: '' };
      for (const [name, { file, parse }] of parsers) {
        for (const piece of PIECES) {
          const text = piece.repeat(Math.floor(MIB / piece.length));
          const t = process.hrtime.bigint();
          try { parse(file, text); } catch { /* over its budget: that is the bound at work */ }
          const took = ms(t);
          if (took > worst.ms) { worst = { ms: took, what: `${name} on ${JSON.stringify(piece)}` }; }
        }
      }
      const t = process.hrtime.bigint();
      await detectDevPortsInFolder(dir);
      console.log(`run ${run}: slowest 1 MiB parse ${worst.ms.toFixed(0)} ms (${worst.what}); folder of ${DEV_PORT_FILES.length} x 1 MiB files ${ms(t).toFixed(0)} ms`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
