// Port questions over a live snapshot with numbers chosen to collide as text: a port and the port
// ten times larger plus a digit (80 and 80x, as 80 and 8080), and a listener's number against a
// client's ephemeral port.
import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { ProcfsCollector } from '../../../src/core/collect/procfsCollector';
import { listenersOnPort, socketsOnPort } from '../../../src/core/socketQueries';
import { closeServer, connectTcp, listenTcp, portOf } from '../support/children';
import { linuxOnly } from '../support/skip';

/** Listeners on p and on 10p+d (both below 65536): their decimal texts share a prefix. */
async function collidingPair(): Promise<[net.Server, net.Server]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = 1024 + Math.floor(Math.random() * (6552 - 1024));
    const q = p * 10 + Math.floor(Math.random() * 10);
    const a = await listenTcp('127.0.0.1', p).catch(() => undefined);
    if (!a) { continue; }
    const b = await listenTcp('127.0.0.1', q).catch(() => undefined);
    if (b) { return [a, b]; }
    await closeServer(a);
  }
  throw new Error('no free pair of colliding ports in 50 attempts');
}

describe('socketsOnPort / listenersOnPort on live sockets', function () {
  before(function () { linuxOnly(this); });
  const collector = new ProcfsCollector();

  it('80 never matches 80x (or 8080): exact numbers, in both directions', async () => {
    const [a, b] = await collidingPair();
    try {
      const p = portOf(a), q = portOf(b);
      assert.ok(String(q).startsWith(String(p)));
      const snap = await collector.collect({ protocols: ['tcp'], fullWalk: true });
      for (const [port, other] of [[p, q], [q, p]]) {
        for (const found of [socketsOnPort(snap.sockets, port), listenersOnPort(snap.sockets, port)]) {
          assert.ok(found.length > 0, `port ${port} found`);
          assert.deepEqual([...new Set(found.map(s => s.localPort))], [port], `port ${port} only, never ${other}`);
          assert.ok(found.some(s => s.state === 'LISTEN' && s.processes.some(o => o.pid === process.pid)));
        }
      }
    } finally { await closeServer(a); await closeServer(b); }
  });

  it('a client\'s ephemeral port N: socketsOnPort shows the connection, listenersOnPort finds no listener', async () => {
    const server = await listenTcp('127.0.0.1');
    const client = await connectTcp('127.0.0.1', portOf(server));
    try {
      const n = client.localPort!;
      const snap = await collector.collect({ protocols: ['tcp'], fullWalk: true });
      assert.deepEqual(socketsOnPort(snap.sockets, n).map(s => [s.state, s.localPort, s.remotePort]), [['ESTABLISHED', n, portOf(server)]]);
      assert.deepEqual(listenersOnPort(snap.sockets, n), []);
      assert.deepEqual(listenersOnPort(snap.sockets, portOf(server)).map(s => s.state), ['LISTEN']);
      assert.deepEqual(listenersOnPort(snap.sockets, portOf(server), 'udp'), []);
    } finally { client.destroy(); await closeServer(server); }
  });
});
