import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProcNetTablesAside } from '../../src/core/collect/procNetAside';
import { PROC_NET_TABLES, readProcNetTable } from '../../src/core/collect/procNetTables';
import { ProcfsCollector } from '../../src/core/collect/procfsCollector';
import { runHolder, TCP_LISTENER } from './support/children';

// The CLI's table reads in `cat` children must give exactly what a read on this thread gives,
// and fall back to that read whenever the child route fails.
describe('/proc/net tables read in child processes', function () {
  before(function () { if (process.platform !== 'linux') { this.skip(); } });
  let root: string, scratch: string;
  const fixtures = path.join(__dirname, '../../../test/fixtures/proc');
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-aside-root-'));
    fs.mkdirSync(path.join(root, 'net'));
    for (const t of ['tcp', 'tcp6', 'udp', 'udp6']) { fs.copyFileSync(path.join(fixtures, t), path.join(root, 'net', t)); }
    scratch = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pi-aside-')), 'private');
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.dirname(scratch), { recursive: true, force: true });
  });

  const readAll = async (procRoot: string, dir: string) => {
    const reads = readProcNetTablesAside(procRoot, PROC_NET_TABLES, dir);
    return Promise.all(PROC_NET_TABLES.map(t => reads.get(t)!));
  };

  it('gives the same text as a direct read, and leaves no file behind', async () => {
    const texts = await readAll(root, scratch);
    assert.deepEqual(texts, PROC_NET_TABLES.map(t => fs.readFileSync(path.join(root, t.file), 'latin1')));
    assert.equal(fs.statSync(scratch).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(scratch), []);
  });

  it('really reads through the child: a cat that prints something else is believed', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-fakecat-'));
    fs.writeFileSync(path.join(bin, 'cat'), '#!/bin/sh\necho "from the child: $1"\n', { mode: 0o755 });
    const savedPath = process.env.PATH;
    try {
      process.env.PATH = bin;
      const texts = await readAll(root, scratch);
      assert.deepEqual(texts, PROC_NET_TABLES.map(t => `from the child: ${root}/${t.file}\n`));
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('falls back to a direct read when cat is missing, fails, or the directory is not private', async () => {
    const expected = PROC_NET_TABLES.map(t => fs.readFileSync(path.join(root, t.file), 'latin1'));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-nocat-'));
    const savedPath = process.env.PATH;
    try {
      process.env.PATH = bin; // no cat at all
      assert.deepEqual(await readAll(root, scratch), expected);
      fs.writeFileSync(path.join(bin, 'cat'), '#!/bin/sh\necho partial; exit 1\n', { mode: 0o755 });
      assert.deepEqual(await readAll(root, scratch), expected, 'a failing cat is not believed');
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(bin, { recursive: true, force: true });
    }
    fs.chmodSync(scratch, 0o777); // created 0700 by the reads above
    assert.deepEqual(await readAll(root, scratch), expected);
    assert.deepEqual(fs.readdirSync(scratch), [], 'nothing is written into a directory others can write');
  });

  it('answers like a direct read for a missing IPv6 table (undefined) and a missing IPv4 one (one clear error)', async () => {
    fs.rmSync(path.join(root, 'net', 'tcp6'));
    fs.rmSync(path.join(root, 'net', 'tcp'));
    const reads = readProcNetTablesAside(root, PROC_NET_TABLES.filter(t => t.protocol === 'tcp'), scratch);
    const [tcp, tcp6] = PROC_NET_TABLES;
    assert.equal(await reads.get(tcp6), undefined);
    assert.equal(readProcNetTable(root, tcp6), undefined);
    await assert.rejects(reads.get(tcp)!, /^Error: cannot read .*\/net\/tcp: ENOENT$/);
  });

  it('the collector reads aside only when sockstat promises thousands of TCP rows, and gets the same snapshot either way', async () => {
    const collector = () => new ProcfsCollector({ procRoot: root, passwdPath: '/nonexistent', rowCache: false });
    const direct = collector().collectSync({ owners: false });
    assert.ok(direct.sockets.length > 5);
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 3 orphan 0 tw 1 alloc 5 mem 1\nUDP: inuse 2 mem 1\n');
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 2\nUDP6: inuse 1\n');
    const few = collector();
    const reads = few.startTableReads({ owners: false });
    assert.equal(reads.size, 0, 'a handful of rows is read on this thread');
    assert.deepEqual((await few.collectStarted(reads, { owners: false })).sockets, direct.sockets);
    fs.writeFileSync(path.join(root, 'net', 'sockstat'), 'sockets: used 9\nTCP: inuse 3000 orphan 0 tw 900 alloc 5 mem 1\nUDP: inuse 2 mem 1\n');
    fs.writeFileSync(path.join(root, 'net', 'sockstat6'), 'TCP6: inuse 2000\nUDP6: inuse 1\n');
    const many = collector();
    const aside = many.startTableReads({ owners: false });
    assert.deepEqual([...aside.keys()].map(t => t.file), ['net/tcp', 'net/tcp6']);
    assert.deepEqual((await many.collectStarted(aside, { owners: false })).sockets, direct.sockets);
  });

  it('collectStarted finds the same sockets and owners as collectSync', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const c = new ProcfsCollector({ rowCache: false });
      const started = await c.collectStarted(c.startTableReads());
      const direct = c.collectSync();
      const mine = (s: typeof started) => s.sockets.filter(x => x.localPort === h.info.port).map(x => [x.protocol, x.family, x.localAddress, x.state, x.processes.map(p => p.pid)]);
      assert.deepEqual(mine(started), [['tcp', 4, '127.0.0.1', 'LISTEN', [h.info.pid]]]);
      assert.deepEqual(mine(started), mine(direct));
    } finally { await h.stop(); }
  });
});
