// Workspace files are written by whoever wrote the repository. Every parser of them must do work
// linear in its input: these tests feed adversarial text (long runs, unclosed structures, 1 MiB of
// one character) and count the parser's own work (WorkBudget steps: characters visited, plus the
// length of every string handed to a linear expression), comparing the count between an input
// and one eight times as long. Nothing is timed. The last group replays inputs that stalled
// earlier parsers for seconds; they finish inside mocha's timeout and give the expected result.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { BASE_STEPS, STEPS_PER_CHAR, WorkBudget } from '../../../../src/core/workspace/budget';
import { composePorts, substituteDefaults } from '../../../../src/core/workspace/composePorts';
import { detectDevPorts } from '../../../../src/core/workspace/detectDevPorts';
import { envFilePorts } from '../../../../src/core/workspace/envFilePorts';
import { parseJsonc } from '../../../../src/core/workspace/jsonc';
import { angularJsonPorts, devcontainerPorts, launchJsonPorts, packageJsonPorts } from '../../../../src/core/workspace/jsonFilePorts';
import { portsOfCommandLine } from '../../../../src/core/workspace/scriptPorts';
import { maskCode, viteConfigPorts } from '../../../../src/core/workspace/viteConfigPorts';
import { parseWatchPortsSetting } from '../../../../src/core/workspace/watchList';

type Counted = (text: string, budget: WorkBudget) => unknown;

const PARSERS: Record<string, Counted> = {
  'envFilePorts': (t, b) => envFilePorts('.env', t, b),
  'composePorts': (t, b) => composePorts('compose.yaml', t, b),
  'viteConfigPorts': (t, b) => viteConfigPorts('vite.config.ts', t, b),
  'maskCode': (t, b) => maskCode(t, b),
  'packageJsonPorts': (t, b) => packageJsonPorts('package.json', t, b),
  'launchJsonPorts': (t, b) => launchJsonPorts('.vscode/launch.json', t, b),
  'angularJsonPorts': (t, b) => angularJsonPorts('angular.json', t, b),
  'devcontainerPorts': (t, b) => devcontainerPorts('.devcontainer.json', t, b),
  'parseJsonc': (t, b) => parseJsonc(t, b),
  'portsOfCommandLine': (t, b) => portsOfCommandLine(t, b),
};

function steps(parse: Counted, text: string): number {
  const budget = new WorkBudget();
  parse(text, budget);
  return budget.steps;
}

/**
 * The parser's work on `unit` repeated k and 8k times: linear work grows about 8×, quadratic 64×.
 * The slack covers fixed costs that do not grow with the input.
 */
function assertLinear(name: string, parse: Counted, unit: string, k: number): void {
  const small = unit.repeat(k);
  const large = unit.repeat(8 * k);
  const a = steps(parse, small);
  const b = steps(parse, large);
  assert.ok(a > 0, `${name} counts no work`);
  assert.ok(b <= 10 * a + 2_000, `${name} on ${JSON.stringify(unit.slice(0, 40))}: ${a} steps for ${small.length} chars, ${b} for ${large.length} (×${(b / a).toFixed(1)})`);
  assert.ok(b <= STEPS_PER_CHAR * large.length + BASE_STEPS, `${name}: ${b} steps for ${large.length} chars is over the default budget`);
}

/** Units whose repetition used to make a parser rescan: unclosed lists, nested blocks, open quotes. */
const HOSTILE_UNITS = [
  ' ', '\t', '\n', '[', ']', '{', '}', '(', '"', "'", '`', '\\', '/*', '//', '#', '-', ':', '$', '${A:-', 'a', '0',
  'ports: [\n', '    ports:\n', 'ports:\n  - ', 'services:\n  a:\n    ports: [\n', '          x:\n', '  - published: ',
  'server:{port:(', 'server: {', 'preview:{ port: ', 'port:', '{ hmr: { port: 1 }, ',
  '{"scripts":{', '{"a":', '[{', '"\\u00', '/* ', '"configurations":[{"request":"launch","port":',
  'PORT=', 'export ', 'A=1 ', "sh -c '", 'sh -c "', 'concurrently "', '--port ', ':${a', '-p 1:',
];

