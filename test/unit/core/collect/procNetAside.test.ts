import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProcNetTablesAside, type AsideOptions } from '../../../../src/core/collect/procNetAside';
import { unixTool } from '../../../../src/core/platform/systemTools';
import { PROC_NET_TABLES, readProcNetTable } from '../../../../src/core/collect/procNetTables';
import { OneShotProcfsCollector as ProcfsCollector } from '../../../../src/core/collect/procfsOneShot';
import { runHolder, TCP_LISTENER, type Holder } from '../../support/children';
import { repoRoot } from '../../support/paths';
import { linuxOnly, skipUnless } from '../../support/skip';

// The CLI's table reads in `cat` children must give exactly what a read on this thread gives,
// and fall back to that read whenever the child route fails.
describe('/proc/net tables read in child processes', function () {
  before(function () { linuxOnly(this); });
  let root: string, scratch: string, bin: string;
  const fixtures = path.join(repoRoot, 'test/fixtures/proc');
  const fakeCat = (name: string, script: string) => {
    const file = path.join(bin, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-aside-root-'));
    fs.mkdirSync(path.join(root, 'net'));
    for (const t of ['tcp', 'tcp6', 'udp', 'udp6']) { fs.copyFileSync(path.join(fixtures, t), path.join(root, 'net', t)); }
    scratch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pi-aside-')), 'private');
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-fakecat-'));
  });
  afterEach(() => {
    for (const d of [root, path.dirname(scratch), bin]) { fs.rmSync(d, { recursive: true, force: true }); }
  });

  const readAll = async (options: AsideOptions) => {
    const reads = readProcNetTablesAside(root, PROC_NET_TABLES, { dir: scratch, ...options });
    return Promise.all(PROC_NET_TABLES.map(t => reads.get(t)!));
  };
  const direct = () => PROC_NET_TABLES.map(t => fs.readFileSync(path.join(root, t.file), 'latin1'));

  it('gives the same text as a direct read with the system cat, and leaves no file behind', async function () {
    const cat = unixTool('cat');
    skipUnless(this, cat, 'no trusted cat (root-owned, not writable by others) in /usr/bin or /bin');
    assert.deepEqual(await readAll({ cat }), direct());
    assert.equal(fs.statSync(scratch).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(scratch), []);
  });

  it('really reads through the child: what the given cat prints is believed, `--` before the file', async () => {
    const cat = fakeCat('cat', 'echo "from the child: $*"');
    assert.deepEqual(await readAll({ cat }), PROC_NET_TABLES.map(t => `from the child: -- ${root}/${t.file}\n`));
  });

  it('falls back to a direct read when cat is missing or fails, and never writes into a directory others can enter', async () => {
    assert.deepEqual(await readAll({ cat: path.join(bin, 'no-such-cat') }), direct());
    assert.deepEqual(await readAll({ cat: undefined }), direct());
    assert.deepEqual(await readAll({ cat: fakeCat('failing', 'echo partial; exit 1') }), direct(), 'a failing cat is not believed');
    const believed = fakeCat('cat', 'echo "from the child"');
    fs.chmodSync(scratch, 0o777); // created 0700 by the reads above
    assert.deepEqual(await readAll({ cat: believed }), direct(), 'the child route is not taken');
    assert.deepEqual(fs.readdirSync(scratch), []);
  });

  it('answers like a direct read for a missing IPv6 table (undefined) and a missing IPv4 one (one clear error)', async function () {
    const cat = unixTool('cat');
    skipUnless(this, cat, 'no trusted cat (root-owned, not writable by others) in /usr/bin or /bin');
    fs.rmSync(path.join(root, 'net', 'tcp6'));
    fs.rmSync(path.join(root, 'net', 'tcp'));
    const reads = readProcNetTablesAside(root, PROC_NET_TABLES.filter(t => t.protocol === 'tcp'), { dir: scratch, cat });
    const [tcp, tcp6] = PROC_NET_TABLES;
    assert.equal(await reads.get(tcp6), undefined);
    assert.equal(readProcNetTable(root, tcp6), undefined);
    await assert.rejects(reads.get(tcp)!, /^Error: cannot read .*\/net\/tcp: ENOENT$/);
  });

  it('the collector reads aside only when sockstat promises thousands of TCP rows, and gets the same snapshot either way', async () => {
    const collector = () => new ProcfsCollector({ procRoot: root, passwdPath: '/nonexistent' });
    const expected = collector().collectSync({ owners: false });
    assert.ok(expected.sockets.length > 5);
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 3 orphan 0 tw 1 alloc 5 mem 1\nUDP: inuse 2 mem 1\n');
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 2\nUDP6: inuse 1\n');
    const few = collector();
    const reads = few.startTableReads({ owners: false });
    assert.equal(reads.size, 0, 'a handful of rows is read on this thread');
    assert.deepEqual((await few.collectStarted(reads, { owners: false })).sockets, expected.sockets);
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 3000 orphan 0 tw 900 alloc 5 mem 1\nUDP: inuse 2 mem 1\n');
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 2000\nUDP6: inuse 1\n');
    const many = collector();
    const aside = many.startTableReads({ owners: false });
    assert.deepEqual([...aside.keys()].map(t => t.file), ['net/tcp', 'net/tcp6']);
    assert.deepEqual((await many.collectStarted(aside, { owners: false })).sockets, expected.sockets);
    assert.equal(many.startTableReads({ protocols: ['udp'] }).size, 0);
  });
});

