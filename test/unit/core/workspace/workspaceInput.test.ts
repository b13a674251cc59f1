// What a repository can hand detection: links out of the folder, /proc files that claim size 0,
// files just over the size cap, and watchPorts strings built to make a pattern backtrack.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { readDevPortFiles, MAX_BYTES } from '../../../../src/core/workspace/readDevPortFiles';
import { MAX_ENTRY_LENGTH, MAX_PROBLEMS, MAX_SETTING_PORTS, parseWatchPortsSetting, splitWatchEntry } from '../../../../src/core/workspace/watchList';
import { skipUnless } from '../../support/skip';

describe('reading a workspace folder for detection', function () {
  let dir: string;
  let outside: string;
  beforeEach(function () {
    skipUnless(this, process.platform !== 'win32', 'symbolic links need admin rights on Windows', 'other-platform');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devports-in-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'devports-out-'));
  });
  afterEach(() => {
    for (const d of [dir, outside]) { if (d) { fs.rmSync(d, { recursive: true, force: true }); } }
  });

  it('never follows a link: not to /proc, not to a file outside, not through a linked directory', async function () {
    skipUnless(this, fs.existsSync('/proc/self/status'), 'no /proc', 'other-platform');
    fs.symlinkSync('/proc/self/status', path.join(dir, 'package.json'));
    fs.writeFileSync(path.join(outside, '.env'), 'PORT=4555\n');
    fs.symlinkSync(path.join(outside, '.env'), path.join(dir, '.env'));
    fs.mkdirSync(path.join(outside, 'vscode'));
    fs.writeFileSync(path.join(outside, 'vscode', 'launch.json'), '{"configurations":[{"request":"launch","port":4556}]}');
    fs.symlinkSync(path.join(outside, 'vscode'), path.join(dir, '.vscode'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  a:\n    ports: ["3100:3000"]\n');
    const files = await readDevPortFiles(dir);
    assert.deepEqual(files.get('package.json'), { error: 'a symbolic link (not followed)' });
    assert.deepEqual(files.get('.env'), { error: 'a symbolic link (not followed)' });
    assert.deepEqual(files.get('.vscode/launch.json'), { error: '.vscode is a symbolic link (not followed)' });
    assert.deepEqual(files.get('compose.yaml'), { text: 'services:\n  a:\n    ports: ["3100:3000"]\n' });
  });

  it('reads a file of exactly 1 MiB and skips one a byte longer', async () => {
    const body = (n: number) => `PORT=4000\n${'#'.repeat(n - 10)}`;
    fs.writeFileSync(path.join(dir, '.env'), body(MAX_BYTES));
    fs.writeFileSync(path.join(dir, '.env.local'), body(MAX_BYTES + 1));
    const files = await readDevPortFiles(dir);
    const env = files.get('.env');
    assert.ok(env && 'text' in env && env.text.length === MAX_BYTES);
    assert.deepEqual(files.get('.env.local'), { error: 'larger than 1 MiB' });
  });

  it('a FIFO does not block the open, and a directory is no file', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(dir, 'angular.json')]);
    fs.mkdirSync(path.join(dir, 'compose.yml'));
    const files = await readDevPortFiles(dir);
    assert.deepEqual(files.get('angular.json'), { error: 'not a regular file' });
    assert.deepEqual(files.get('compose.yml'), { error: 'it is a directory' });
  });
});

/** The setting's earlier pattern, as a reference on short strings (where its backtracking is cheap). */
const REFERENCE = /^\s*([^/-]+?)\s*(?:-\s*([^/]+?)\s*)?(?:\/(tcp|udp))?\s*$/i;

describe('portInspector.watchPorts entries', () => {
  it('give the ports the reference pattern gives, on every short string of the characters that matter', () => {
    const ch = fc.constantFrom(' ', '\t', '-', '/', '1', '8', '0', 'a', 't', 'c', 'p', 'u', 'd', 'U', 'D', 'P');
    fc.assert(fc.property(fc.array(ch, { maxLength: 14 }).map(a => a.join('')), s => {
      const mine = parseWatchPortsSetting([s]);
      const m = REFERENCE.exec(s);
      const from = m && /^\d{1,5}$/.test(m[1].trim()) ? Number(m[1].trim()) : NaN;
      const to = m && m[2] !== undefined ? (/^\d{1,5}$/.test(m[2].trim()) ? Number(m[2].trim()) : NaN) : from;
      const expected = from >= 1 && to >= from && to <= 65535 && to - from < 1000 ? Array.from({ length: to - from + 1 }, (_, i) => `${from + i}/${m?.[3]?.toLowerCase() ?? 'tcp'}`) : [];
      assert.deepEqual(mine.ports.map(p => `${p.port}/${p.protocol}`), expected, JSON.stringify(s));
      assert.equal(mine.problems.length, expected.length > 0 ? 0 : 1, JSON.stringify(s));
      if (m && m[1].trim() !== '' && m[2]?.trim() !== '') {
        assert.deepEqual(splitWatchEntry(s), { from: m[1].trim(), to: m[2]?.trim(), protocol: m[3]?.toLowerCase() ?? 'tcp' }, JSON.stringify(s));
      }
    }), { numRuns: 5000 });
  });

  it('caps the entry length, the number of ports and the number of problems', () => {
    const long = parseWatchPortsSetting(['3000' + ' '.repeat(MAX_ENTRY_LENGTH)]);
    assert.deepEqual(long.ports, []);
    assert.match(long.problems[0], /characters\) is not a port/);
    const many = parseWatchPortsSetting(Array.from({ length: 10 }, (_, i) => `${1000 * i + 1}-${1000 * i + 1000}`));
    assert.equal(many.ports.length, MAX_SETTING_PORTS);
    assert.equal(many.ports[MAX_SETTING_PORTS - 1].port, MAX_SETTING_PORTS);
    assert.match(many.problems[0], /more than 5000 ports/);
    const bad = parseWatchPortsSetting(Array.from({ length: 50 }, () => 'x'));
    assert.equal(bad.problems.length, MAX_PROBLEMS + 1);
    assert.equal(bad.problems[MAX_PROBLEMS], 'watchPorts: 40 more problems not shown');
  });
});
