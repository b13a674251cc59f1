import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { loadOwnerCache, saveOwnerCache } from '../../../../src/core/collect/ownerCacheFile';
import { runHolder, TCP_LISTENER } from '../../support/children';
import { linuxOnly } from '../../support/skip';

describe('owner cache kept between CLI runs', function () {
  before(function () { linuxOnly(this); });
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-cache-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('a second process starts warm and still sees what changed since', async () => {
    const file = path.join(dir, 'cache', 'owners.json');
    const first = new ProcfsCollector();
    const cold = first.collectSync();
    assert.equal(cold.stats.fullWalk, true);
    saveOwnerCache(first, file);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const second = new ProcfsCollector();
      assert.equal(loadOwnerCache(second, file), true);
      const snap = second.collectSync();
      assert.equal(snap.stats.fullWalk, false, 'the new child is found without a full walk');
      assert.ok(snap.stats.processesWalked < cold.stats.processesWalked);
      const row = snap.sockets.find(s => s.localPort === h.info.port && s.state === 'LISTEN');
      assert.deepEqual(row?.processes.map(p => p.pid), [h.info.pid]);
    } finally { await h.stop(); }
  });

  it('ignores a damaged, foreign-boot or world-writable cache', () => {
    const file = path.join(dir, 'cache', 'owners.json');
    const c = new ProcfsCollector();
    c.collectSync();
    saveOwnerCache(c, file);
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(new ProcfsCollector().index.importCache({ ...data, bootTimeMs: data.bootTimeMs - 1000 }), false);
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: 'x' }), false);
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: [[1, 2, 3, 'not-entries', null]] }), false);
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: [[1, 2, 3, [5, 'fd'], null]] }), false);
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: [[1, 2, 3, [5, 6], {}]] }), false, 'process details without their fields');
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: [[1, 2, 3, [5, 6], { pid: 2, ppid: 0, name: 'x', commandLine: 'x', cwd: '/', user: 'u', startTime: 1 }]] }), false, 'details of another pid');
    assert.equal(new ProcfsCollector().index.importCache({ ...data, pids: [[1, 2, 3, [5, 6], { pid: 1, ppid: 0, name: 'x', commandLine: 'x', cwd: '/', user: 'u', startTime: 1 }]] }), true);
    fs.writeFileSync(file, '{ not json');
    assert.equal(loadOwnerCache(new ProcfsCollector(), file), false);
    saveOwnerCache(c, file);
    fs.chmodSync(path.dirname(file), 0o777);
    assert.equal(loadOwnerCache(new ProcfsCollector(), file), false, 'a directory others can write is not trusted');
  });

  it('is not kept under a parent others can write unless it is sticky like /tmp', () => {
    const c = new ProcfsCollector();
    c.collectSync();
    const file = path.join(dir, 'cache', 'owners.json');
    fs.chmodSync(dir, 0o777);
    saveOwnerCache(c, file);
    assert.equal(fs.existsSync(path.dirname(file)), false, 'another user could swap the directory for a symlink');
    fs.chmodSync(dir, 0o1777);
    saveOwnerCache(c, file);
    assert.equal(fs.existsSync(file), true);
    assert.equal(loadOwnerCache(new ProcfsCollector(), file), true);
  });
});
