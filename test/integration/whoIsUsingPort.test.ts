// "Ports: Who Is Using Port…" through the real command: with an argument it returns the owners of
// exactly that port, reports a free port as free (no owners) and rejects bad input with the same
// message the input box shows. The interactive quick pick is photographed for the README.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { freePort, MULTI_LISTENER, runHolder, sleep, TCP_LISTENER, waitFor, type Holder } from '../unit/support/children';
import { portsApi } from './helpers/portsApi';
import { screenshot } from './helpers/screenshot';

interface Owner {
  pid: number | null; name: string; commandLine: string; cwd: string; user: string; startTime: number | null;
  protocol: string; family: number; localAddress: string; localPort: number; state: string; listening: boolean; ownerVisible: boolean;
}
const who = (arg: unknown): Promise<Owner[]> => Promise.resolve(vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', arg));

describe('Who Is Using Port', function () {
  this.timeout(60000);
  const holders: Holder<unknown>[] = [];
  after(async () => { for (const h of holders) { await h.stop(); } });

  it('returns the child holding the port: TCP and UDP, IPv4 and IPv6, with owner details', async () => {
    const h = await runHolder<{ tcp: number; udp: number }>(MULTI_LISTENER());
    holders.push(h);
    const tcp = await who(h.info.tcp);
    assert.deepStrictEqual(tcp.map(o => [o.pid, o.protocol, o.localAddress, o.localPort, o.state]),
      [[h.pid, 'tcp', '127.0.0.1', h.info.tcp, 'LISTEN'], [h.pid, 'tcp', '::1', h.info.tcp, 'LISTEN']]);
    assert.strictEqual(tcp[0].name, 'node');
    assert.match(tcp[0].commandLine, /createServer/);
    assert.strictEqual(tcp[0].ownerVisible, true);
    assert.ok(typeof tcp[0].startTime === 'number' && Math.abs(tcp[0].startTime - Date.now()) < 120000, `startTime ${tcp[0].startTime}`);
    const udp = await who(String(h.info.udp)); // a numeric string works too
    assert.deepStrictEqual(udp.filter(o => o.protocol === 'udp').map(o => [o.pid, o.localAddress, o.state, o.listening]),
      [[h.pid, '127.0.0.1', 'UNCONN', true], [h.pid, '::1', 'UNCONN', true]]);
  });

  it('matches the port exactly, never by substring', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const prefix = Math.floor(h.info.port / 10);
    const owners = await who(prefix);
    assert.ok(owners.every(o => o.localPort === prefix), JSON.stringify(owners.map(o => o.localPort)));
    assert.ok(!owners.some(o => o.pid === h.pid));
  });

  it('reports a free port as free', async () => {
    const port = await freePort();
    assert.deepStrictEqual(await who(port), []);
  });

  it('rejects bad input with a clear message', async () => {
    await assert.rejects(who('80a'), /"80a" is not a port number/);
    await assert.rejects(who(70000), /70000 is out of range/);
    await assert.rejects(who(''), /Enter a port number/);
    await assert.rejects(who(-1), /not a port number/);
    await assert.rejects(who({ port: 'x' }), /Expected a port number/);
  });

  it('Reveal in Ports View selects the port\'s row', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const api = await portsApi();
    await vscode.commands.executeCommand('portInspector.filter', 'NoSuchProcess-abc');
    assert.strictEqual(await api.revealPort('tcp', h.info.port), true);
    assert.strictEqual(api.state().filter, undefined, 'a filter hiding the port is cleared');
    assert.strictEqual(api.viewVisible(), true);
    assert.strictEqual(await api.revealPort('tcp', await freePort()), false);
  });

  it('interactive: a quick pick of the port\'s sockets (skipping the input box); closing it returns the owners', async function () {
    const h = await runHolder<{ tcp: number; udp: number }>(MULTI_LISTENER());
    holders.push(h);
    // { interactive: true } skips the input box; Escape (pressed by the runner after the shot) closes the pick
    const shown = who({ port: h.info.tcp, interactive: true });
    await screenshot('who-is-using-port', { delayMs: 1500, press: 'Escape' });
    // without screenshots (or if Escape missed) close the pick the same way, until the command returns
    // (a close sent before the pick has opened closes nothing)
    const owners = await waitFor(async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return Promise.race([shown, sleep(100).then(() => undefined)]);
    });
    assert.ok(owners?.some(o => o.pid === h.pid));
  });
});
