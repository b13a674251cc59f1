// The ss-backed attribute source on this process's own sockets: runs ss only for a listener it has
// not seen, agrees with the kernel's v6only flag, keeps its cache across CLI runs only within one boot.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { SocketAttributeSource } from '../../../../src/core/collect/socketAttributes';
import { unixTool } from '../../../../src/core/platform/systemTools';
import { linuxOnly, skipUnless } from '../../support/skip';

const listen = (o: net.ListenOptions) => new Promise<net.Server>(r => { const s = net.createServer(); s.listen(o, () => r(s)); });
const close = (s: net.Server) => new Promise<void>(r => s.close(() => r()));

describe('socket attributes: ss runs only for new listeners', function () {
  before(function () { linuxOnly(this); skipUnless(this, unixTool('ss'), 'iproute2 ss is not installed'); });

  it('a refresh with no new listener runs no ss; a new one runs it once; the flags match the socket options', async () => {
    const c = new ProcfsCollector();
    const v6 = await listen({ host: '::1', port: 0, ipv6Only: true });
    try {
      await c.collect({ listeningOnly: true });
      const after1 = c.attributes.runs;
      assert.equal(after1, 1);
      await c.collect({ listeningOnly: true });
      assert.equal(c.attributes.runs, 1, 'nothing new: no ss');
      const dual = await listen({ host: '::', port: 0, ipv6Only: false });
      try {
        const snap = await c.collect({ listeningOnly: true });
        assert.equal(c.attributes.runs, 2);
        const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
        const find = (p: number) => snap.sockets.find(s => s.protocol === 'tcp' && s.localPort === p)!;
        assert.deepEqual([find(port(v6)).ipv6Only, find(port(v6)).boundDevice], [true, '']);
        assert.deepEqual([find(port(dual)).ipv6Only, find(port(dual)).boundDevice], [false, '']);
      } finally { await close(dual); }
    } finally { await close(v6); }
  });

  it('the CLI\'s saved cache is taken back only in the same boot, and damaged entries are skipped', () => {
    const a = new SocketAttributeSource({ ss: undefined });
    a.importCache({ boot: 'b1', devices: [['enp0s3', '2']], groups: [['enp0s3', null, [7, 'x']], ['', true, [8]], [1, 2, [9]]] }, 'b1');
    assert.deepEqual(a.get(9), { boundDevice: null, ipv6Only: null }, 'a damaged group is skipped');
    assert.deepEqual(a.get(7), { boundDevice: 'enp0s3', ipv6Only: null });
    assert.deepEqual(a.get(8), { boundDevice: '', ipv6Only: true });
    const b = new SocketAttributeSource({ ss: undefined });
    assert.equal(b.importCache(a.exportCache('b1'), 'b2'), false);
    assert.deepEqual(b.get(7), { boundDevice: null, ipv6Only: null });
    assert.equal(b.importCache(JSON.parse(JSON.stringify(a.exportCache('b1'))), 'b1'), true);
    assert.deepEqual(b.get(8), { boundDevice: '', ipv6Only: true });
    assert.equal(b.importCache(undefined, 'b1'), false);
  });
});
