// The collector behind the Ports view runs in a worker thread: it must return what the in-thread
// collector returns, keep the event loop free, survive the worker dying, and fall back when the
// worker script is missing.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type * as net from 'node:net';
import { isMainThread } from 'node:worker_threads';
import { WorkerCollector } from '../../../../../src/extension/shared/collector/workerCollector';
import { compact, expand, optionsKey } from '../../../../../src/extension/shared/collector/protocol';
import { ProcfsCollector } from '../../../../../src/core/collect/procfsCollector';
import { OwnerEnricher } from '../../../../../src/core/owners/ownerEnricher';
import { closeServer, listenTcp, portOf } from '../../../support/children';
import { outRoot } from '../../../support/paths';
import { linuxOnly } from '../../../support/skip';

// the worker as transpiled 1:1 by esbuild --tests
const WORKER = path.join(outRoot, 'src/extension/shared/collector/worker.js');
const linux = process.platform === 'linux';

describe('WorkerCollector', function () {
  before(function () { linuxOnly(this); });
  let server: net.Server;
  const collectors: WorkerCollector[] = [];
  before(async () => { if (linux) { server = await listenTcp('127.0.0.1'); } });
  after(async () => { collectors.forEach(c => c.dispose()); if (server) { await closeServer(server); } });

  it('collects in a worker thread and finds this process on its port', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER, onFallback: r => assert.fail(`fell back: ${r}`) });
    collectors.push(c);
    const snap = await c.collect({ listeningOnly: true });
    assert.ok(isMainThread);
    assert.equal(c.starts, 1);
    assert.ok(c.threadId !== undefined && c.threadId > 0);
    const mine = snap.sockets.find(s => s.protocol === 'tcp' && s.localPort === portOf(server));
    assert.ok(mine, 'our listener is missing');
    assert.deepEqual(mine.processes.map(p => p.pid), [process.pid]);
    const info = await c.processInfo(process.pid);
    assert.equal(info?.pid, process.pid);
    assert.equal(info?.startTime, mine.processes[0].startTime);
    assert.equal(await c.processInfo(2 ** 22 + 7), undefined, 'a pid above pid_max does not exist');
  });

  it('answers the Ports view with port groups, then "unchanged" while they hold, and new groups when a port opens', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    collectors.push(c);
    const a = await c.collectGroups({ listeningOnly: true }, undefined);
    assert.ok(a.groups, 'no groups in the first answer');
    const mine = a.groups.find(g => g.key === `tcp:${portOf(server)}`);
    assert.deepEqual(mine?.owners.map(o => o.pid), [process.pid]);
    assert.deepEqual(mine?.shares.map(x => [x.key, x.process?.pid, x.part]), [[`${process.pid}@${mine!.owners[0].startTime}`, process.pid, undefined]]);
    let b = await c.collectGroups({ listeningOnly: true }, a.hash);
    // other processes on the machine may open or close a port in between: retry a few times
    let have = a.hash;
    for (let i = 0; i < 5 && b.groups; i++) { have = b.hash; b = await c.collectGroups({ listeningOnly: true }, have); }
    assert.equal(b.groups, undefined, 'no "unchanged" answer in 6 quiet collections');
    assert.equal(b.hash, have);
    assert.ok(c.unchangedAnswers >= 1);
    assert.ok(b.takenAt >= a.takenAt);
    const extra = await listenTcp('127.0.0.1');
    try {
      const d = await c.collectGroups({ listeningOnly: true }, b.hash);
      assert.ok(d.groups, 'a new listener, but no new groups');
      assert.notEqual(d.hash, b.hash);
      const row = d.groups.find(g => g.key === `tcp:${portOf(extra)}`);
      assert.deepEqual(row?.owners.map(p => [p.pid, p.commandLine.length > 0]), [[process.pid, true]]);
      assert.deepEqual(row?.addresses, [{ family: 4, address: '127.0.0.1', boundDevice: '', ipv6Only: null }]);
    } finally {
      await closeServer(extra);
    }
  });

  it('sends the groups again to a client that has other ones, and one owner list for the ports of one process', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    collectors.push(c);
    const second = await listenTcp('127.0.0.1');
    try {
      const first = await c.collectGroups({ listeningOnly: true }, undefined);
      const again = await c.collectGroups({ listeningOnly: true }, 'not a hash the worker sent');
      assert.ok(again.groups);
      assert.equal(again.hash, first.hash);
      const [g1, g2] = [server, second].map(s => again.groups!.find(g => g.key === `tcp:${portOf(s)}`)!);
      // shared on the worker's side and kept shared by the structured clone: the host holds one copy
      assert.equal(g1.owners, g2.owners);
      assert.equal(g1.shares, g2.shares);
      const all = await c.collectGroups({ listeningOnly: false }, again.hash);
      assert.ok(all.takenAt >= again.takenAt);
    } finally {
      await closeServer(second);
    }
  });

  it('collect() sends the whole snapshot every time: only the view\'s groups are answered "unchanged"', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    collectors.push(c);
    const first = await c.collect({ listeningOnly: true });
    const again = await c.collect({ listeningOnly: true });
    assert.notEqual(again.sockets, first.sockets);
    assert.equal(c.unchangedAnswers, 0);
    const mine = again.sockets.find(s => s.protocol === 'tcp' && s.localPort === portOf(server));
    assert.deepEqual(mine?.processes.map(p => [p.pid, typeof p.fd]), [[process.pid, 'number']]);
    assert.ok(again.sockets.every(s => s.state === 'LISTEN' || s.protocol === 'udp'), 'a connection in a listening-only snapshot');
  });

  it('reports the worker isolate\'s own heap', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    collectors.push(c);
    assert.equal(await c.heapStatistics(), undefined, 'no worker before the first call');
    await c.collect({ listeningOnly: true });
    const h = await c.heapStatistics();
    assert.ok(h && h.used > 2 ** 20 && h.total >= h.used && h.malloced > 0, JSON.stringify(h));
  });

  it('restarts the worker after it dies, failing only the calls in flight', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    collectors.push(c);
    await c.collect({ listeningOnly: true });
    const inFlight = c.collect({ listeningOnly: false });
    // terminate() the worker behind the collector's back
    await (c as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(inFlight, /exited/);
    const again = await c.collect({ listeningOnly: true });
    assert.ok(again.sockets.some(s => s.localPort === portOf(server)));
    assert.equal(c.starts, 2);
  });

  it('falls back to the calling thread when the worker script is missing, and says why', async () => {
    const reasons: string[] = [];
    const c = new WorkerCollector({ scriptPath: path.join(__dirname, 'no-such-worker.js'), onFallback: r => reasons.push(r) });
    collectors.push(c);
    const snap = await c.collect({ listeningOnly: true });
    assert.ok(snap.sockets.some(s => s.localPort === portOf(server)));
    const groups = await c.collectGroups({ listeningOnly: true }, undefined);
    assert.deepEqual(groups.groups?.find(g => g.key === `tcp:${portOf(server)}`)?.owners.map(o => o.pid), [process.pid]);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /not found/);
    assert.equal(c.starts, 0);
  });

  it('the compact wire form round-trips a live snapshot exactly and stores each process once', async () => {
    const snap = await new OwnerEnricher().enrich(await new ProcfsCollector().collect({ listeningOnly: false }));
    const c = compact(snap);
    assert.deepEqual(expand(c), snap);
    const owners = new Set(snap.sockets.flatMap(s => s.processes.map(p => `${p.pid}@${p.startTime}`)));
    assert.equal(c.processes?.length, owners.size);
    assert.equal(optionsKey({ listeningOnly: true, fullWalk: true }), optionsKey({ listeningOnly: true }));
    assert.notEqual(optionsKey({ listeningOnly: true }), optionsKey({ listeningOnly: false }));
  });

  it('rejects after dispose', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER });
    c.dispose();
    await assert.rejects(c.collect(), /disposed/);
  });
});