// collectStarted begins the owner walk before the tables are read (while the children print
// them). A socket opened in between must still get its owner, not "owner not visible".
describe('collectStarted and sockets opened while the tables are being read', function () {
  before(function () {
    linuxOnly(this);
    // Without fd counts (Linux < 6.2) the walk runs after the rows and there is no window to test.
    skipUnless(this, fs.statSync('/proc/self/fd').size !== 0, 'the kernel does not count fds in the size of /proc/PID/fd (Linux < 6.2)');
  });
  /** Child code: writes `text` to `file` whole (via a rename), so a reader never sees it half-written. */
  const writeWhole = (file: string, text: string) =>
    `fs.writeFileSync(${JSON.stringify(file + '.tmp')}, ${text}); fs.renameSync(${JSON.stringify(file + '.tmp')}, ${JSON.stringify(file)});`;
  const [tcp4] = PROC_NET_TABLES;

  /** Starts collectStarted with the IPv4 TCP table held back until `during` has run. */
  async function collectAround(c: ProcfsCollector, during: () => Promise<void>) {
    let release!: () => void;
    const gate = new Promise<void>(r => { release = r; });
    const reads = new Map([[tcp4, gate.then(() => readProcNetTable('/proc', tcp4))]]);
    const pending = c.collectStarted(reads, { protocols: ['tcp'] });
    await during();
    release();
    return pending;
  }

  it('a process started after the walk began', async () => {
    for (const warm of [false, true]) {
      const c = new ProcfsCollector();
      if (warm) { c.collectSync(); }
      let h: Holder | undefined;
      try {
        const snap = await collectAround(c, async () => { h = await runHolder(TCP_LISTENER('127.0.0.1')); });
        const row = snap.sockets.find(s => s.localPort === h!.info.port && s.state === 'LISTEN');
        assert.deepEqual(row?.processes.map(p => p.pid), [h!.info.pid], warm ? 'warm collector' : 'cold collector');
      } finally { await h?.stop(); }
    }
  });

  it('a process that existed before and opened its socket after the walk began', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-late-'));
    const portFile = path.join(dir, 'port');
    const h = await runHolder(`
      const fs = require('fs');
      process.on('SIGUSR2', () => {
        const s = require('net').createServer();
        s.listen(0, '127.0.0.1', () => { ${writeWhole(portFile, 'String(s.address().port)')} });
      });
      setInterval(() => {}, 60000);
      console.log(JSON.stringify({ pid: process.pid }));`);
    try {
      for (const warm of [false, true]) {
        fs.rmSync(portFile, { force: true });
        const c = new ProcfsCollector();
        if (warm) { c.collectSync(); }
        const snap = await collectAround(c, async () => {
          h.child.kill('SIGUSR2');
          for (let i = 0; i < 200 && !fs.existsSync(portFile); i++) { await new Promise(r => setTimeout(r, 10)); }
        });
        const port = Number(fs.readFileSync(portFile, 'utf8'));
        const row = snap.sockets.find(s => s.localPort === port && s.state === 'LISTEN');
        assert.deepEqual(row?.processes.map(p => p.pid), [h.info.pid], warm ? 'warm collector' : 'cold collector');
      }
    } finally {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a process walked before the rows that then swapped a file for a socket (same fd count)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-swap-'));
    const opened = path.join(dir, 'opened'), portFile = path.join(dir, 'port');
    const h = await runHolder(`
      const fs = require('fs');
      let file;
      process.on('SIGUSR2', () => {
        if (file === undefined) { file = fs.openSync('/dev/null', 'r'); ${writeWhole(opened, "''")} return; }
        fs.closeSync(file);
        const s = require('net').createServer();
        s.listen(0, '127.0.0.1', () => { ${writeWhole(portFile, 'String(s.address().port)')} });
      });
      setInterval(() => {}, 60000);
      console.log(JSON.stringify({ pid: process.pid }));`);
    const waitFor = async (f: string) => { for (let i = 0; i < 300 && !fs.existsSync(f); i++) { await new Promise(r => setTimeout(r, 10)); } };
    const fdCount = () => fs.statSync(`/proc/${h.info.pid}/fd`).size;
    try {
      const c = new ProcfsCollector();
      c.collectSync();
      h.child.kill('SIGUSR2'); // a file: its fd count moves, so the next pass walks it before the rows
      await waitFor(opened);
      const withFile = fdCount();
      const snap = await collectAround(c, async () => {
        h.child.kill('SIGUSR2'); // the file closed, a listening socket opened: the count is back where it was
        await waitFor(portFile);
      });
      assert.equal(fdCount(), withFile, 'the scenario: the same fd count as when it was walked');
      const port = Number(fs.readFileSync(portFile, 'utf8'));
      const row = snap.sockets.find(s => s.localPort === port && s.state === 'LISTEN');
      assert.deepEqual(row?.processes.map(p => p.pid), [h.info.pid]);
    } finally {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the same sockets and owners as collectSync', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const c = new ProcfsCollector();
      const started = await c.collectStarted(c.startTableReads());
      const direct = c.collectSync();
      const mine = (s: typeof started) => s.sockets.filter(x => x.localPort === h.info.port).map(x => [x.protocol, x.family, x.localAddress, x.state, x.processes.map(p => p.pid)]);
      assert.deepEqual(mine(started), [['tcp', 4, '127.0.0.1', 'LISTEN', [h.info.pid]]]);
      assert.deepEqual(mine(started), mine(direct));
    } finally { await h.stop(); }
  });
});
