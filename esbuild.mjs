// One build script: bundles the extension and the CLI for shipping, and (with --tests) transpiles
// every TypeScript file under src/, test/ and bench/ one-to-one into out/ for mocha and the benchmarks.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

function tsFiles(dir) {
  const out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'fixtures') { out.push(...tsFiles(p)); } }
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) { out.push(p); }
  }
  return out;
}

const common = { platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, logLevel: 'warning' };

if (args.has('--tests')) {
  rmSync('out', { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: [...tsFiles('src'), ...tsFiles('test'), ...tsFiles('bench')], outdir: 'out', outbase: '.', bundle: false });
} else {
  const configs = [
    { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', bundle: true, external: ['vscode'], minify: production },
    { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', bundle: true, minify: production, banner: { js: '#!/usr/bin/env node' } },
    // the /proc walk runs in a worker thread (sync fs, off the extension host's event loop)
    { ...common, entryPoints: ['src/extension/shared/collector/worker.ts'], outfile: 'dist/collectorWorker.js', bundle: true, minify: production },
    // TCP scan worker threads, started by the CLI and the extension from next to their own bundle
    { ...common, entryPoints: ['src/core/scan/scanWorker.ts'], outfile: 'dist/scanWorker.js', bundle: true, minify: production },
  ];
  if (watch) {
    for (const c of configs) { const ctx = await esbuild.context(c); await ctx.watch(); }
  } else {
    await Promise.all(configs.map(c => esbuild.build(c)));
  }
}
