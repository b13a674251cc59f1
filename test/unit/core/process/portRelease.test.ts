// "Is the port free?" after a kill, a container stop or a terminal's Kill and Re-run: counted from
// the socket tables, whoever holds the listener, and waited for until a deadline.
import * as assert from 'node:assert/strict';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { listenersLeft, waitUntilFree } from '../../../../src/core/process/portRelease';
import { runHolder, TCP_LISTENER } from '../../support/children';
import { linuxOnly } from '../../support/skip';

describe('portRelease', function () {
  before(function () { linuxOnly(this); });
  const collector = new ProcfsCollector();

  it('counts the listeners on a port across addresses, and waits until the last one has gone', async () => {
    const v4 = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    const v6 = await runHolder<{ port: number }>(TCP_LISTENER('::1', v4.info.port));
    const port = v4.info.port;
    try {
      assert.equal(await listenersLeft(collector, port, 'tcp'), 2);
      assert.equal(await listenersLeft(collector, port, undefined), 2, 'any protocol');
      assert.equal(await listenersLeft(collector, port, 'udp'), 0);
      const t0 = Date.now();
      assert.equal(await waitUntilFree(collector, port, 'tcp', 300, 50), false, 'still held when the time is up');
      assert.ok(Date.now() - t0 >= 300);
      await v4.stop();
      assert.equal(await listenersLeft(collector, port, 'tcp'), 1);
      // ended while the wait runs: the wait notices
      const waiting = waitUntilFree(collector, port, 'tcp', 10000, 50);
      await v6.stop();
      assert.equal(await waiting, true);
      assert.equal(await listenersLeft(collector, port, 'tcp'), 0);
    } finally {
      await v4.stop();
      await v6.stop();
    }
  });
});
