// Text another user controls (a process's name, command line, working directory) reaches the
// terminal only as visible escapes: a real child process carrying erase-line and cursor-up
// sequences, an OSC 52 clipboard write, a CSI in C1 form and bidi overrides is listed, asked about
// and killed, and no raw control byte comes through. --json keeps the data as it is.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHolder, type Holder } from '../support/children';
import { repoRoot } from '../support/paths';
import { linuxOnly } from '../support/skip';
import { visible } from '../../../src/core/visibleText';

const cli = path.join(repoRoot, 'dist/cli.js');
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Anything a terminal would act on, other than the newline that ends a line. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const TITLE = '\x1b[2K\x1b[1Asshd \x1b]52;c;aGk=\x07 \u202egnp.exe\u202c \u2066x\u2069 \x9b31m';
const DIR_NAME = 'pi-cwd-\x1b[2K\x1b[1A-\u202e-';

describe('CLI output of text another user controls', function () {
  let holder: Holder<{ port: number; pid: number }>;
  let dir: string;
  before(async function () {
    linuxOnly(this);
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pi-hostile-')), DIR_NAME);
    fs.mkdirSync(dir);
    holder = await runHolder(`
      process.title = ${JSON.stringify(TITLE)};
      const s = require('net').createServer();
      s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));`, dir);
  });
  after(async () => { await holder?.stop(); if (dir) { fs.rmSync(path.dirname(dir), { recursive: true, force: true }); } });

  function assertEscaped(text: string, what: string, escapes: string[]) {
    assert.doesNotMatch(text, RAW_CONTROL, `${what} carries a raw control character: ${JSON.stringify(text)}`);
    for (const e of escapes) { assert.ok(text.includes(e), `${what} lacks ${e}: ${JSON.stringify(text)}`); }
  }

  it('who: name, command line and cwd come out escaped', () => {
    const r = run('who', String(holder.info.port));
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.split('\n').find(l => l.includes(String(holder.info.pid)));
    assert.ok(row, r.stdout);
    assertEscaped(r.stdout, 'who', ['\\x1b[2K\\x1b[1Asshd', '\\x1b]52;c;aGk=\\x07', '\\u202egnp.exe\\u202c', '\\u2066x\\u2069', '\\x9b31m', `pi-cwd-\\x1b[2K\\x1b[1A-\\u202e-`]);
  });

  it('list (the byte-table writer): the name column is escaped', () => {
    const r = run('list', '--tcp', '--listening');
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.split('\n').find(l => new RegExp(`:${holder.info.port}\\s.*\\s${holder.info.pid}\\s`).test(l));
    assert.ok(row, r.stdout);
    // The kernel keeps 15 bytes of the title as the process name.
    assert.ok(row.includes('\\x1b[2K\\x1b[1Asshd'), row);
    assertEscaped(r.stdout, 'list', []);
  });

  it('kill: the confirmation text and the outcome are escaped; --json keeps the raw text', async () => {
    const refused = run('kill', String(holder.info.port));
    assert.equal(refused.code, 1);
    assertEscaped(refused.stderr, 'kill (not confirmed)', ['\\x1b[2K\\x1b[1Asshd', '\\u202egnp.exe']);
    const json = JSON.parse(run('who', String(holder.info.port), '--json').stdout) as { processes: { commandLine: string; cwd: string }[] }[];
    assert.equal(json[0].processes[0].commandLine, TITLE);
    assert.equal(path.basename(json[0].processes[0].cwd), DIR_NAME);
    const killed = run('kill', String(holder.info.port), '--yes');
    assert.equal(killed.code, 0, killed.stderr);
    assertEscaped(killed.stdout, 'kill (done)', ['\\x1b[2K\\x1b[1Asshd']);
    assert.match(killed.stdout, /released port/);
    assertEscaped(killed.stderr, 'kill (progress)', []);
  });

  it('bad arguments echo back escaped', () => {
    const r = run('who', '80\x1b]52;c;aGk=\x07');
    assert.equal(r.code, 2);
    assertEscaped(r.stderr, 'usage error', ['"80\\x1b]52;c;aGk=\\x07"']);
  });
});

describe('visible()', () => {
  it('escapes C0, DEL, C1 and bidi/invisible format characters, and leaves other text alone', () => {
    assert.equal(visible('a\x00b\x1b[0m\x7f\x85\x9f\u202e\u2069\u200f\ufeffz'), 'a\\x00b\\x1b[0m\\x7f\\x85\\x9f\\u202e\\u2069\\u200f\\ufeffz');
    assert.equal(visible('tab\tnl\n'), 'tab\\x09nl\\x0a');
    const plain = 'Ünïcödé 日本語 nbsp\u00a0 C:\\path';
    assert.equal(visible(plain), plain);
  });
});
