// Killing through the real commands: a child holding a port ends and the port is free afterwards
// (and the view no longer lists it); a process that ignores SIGTERM survives Kill and falls to Force
// Kill; a pid whose start time changed is refused; the extension host, its parent and PID 1 are
// refused. Every process signalled here is one this test started.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as vscode from 'vscode';
import { runHolder, STUBBORN_TCP_LISTENER, TCP_CLIENT, TCP_LISTENER, TERM_COUNTING_LISTENER, termsSeen, type Holder } from '../unit/support/children';
import { portRow, portsApi, tree } from './helpers/portsApi';

interface KillResult { pid: number; status: string; message: string; signal?: string }
interface Owner { pid: number | null; startTime: number | null; localPort: number; protocol: string }

const ppidOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ')[1]);

/**
 * Helper processes (a --type=… role: pty host, file watcher) of the server this extension host runs
 * under — its descendants only: other VS Code servers on this machine (another checkout's test run)
 * use the same executable and are none of this test's business.
 */
function vscodeHelpers(): number[] {
  const server = process.ppid;
  const under = (pid: number) => { for (let p = pid, i = 0; p > 1 && i < 64; i++) { p = ppidOf(p); if (p === server) { return true; } } return false; };
  return fs.readdirSync('/proc').filter(n => /^\d+$/.test(n)).map(Number).filter(pid => {
    if (pid === process.pid) { return false; }
    try {
      return /\0--type=(?!extensionHost)/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')) && under(pid);
    } catch { return false; }
  });
}

const who = (port: number) => vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', port);
const NO_CONFIRM = { confirm: false };

function connectRefused(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(false); });
    c.once('error', e => resolve((e as NodeJS.ErrnoException).code === 'ECONNREFUSED'));
  });
}

async function target(h: Holder<{ port: number }>) {
  const owner = (await who(h.info.port)).find(o => o.pid === h.pid);
  assert.ok(owner && owner.startTime !== null, `pid ${h.pid} not found on port ${h.info.port}`);
  return { pid: h.pid, startTime: owner.startTime, port: h.info.port, protocol: 'tcp' };
}