describe('workspace parsers do linear work on hostile input', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name}: long runs, unclosed structures, nested blocks`, () => {
      for (const unit of HOSTILE_UNITS) { assertLinear(name, parse, unit, Math.ceil(2048 / unit.length)); }
    });
  }

  it('every parser, on random mixtures of hostile pieces repeated', () => {
    const piece = fc.constantFrom(...HOSTILE_UNITS, 'vite', ' --port 5173', '"3000:3000"', ',', '\r\n', '}', ']', ')', '*/');
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom(...Object.keys(PARSERS)), (pieces, name) => {
      const unit = pieces.join('');
      assertLinear(name, PARSERS[name], unit, Math.ceil(1024 / unit.length));
    }), { numRuns: 150 });
  });

  it('1 MiB of one character stays within the default budget in every parser', function () {
    this.timeout(120_000);
    for (const c of [' ', '[', '{', '(', '"', "'", '`', '/', '\n', ':', 'a']) {
      const text = c.repeat(1 << 20);
      for (const [name, parse] of Object.entries(PARSERS)) {
        const n = steps(parse, text);
        assert.ok(n <= STEPS_PER_CHAR * text.length, `${name} on 1 MiB of ${JSON.stringify(c)}: ${n} steps`);
      }
    }
  });

  it('a file that would need more than its budget is skipped with a note, the other files still count', () => {
    // A budget of 0 steps per character: every real file is over it. Exercised through the
    // parsers' budget argument, the same path detectDevPorts takes with the default budget.
    assert.throws(() => composePorts('compose.yaml', 'ports: [\n'.repeat(10), new WorkBudget(5)), /steps to analyse/);
    const d = detectDevPorts(new Map([
      ['package.json', { text: '{"scripts":{"dev":"vite --port 5200"}}' }],
      ['.env', { text: `PORT=4000\n${'x'.repeat((1 << 20) + 1)}` }],
    ]));
    assert.deepEqual(d.ports.map(p => `${p.port} ${p.file}`), ['5200 package.json']);
    assert.deepEqual(d.notes.map(n => n.message), ['larger than 1 MiB; skipped']);
    // A folder's files together: the first 4 MiB are analysed, the files after that are skipped.
    const big = ' '.repeat(1 << 20);
    const folder = detectDevPorts(new Map([
      ['package.json', { text: `{"scripts":{"dev":"vite --port 5200"}}${big.slice(40)}` }],
      ...['.env', '.env.local', '.env.development'].map(f => [f, { text: big }] as const),
      ['.env.development.local', { text: 'PORT=4001' }],
      ['compose.yaml', { text: 'x:\n  ports: ["3100:3000"]\n' }],
    ]));
    assert.deepEqual(folder.ports.map(p => p.port), [5200]);
    assert.deepEqual(folder.notes.map(n => `${n.file}: ${n.message}`), [
      '.env.development.local: skipped: the folder\'s files together are over 4 MiB',
      'compose.yaml: skipped: the folder\'s files together are over 4 MiB',
    ]);
  });
});

describe('inputs that stalled earlier parsers finish with the right answer', function () {
  // Each of these took seconds to minutes in parsers that rescanned or backtracked; here they
  // take milliseconds, so a short timeout makes a regression fail soon instead of hanging.
  this.timeout(2000);
  it('watchPorts "1-" + 400 spaces + "/x" is one problem, not a stall', () => {
    const r = parseWatchPortsSetting(['1-' + ' '.repeat(400) + '/x', '3000']);
    assert.deepEqual(r.ports, [{ port: 3000, protocol: 'tcp' }]);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /not a port or "from-to" range/);
  });

  it('compose: 3,000 unclosed "ports: [" lists', () => {
    const text = 'ports: [\n'.repeat(3000) + 'ports: ["3100:3000"]\n';
    const d = composePorts('compose.yaml', text);
    assert.deepEqual(d.ports.map(p => `${p.port} ${p.line}`), ['3100 3001']);
    assert.equal(d.notes.length, 3000);
    assert.match(d.notes[0].message, /not closed/);
  });

  it('compose: 90,000 "ports:" keys under one service (service name lookup)', () => {
    const text = `services:\n  web:\n${'    ports:\n'.repeat(90_000)}    ports:\n      - "8080:80"\n`;
    const d = composePorts('compose.yaml', text);
    assert.deepEqual(d.ports.map(p => `${p.port} ${p.line} ${p.detail}`), [`8080 ${90_000 + 4} service web: ports "8080:80"`]);
  });

  it('compose: a published port with 60,000 unclosed ${VAR:- defaults', () => {
    const d = composePorts('compose.yaml', `x:\n  ports:\n    - "${'${A:-'.repeat(60_000)}"\n`);
    assert.deepEqual(d.ports, []);
    assert.match(d.notes[0]?.message ?? '', /variable without a default/);
  });

  it('compose: ${VAR:-default} and ${VAR-default} resolve to the default, ${VAR} stays', () => {
    assert.equal(substituteDefaults('${A:-1}${B-2}:${C}${D:-3}'), '12:${C}3');
    assert.equal(substituteDefaults('${A:-80'), '${A:-80');
    assert.equal(substituteDefaults('${1:-2}:${_x9:-}'), '${1:-2}:');
  });

  it('vite: 1,200 nested "server:{port:(" blocks', () => {
    const d = viteConfigPorts('vite.config.ts', 'server:{port:('.repeat(1200));
    assert.deepEqual(d.ports, []);
    // Two brackets per block: the 128 blocks that fit under the nesting cap are read, then the cap stops it.
    assert.equal(d.notes.length, 1 + 128);
    assert.match(d.notes[0].message, /nested more than 256 deep/);
    assert.ok(d.notes.slice(1).every(n => /server\.port is an expression longer than/.test(n.message)));
    const closed = viteConfigPorts('vite.config.ts', `export default { ${'server: { port: 3000, x: ('.repeat(100)}${'), }'.repeat(100)} }`);
    assert.equal(closed.ports.length, 100, 'each nested block is read once');
  });
});
