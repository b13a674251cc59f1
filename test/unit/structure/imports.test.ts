// The house rules for imports, checked on what esbuild bundles (its metafile lists runtime imports
// only: type-only imports are erased): no import cycle among the sources of any bundle, src/core
// never imports from src/extension or src/cli, and a feature folder of the extension never
// imports another feature's folder (features meet through shared/).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from '../support/paths';

const ENTRIES = ['src/extension/extension.ts', 'src/cli.ts', 'src/extension/shared/collector/worker.ts', 'src/core/scan/scanWorker.ts'];
const FEATURES = ['ports', 'devPorts', 'scan', 'terminal'];

/** file -> the project files it imports at run time, over every bundle */
async function importGraph(): Promise<Map<string, string[]>> {
  const result = await esbuild.build({
    entryPoints: ENTRIES.map(e => path.join(repoRoot, e)), absWorkingDir: repoRoot, bundle: true, write: false, metafile: true,
    platform: 'node', target: 'node20', format: 'cjs', outdir: path.join(repoRoot, 'out/structure-check'), external: ['vscode'], logLevel: 'silent',
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    if (!file.startsWith('src/')) { continue; }
    graph.set(file, input.imports.map(i => i.path).filter(p => p.startsWith('src/')));
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') { found.push([...stack.slice(stack.indexOf(g)), g]); } else if (!state.has(g)) { visit(g); }
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) { if (!state.has(f)) { visit(f); } }
  return found;
}

const featureOf = (file: string) => /^src\/extension\/([^/]+)\//.exec(file)?.[1];

describe('import structure (runtime imports of every bundle)', function () {
  this.timeout(60000);
  let graph: Map<string, string[]>;
  before(async () => { graph = await importGraph(); });

  it('reads the whole project: every bundle entry and hundreds of files', () => {
    for (const e of ENTRIES) { assert.ok(graph.has(e), `${e} is not in the graph`); }
    assert.ok(graph.size > 100, `only ${graph.size} files`);
  });

  it('has no import cycle', () => {
    assert.deepEqual(cycles(graph).map(c => c.join(' -> ')), []);
  });

  it('src/core imports neither the extension nor the CLI', () => {
    const wrong = [...graph].flatMap(([f, deps]) => f.startsWith('src/core/') ? deps.filter(d => !d.startsWith('src/core/')).map(d => `${f} -> ${d}`) : []);
    assert.deepEqual(wrong, []);
  });

  it('a feature folder never imports another feature folder', () => {
    const wrong = [...graph].flatMap(([f, deps]) => {
      const mine = featureOf(f);
      return mine && FEATURES.includes(mine) ? deps.filter(d => { const theirs = featureOf(d); return theirs !== mine && theirs !== undefined && FEATURES.includes(theirs); }).map(d => `${f} -> ${d}`) : [];
    });
    assert.deepEqual(wrong, []);
  });

  it('finds a cycle and a cross-feature import when there is one', () => {
    const g = new Map([['src/extension/ports/a.ts', ['src/extension/scan/b.ts']], ['src/extension/scan/b.ts', ['src/extension/ports/a.ts']]]);
    assert.deepEqual(cycles(g), [['src/extension/ports/a.ts', 'src/extension/scan/b.ts', 'src/extension/ports/a.ts']]);
    assert.equal(featureOf('src/extension/scan/b.ts'), 'scan');
  });
});