describe('Kill', function () {
  this.timeout(60000);
  const holders: Holder<unknown>[] = [];
  after(async () => { for (const h of holders) { await h.stop(); } });

  it('Kill ends the child holding a port with SIGTERM; the port is free and the view drops it', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    assert.ok(portRow(await tree(), 'tcp', h.info.port), 'listed before the kill');
    const results = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', await target(h), NO_CONFIRM);
    assert.deepStrictEqual(results.map(r => [r.pid, r.status, r.signal]), [[h.pid, 'released', 'SIGTERM']]);
    assert.strictEqual(await h.exited, 0, 'the child exited through its SIGTERM handler');
    assert.deepStrictEqual(await who(h.info.port), []);
    assert.strictEqual(await connectRefused(h.info.port), true);
    // the kill refreshed the view by itself: read the rendered tree without another refresh
    assert.strictEqual(portRow(await (await portsApi()).renderTree(), 'tcp', h.info.port), undefined);
  });

  it('Kill Process on Port with arguments: SIGTERM is ignored -> still held; force -> SIGKILL frees it', async () => {
    const h = await runHolder<{ port: number }>(STUBBORN_TCP_LISTENER);
    holders.push(h);
    const first = await vscode.commands.executeCommand<KillResult[]>('portInspector.killPort', h.info.port, NO_CONFIRM);
    assert.deepStrictEqual(first.map(r => [r.pid, r.status]), [[h.pid, 'still-held']]);
    assert.strictEqual(h.child.exitCode, null);
    assert.strictEqual(h.child.signalCode, null);
    const forced = await vscode.commands.executeCommand<KillResult[]>('portInspector.killPort', h.info.port, { force: true, confirm: false });
    assert.deepStrictEqual(forced.map(r => [r.pid, r.status, r.signal]), [[h.pid, 'released', 'SIGKILL']]);
    assert.strictEqual(await h.exited, 'SIGKILL');
    assert.strictEqual(await connectRefused(h.info.port), true);
  });

  it('Kill of one holder of a split port: that holder is released, but the notification says the port is still held', async () => {
    const v4 = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(v4);
    const v6 = await runHolder<{ port: number }>(TCP_LISTENER('::1', v4.info.port));
    holders.push(v6);
    // The notifications are the flow's answer to the user: read what it asks the workbench to show.
    const shown: string[] = [];
    const window = vscode.window as { -readonly [K in 'showWarningMessage' | 'showInformationMessage']: typeof vscode.window[K] };
    const saved = { warning: window.showWarningMessage, information: window.showInformationMessage };
    window.showWarningMessage = ((m: string) => { shown.push(`warning: ${m}`); return Promise.resolve(undefined); }) as typeof window.showWarningMessage;
    window.showInformationMessage = ((m: string) => { shown.push(`information: ${m}`); return Promise.resolve(undefined); }) as typeof window.showInformationMessage;
    let results: KillResult[];
    try {
      results = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', await target(v4), NO_CONFIRM);
    } finally {
      window.showWarningMessage = saved.warning;
      window.showInformationMessage = saved.information;
    }
    assert.deepStrictEqual(results.map(r => [r.pid, r.status]), [[v4.pid, 'released']]);
    assert.deepStrictEqual(shown, [`warning: Port ${v4.info.port} is still held: 1 listener(s) remain (their owners are not visible or appeared since).`]);
    assert.ok((await who(v4.info.port)).some(o => o.pid === v6.pid), 'the other holder still listens on ::1');
  });

  it('refuses a pid whose start time changed (pid reuse guard) and leaves it running', async () => {
    const h = await runHolder<{ port: number }>(TERM_COUNTING_LISTENER);
    holders.push(h);
    const t = await target(h);
    const results = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { ...t, startTime: t.startTime - 60000 }, NO_CONFIRM);
    assert.deepStrictEqual(results.map(r => [r.pid, r.status]), [[h.pid, 'not-same-process']]);
    assert.strictEqual(await termsSeen(h.info.port), 0, 'no SIGTERM reached it');
    assert.ok((await who(h.info.port)).some(o => o.pid === h.pid), 'still holds its port');
  });

  it('refuses to kill a pid that no longer holds the port', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const t = await target(h);
    const results = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { ...t, port: t.port === 65535 ? 65534 : t.port + 1 }, NO_CONFIRM);
    assert.deepStrictEqual(results.map(r => [r.pid, r.status]), [[h.pid, 'no-longer-holds-port']]);
    assert.strictEqual(h.child.exitCode, null);
  });

  it('refuses to kill the extension host, its parent (VS Code) and PID 1', async () => {
    const server = net.createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const me = (await who(port)).find(o => o.pid === process.pid);
      assert.ok(me && me.startTime !== null, 'the extension host holds the test server');
      for (const pid of [process.pid, process.ppid, 1]) {
        const results: KillResult[] = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill',
          { pid, startTime: pid === process.pid ? me.startTime : 0, port, protocol: 'tcp' }, NO_CONFIRM);
        assert.deepStrictEqual(results.map(r => [r.pid, r.status]), [[pid, 'protected']], `pid ${pid}`);
        assert.match(results[0].message, /^Refusing to kill/);
      }
      // The server's other processes (pty host, file watcher, other extension hosts) are VS Code's too.
      const helpers = vscodeHelpers();
      assert.ok(helpers.length > 0, 'the server runs no other helper process');
      for (const pid of helpers) {
        // startTime 0: even if the protection failed, the start-time check would refuse to signal.
        const results: KillResult[] = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { pid, startTime: 0, port, protocol: 'tcp' }, NO_CONFIRM);
        assert.deepStrictEqual(results.map(r => [r.pid, r.status]), [[pid, 'protected']], `helper pid ${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')}`);
      }
      // still here, still listening
      assert.ok((await who(port)).some(o => o.pid === process.pid));
    } finally {
      await new Promise(r => server.close(r));
    }
  });

  it('Kill Process on Port N, where N is only a client\'s ephemeral port: nothing to kill, the client lives', async () => {
    const server = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(server);
    const client = await runHolder<{ localPort: number }>(TCP_CLIENT(server.info.port));
    holders.push(client);
    assert.ok((await who(client.info.localPort)).some(o => o.pid === client.pid), 'the connection is shown');
    const results = await vscode.commands.executeCommand<KillResult[]>('portInspector.killPort', client.info.localPort, NO_CONFIRM);
    assert.deepStrictEqual(results, []);
    assert.ok(client.child.exitCode === null && client.child.signalCode === null);
    assert.ok((await who(client.info.localPort)).some(o => o.pid === client.pid), 'still connected');
  });

  it('bad arguments are rejected with a clear error, nothing is signalled', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('portInspector.killPort', '80a', NO_CONFIRM)), /"80a" is not a port number/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('portInspector.kill', { pid: 'x' }, NO_CONFIRM)), /pass \{ pid, startTime, port \}/);
  });

  it('asks first (confirmKill): a modal dialog naming the process; nothing is signalled without a yes', async () => {
    const h = await runHolder<{ port: number }>(TERM_COUNTING_LISTENER);
    holders.push(h);
    const { pid, startTime, port } = await target(h); // bare pid: the flow looks up name, user and command line itself
    // confirmKill defaults to true. A workbench running extension tests refuses modal dialogs and says
    // what it was asked to show, which is exactly what this test wants to read.
    const outcome = await Promise.resolve(vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { pid, startTime, port }))
      .then(r => ({ shown: false, text: JSON.stringify(r) }), (e: Error) => ({ shown: true, text: e.message }));
    assert.ok(outcome.shown, `no dialog was requested: ${outcome.text}`);
    assert.match(outcome.text, new RegExp(`Kill node \\(pid ${pid}\\)\\?`));
    assert.strictEqual(await termsSeen(h.info.port), 0, 'not confirmed: no SIGTERM reached it');
    assert.strictEqual(h.child.exitCode, null, 'not confirmed: the child still runs');
  });
});
