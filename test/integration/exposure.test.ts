// The Ports view's exposure words in the real workbench, from what ss reports for each socket:
// a dual-stack and an IPv6-only wildcard, an IPv4 wildcard and a loopback listener; the
// "reachable from the network" icon only on the ports that are.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { runHolder, type Holder } from '../unit/support/children';
import { plainText, portRow, portsApi, tree } from './helpers/portsApi';

const WILDCARDS = `
  const net = require('net');
  const listen = o => new Promise((res, rej) => { const s = net.createServer(c => c.on('error', () => {})); s.once('error', rej); s.listen(o, () => res(s.address().port)); });
  (async () => {
    const dual = await listen({ host: '::', port: 0, ipv6Only: false });
    const v6 = await listen({ host: '::', port: 0, ipv6Only: true });
    const v4 = await listen({ host: '0.0.0.0', port: 0 });
    const lo = await listen({ host: '127.0.0.1', port: 0 });
    console.log(JSON.stringify({ dual, v6, v4, lo }));
  })();
  setInterval(() => {}, 1 << 30);`;

describe('Ports view: exposure from the socket facts', function () {
  this.timeout(60000);
  let h: Holder<{ dual: number; v6: number; v4: number; lo: number }> | undefined;
  after(async () => { await h?.stop(); });

  it('says who can reach each listener, as ss sees it, and marks only those reachable from the network', async () => {
    await portsApi();
    await vscode.commands.executeCommand('portInspector.ports.focus');
    h = await runHolder<{ dual: number; v6: number; v4: number; lo: number }>(WILDCARDS);
    const items = await tree();
    const expect: [number, string, string, string][] = [
      [h.info.dual, '*', 'IPv6 · all interfaces, IPv4 and IPv6', 'broadcast'],
      [h.info.v6, '[::]', 'IPv6 · all IPv6 interfaces', 'broadcast'],
      [h.info.v4, '0.0.0.0', 'IPv4 · all IPv4 interfaces', 'broadcast'],
      [h.info.lo, '127.0.0.1', 'IPv4 · this machine only', 'plug'],
    ];
    for (const [port, label, description, icon] of expect) {
      const row = portRow(items, 'tcp', port);
      assert.ok(row, `port ${port} missing`);
      assert.strictEqual(row.icon, icon, `${label}:${port}`);
      const addr = row.children.filter(c => c.id.includes('/addr/'));
      assert.deepStrictEqual(addr.map(c => [c.label, c.description]), [[label, description]]);
      assert.match(plainText(row.tooltip), /bound interface: none/, 'the tooltip carries the facts');
    }
    assert.match(plainText(portRow(items, 'tcp', h.info.v6)!.tooltip), /IPv6-only: yes/);
    assert.match(plainText(portRow(items, 'tcp', h.info.dual)!.tooltip), /IPv6-only: no/);
    assert.match(portRow(items, 'tcp', h.info.dual)!.description, /\* \(all interfaces, IPv4 and IPv6\)$/);
  });
});
