import * as assert from 'node:assert/strict';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { killPortOwner, portStillHeld } from '../../../../src/core/process/kill';
import { ancestorPids, protectedPids } from '../../../../src/core/process/ancestry';
import { runHolder, STUBBORN_TCP_LISTENER, TCP_LISTENER } from '../../support/children';
import { linuxOnly } from '../../support/skip';

/** Free = no listener on the port. (Binding to it would also fail if a concurrent test's client
 *  happened to get the same ephemeral port, which says nothing about the kill.) */
async function portIsFree(port: number): Promise<boolean> {
  const snap = await new ProcfsCollector().collect({ protocols: ['tcp'], listeningOnly: true });
  return !snap.sockets.some(s => s.localPort === port);
}

describe('killPortOwner', function () {
  before(function () { linuxOnly(this); });
  const collector = new ProcfsCollector();

  async function startTimeOf(pid: number): Promise<number> {
    const info = await collector.processInfo(pid);
    assert.ok(info, `process ${pid} exists`);
    return info.startTime;
  }

  it('ends a child holding a port with SIGTERM, and the port is free afterwards', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    const pid = h.child.pid!;
    assert.equal(await portIsFree(h.info.port), false);
    const exited = new Promise<NodeJS.Signals | null>(r => h.child.once('exit', (_c, sig) => r(sig)));
    const result = await killPortOwner({ pid, startTime: await startTimeOf(pid), port: h.info.port }, { collector, waitMs: 3000 });
    assert.equal(result.status, 'released', result.message);
    assert.equal(result.signal, 'SIGTERM');
    await exited;
    assert.equal(await portIsFree(h.info.port), true);
  });

  it('a released owner does not make a free port: another process still listening on it is named as remaining', async () => {
    const v4 = await runHolder(TCP_LISTENER('127.0.0.1'));
    // the same port number on ::1, held by a second process
    const v6 = await runHolder(TCP_LISTENER('::1', v4.info.port));
    try {
      const result = await killPortOwner({ pid: v4.child.pid!, startTime: await startTimeOf(v4.child.pid!), port: v4.info.port, protocol: 'tcp' }, { collector, waitMs: 3000 });
      assert.equal(result.status, 'released', result.message);
      assert.equal(await portStillHeld(collector, v4.info.port, 'tcp'), `Port ${v4.info.port} is still held: 1 listener(s) remain (their owners are not visible or appeared since).`);
      assert.equal(await portStillHeld(collector, v4.info.port, 'udp'), undefined, 'nothing listens on the UDP port of that number');
    } finally {
      await v6.stop();
      await v4.stop();
    }
    assert.equal(await portStillHeld(collector, v4.info.port, 'tcp'), undefined, 'free once the second holder has gone');
  });

  it('refuses a pid whose start time changed, and leaves it running', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const pid = h.child.pid!;
      const result = await killPortOwner({ pid, startTime: (await startTimeOf(pid)) - 5000, port: h.info.port }, { collector });
      assert.equal(result.status, 'not-same-process', result.message);
      assert.equal(h.child.exitCode, null);
      assert.equal(await portIsFree(h.info.port), false);
    } finally { await h.stop(); }
  });

  it('refuses a pid that no longer holds the port', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const pid = h.child.pid!;
      const other = h.info.port === 65535 ? 65534 : h.info.port + 1;
      const result = await killPortOwner({ pid, startTime: await startTimeOf(pid), port: other }, { collector });
      assert.equal(result.status, 'no-longer-holds-port', result.message);
      assert.equal(h.child.exitCode, null);
    } finally { await h.stop(); }
  });

  it('needs force for a process that ignores SIGTERM', async () => {
    const h = await runHolder(STUBBORN_TCP_LISTENER);
    try {
      const pid = h.child.pid!;
      const req = { pid, startTime: await startTimeOf(pid), port: h.info.port };
      const soft = await killPortOwner(req, { collector, waitMs: 400 });
      assert.equal(soft.status, 'still-held', soft.message);
      assert.equal(h.child.exitCode, null);
      const hard = await killPortOwner(req, { collector, waitMs: 400, force: true });
      assert.equal(hard.status, 'released', hard.message);
      assert.equal(hard.signal, 'SIGKILL');
      assert.equal(await portIsFree(h.info.port), true);
    } finally { await h.stop(); }
  });

  it('never signals PID 1, itself or its ancestors', async () => {
    const guard = await protectedPids(collector);
    assert.ok(guard.includes(1) && guard.includes(process.pid) && guard.includes(process.ppid));
    assert.deepEqual((await ancestorPids(process.pid, collector))[0], process.ppid);
    for (const pid of [1, process.pid, process.ppid]) {
      const result = await killPortOwner({ pid, startTime: 0, port: 1 }, { collector, protectedPids: guard });
      assert.equal(result.status, 'protected', `pid ${pid}`);
    }
  });

  it('reports a vanished process as gone', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    const pid = h.child.pid!;
    const startTime = await startTimeOf(pid);
    await h.stop();
    const result = await killPortOwner({ pid, startTime, port: h.info.port }, { collector });
    assert.equal(result.status, 'gone');
  });
});
