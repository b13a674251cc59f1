// The dev-server port warning in the real workbench, on the fixture workspace (test/fixtures/workspace:
// package.json "dev": "vite --port 5173", .env PORT=4000). Real processes hold the real ports 5173 and
// 4000 (fixed by the fixture), so the suite first checks that both are free and stops with a clear
// message if they are not.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PortInspectorApi } from '../../src/extension/extension';
import type { DevPortsApi, DevPortsState } from '../../src/extension/devPorts/devPortsController';
import { terminalForPid } from '../../src/extension/shared/terminalOwnership';
import { createCollector } from '../../src/core/collect/createCollector';
import { runHolder, sleep, TCP_LISTENER, waitFor, type Holder } from '../unit/support/children';
import { EXTENSION_ID, portRow, tree } from './helpers/portsApi';
import { screenshot } from './helpers/screenshot';
import { skipUnless } from '../unit/support/skip';

const VITE_PORT = 5173;
const ENV_PORT = 4000;

let current: DevPortsApi | undefined;

async function devPorts(): Promise<DevPortsApi> {
  const ext = vscode.extensions.getExtension<PortInspectorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not loaded`);
  current = (ext.isActive ? ext.exports : await ext.activate()).devPorts;
  return current;
}

/**
 * What the status bar shows, read from the vscode.StatusBarItem the extension created (not from
 * its model). The API has no getter for visibility: the extension host's item keeps it in
 * `_visible`, which show() and hide() set.
 */
function bar() {
  assert.ok(current, 'devPorts() not called yet');
  const item = current.statusBarItem;
  const visible = (item as unknown as { _visible?: unknown })._visible;
  assert.strictEqual(typeof visible, 'boolean', 'the status-bar item no longer keeps its visibility in _visible');
  const tooltip = item.tooltip;
  const background = item.backgroundColor as vscode.ThemeColor | undefined;
  return {
    text: item.text,
    tooltip: typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '',
    visible: visible as boolean,
    backgroundColor: background?.id,
    warning: background?.id === 'statusBarItem.warningBackground',
    command: typeof item.command === 'string' ? item.command : item.command?.command,
  };
}

/** Free on IPv4 and IPv6 loopback and on the wildcard address (where a dev server would bind). */
async function assertFree(port: number): Promise<void> {
  for (const host of ['127.0.0.1', '0.0.0.0', '::1']) {
    const problem = await new Promise<string | undefined>(resolve => {
      const s = net.createServer();
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRNOTAVAIL' ? undefined : e.code ?? String(e)));
      s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(undefined)));
    });
    if (problem) {
      assert.fail(`Port ${port} is not free on ${host} (${problem}). The dev-port tests need ports ${VITE_PORT} and ${ENV_PORT}, ` +
        `which the fixture workspace names; stop whatever holds port ${port} (e.g. \`node dist/cli.js who ${port}\`) and run again.`);
    }
  }
}

function watched(state: DevPortsState, port: number) {
  return state.watched.find(w => w.port === port && w.protocol === 'tcp');
}

const workspaceDir = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

describe('dev-server port warning (status bar)', function () {
  this.timeout(90000);
  const holders: Holder<unknown>[] = [];
  const terminals: vscode.Terminal[] = [];
  const config = () => vscode.workspace.getConfiguration('portInspector');

  before(async function () {
    const names = fs.readdirSync(workspaceDir());
    skipUnless(this, names.includes('package.json') && names.includes('.env'), 'the workspace is not the fixture workspace (package.json and .env)');
    await assertFree(VITE_PORT);
    await assertFree(ENV_PORT);
  });

  after(async () => {
    for (const h of holders) { await h.stop(); }
    for (const t of terminals) { t.dispose(); }
    await config().update('watchPorts', undefined, vscode.ConfigurationTarget.Global);
    await config().update('devPortsCheckInterval', undefined, vscode.ConfigurationTarget.Global);
    await config().update('detectDevPorts', undefined, vscode.ConfigurationTarget.Global);
    await config().update('statusBar', undefined, vscode.ConfigurationTarget.Global);
  });

  it('watches 5173 from package.json and 4000 from .env, each with its source; quiet while both are free', async () => {
    const api = await devPorts();
    const state = await api.refresh();
    assert.deepStrictEqual(state.watched.map(w => `${w.port}/${w.protocol}`), ['4000/tcp', '5173/tcp']);
    assert.deepStrictEqual(watched(state, VITE_PORT)!.sources, [{ folder: 'workspace', file: 'package.json', line: 5, detail: 'script "dev": vite --port 5173', kind: 'explicit' }]);
    assert.deepStrictEqual(watched(state, ENV_PORT)!.sources, [{ folder: 'workspace', file: '.env', line: 1, detail: 'PORT=4000', kind: 'explicit' }]);
    assert.deepStrictEqual(state.watched.map(w => w.state), ['free', 'free']);
    assert.strictEqual(bar().visible, true);
    assert.strictEqual(bar().text, '$(radio-tower) 2');
    assert.strictEqual(bar().warning, false);
    assert.strictEqual(bar().backgroundColor, undefined);
    assert.strictEqual(bar().command, 'portInspector.devPorts.showActions');
    assert.match(bar().tooltip, /\*\*5173\*\* free\n- detected: package\.json:5 \(script "dev": vite --port 5173\)/);
    assert.match(bar().tooltip, /\*\*4000\*\* free\n- detected: \.env:1 \(PORT=4000\)/);
    assert.deepStrictEqual(state.notes, []);
    assert.strictEqual(state.lastError, undefined);
    // Measured with performance.now() around registerDevPorts: a real duration is never exactly 0.
    assert.ok(state.registerMs > 0 && Number.isFinite(state.registerMs), `registerMs: ${state.registerMs}`);
    // Reported in README "Dev-server port warning" (start-up): the feature's share of activate().
    console.log(`      registerDevPorts took ${state.registerMs.toFixed(2)} ms inside activate()`);
  });

  it('a process outside the workspace holding 5173 turns the item into a warning naming it; the warning clears on the timer when it exits', async () => {
    const api = await devPorts();
    const h = await runHolder<{ port: number }>(`/* dev-ports-it-outsider */ ${TCP_LISTENER('127.0.0.1', VITE_PORT)}`, os.tmpdir());
    holders.push(h);
    try {
      await outsider(api, h);
    } finally {
      await h.stop();
      await config().update('devPortsCheckInterval', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  async function outsider(api: DevPortsApi, h: Holder<{ port: number }>): Promise<void> {
    const state = await api.check();
    const w = watched(state, VITE_PORT)!;
    assert.strictEqual(w.state, 'conflict');
    assert.deepStrictEqual(w.holders.map(x => [x.pid, x.ownership.kind, x.cwd]), [[h.pid, 'other', fs.realpathSync(os.tmpdir())]]);
    const name = w.holders[0].name;
    assert.strictEqual(name, 'node');
    assert.strictEqual(bar().text, `$(warning) ${VITE_PORT} taken by node (${h.pid})`);
    assert.strictEqual(bar().warning, true);
    assert.strictEqual(bar().backgroundColor, 'statusBarItem.warningBackground');
    assert.match(bar().tooltip, /\*\*5173\*\* taken\n- node \(pid \d+, [^)]*\) — cwd `[^`]*`: `[^`]*dev-ports-it-outsider/);
    assert.strictEqual(watched(state, ENV_PORT)!.state, 'free');

    // No explicit check from here on: the interval (2 s) must notice the exit by itself.
    await config().update('devPortsCheckInterval', 2, vscode.ConfigurationTarget.Global);
    const checksBefore = api.state().checks;
    await h.stop();
    const cleared = await waitFor(() => { const s = api.state(); return !bar().warning && watched(s, VITE_PORT)!.state === 'free' ? s : undefined; }, 15000, 200);
    assert.ok(cleared, `warning did not clear: ${JSON.stringify(api.state().statusBar)}`);
    assert.ok(cleared.checks > checksBefore, 'cleared by a periodic check');
    assert.strictEqual(bar().text, '$(radio-tower) 2');
  }

  it('clicking the warning opens Kill / Force Kill / Reveal / Ignore for the taken port; Ignore This Port silences it', async () => {
    const api = await devPorts();
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1', VITE_PORT), os.tmpdir());
    holders.push(h);
    try {
      await api.check();
      assert.strictEqual(bar().warning, true);
      await screenshot('dev-ports-warning', { delayMs: 500 });
      // The item's command; the pick lists: separator "5173 taken by node (pid)", Kill, Force Kill, Reveal in Ports View, Ignore This Port.
      // The command checks the ports, then shows the pick. Joining that check (checks coalesce) resumes
      // this test after the command called showQuickPick; one more turn of the event loop lets the
      // pick's items go out ahead of the key commands. The workbench may still draw the items after
      // the keys arrive; then the keys do nothing (or land on Reveal, which changes nothing): the
      // pick is closed and opened again, until the port is ignored.
      let ignored = false;
      for (let attempt = 0; attempt < 5 && !ignored; attempt++) {
        const checks0 = api.state().checks;
        const done = vscode.commands.executeCommand(bar().command!);
        assert.ok(await waitFor(() => api.state().checks > checks0, 10000, 5), 'the action list never checked the ports');
        await api.check();
        await new Promise(r => setImmediate(r));
        // No API tells when the workbench has drawn the pick's items: each retry gives it longer
        // (0, 100, 200, 400, 800 ms) before the keys, so a slow render is waited out, not raced.
        if (attempt > 0) { await sleep(100 * 2 ** (attempt - 1)); }
        if (attempt === 0) { await screenshot('dev-ports-actions', { delayMs: 300 }); }
        for (let i = 0; i < 3; i++) { await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext'); }
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        ignored = Boolean(await waitFor(() => watched(api.state(), VITE_PORT)!.ignored, 1000, 20));
        if (!ignored) { await vscode.commands.executeCommand('workbench.action.closeQuickOpen'); }
        await done;
        assert.ok(h.child.exitCode === null && h.child.signalCode === null, 'a key landed on Kill: the pick was not ready');
      }
      const after = api.state();
      assert.strictEqual(watched(after, VITE_PORT)!.ignored, true, `not ignored: ${JSON.stringify(watched(after, VITE_PORT))}`);
      assert.strictEqual(bar().warning, false);
      assert.ok(h.child.exitCode === null && h.child.signalCode === null, 'Ignore must not signal the process');
      assert.match(bar().tooltip, /\*\*5173\*\* taken \(ignored\)/);
    } finally {
      await api.setIgnored(VITE_PORT, false);
      await h.stop();
      await api.check();
    }
  });

  it('Reveal in Ports View selects the port; Kill goes through the Ports view\'s kill flow and clears the warning', async () => {
    const api = await devPorts();
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1', VITE_PORT), os.tmpdir());
    holders.push(h);
    try {
      assert.strictEqual((await api.check()).statusBar.warning, true);
      assert.strictEqual(await api.reveal(VITE_PORT), true);
      const results = await api.kill(VITE_PORT, { confirm: false });
      assert.deepStrictEqual(results.map(r => [r.pid, r.status, r.signal]), [[h.pid, 'released', 'SIGTERM']]);
      assert.strictEqual(await h.exited, 0, 'TCP_LISTENER exits 0 on SIGTERM');
      const after = api.state();
      assert.strictEqual(watched(after, VITE_PORT)!.state, 'free');
      assert.strictEqual(bar().warning, false);
      assert.deepStrictEqual(await api.kill(ENV_PORT, { confirm: false }), [], 'nothing to kill on a free port');
    } finally {
      await h.stop();
    }
  });

  it('a server started in an integrated terminal holding 4000 is the workspace\'s own: no warning; Show Terminal reveals that terminal; Stop sends Ctrl+C', async () => {
    const api = await devPorts();
    // cwd outside the workspace on purpose: ownership must come from the terminal's process tree.
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'devports-it-')), 'server.js');
    fs.writeFileSync(script, `require('net').createServer().listen(${ENV_PORT}, '127.0.0.1', () => console.log('listening on ${ENV_PORT}'));\n`);
    const term = vscode.window.createTerminal({ name: 'dev-4000', cwd: os.tmpdir(), env: { ELECTRON_RUN_AS_NODE: '1' } });
    terminals.push(term);
    term.sendText(`'${process.execPath}' '${script}'`, true);
    const state = await waitFor(async () => { const s = await api.check(); return watched(s, ENV_PORT)!.state !== 'free' ? s : undefined; }, 20000, 250);
    assert.ok(state, 'the terminal\'s server never took port 4000');
    const w = watched(state, ENV_PORT)!;
    assert.strictEqual(w.state, 'own');
    assert.strictEqual(w.holders.length, 1);
    const holder = w.holders[0];
    assert.deepStrictEqual(holder.ownership, { kind: 'terminal', terminalPid: await term.processId, terminalName: 'dev-4000' });
    assert.match(holder.commandLine, /server\.js/);
    assert.strictEqual(bar().warning, false);
    assert.strictEqual(bar().text, '$(radio-tower) 2');
    assert.match(bar().tooltip, /\*\*4000\*\* held by this workspace\n- node \(pid \d+.*\) — from terminal "dev-4000"/);

    // The exported helper the Ports view uses gives the same answer.
    assert.strictEqual(await terminalForPid(holder.pid, createCollector()), term);
    assert.strictEqual(await terminalForPid(process.pid, createCollector()), undefined);

    // Show Terminal: another terminal is in front first, then ours must be.
    const other = vscode.window.createTerminal({ name: 'dev-other' });
    terminals.push(other);
    other.show(false);
    await waitFor(() => vscode.window.activeTerminal === other, 5000);
    assert.strictEqual(vscode.window.activeTerminal, other);
    assert.strictEqual(await api.showTerminal(ENV_PORT), true);
    assert.ok(await waitFor(() => vscode.window.activeTerminal === term, 5000), `active terminal: ${vscode.window.activeTerminal?.name}`);
    assert.strictEqual(await api.showTerminal(VITE_PORT), false, 'nothing to show for a free port');

    // The Ports view names the terminal on the port's row and offers Show Terminal there.
    const row = await waitFor(async () => { const r = portRow(await tree(), 'tcp', ENV_PORT); return r && /terminal "dev-4000"/.test(r.description) ? r : undefined; }, 10000, 250);
    assert.ok(row, `Ports view row: ${JSON.stringify(portRow(await tree(), 'tcp', ENV_PORT))}`);
    assert.match(row.description, new RegExp(`node · pid ${holder.pid} · terminal "dev-4000"`));
    assert.match(row.contextValue, /^port\b.*\bterminal\b/);
    other.show(false);
    await waitFor(() => vscode.window.activeTerminal === other, 5000);
    assert.strictEqual(await vscode.commands.executeCommand('portInspector.showTerminal', { kind: 'process', id: 'test', owner: { pid: holder.pid }, ports: [] }), true);
    assert.ok(await waitFor(() => vscode.window.activeTerminal === term, 5000), `active terminal after portInspector.showTerminal: ${vscode.window.activeTerminal?.name}`);

    assert.strictEqual(await api.stop(ENV_PORT), true);
    const stopped = await waitFor(async () => { const s = await api.check(); return watched(s, ENV_PORT)!.state === 'free' ? s : undefined; }, 10000, 250);
    assert.ok(stopped, 'Ctrl+C did not stop the server in the terminal');
  });

  it('portInspector.watchPorts changes take effect without reload; a bad entry is reported, not thrown', async () => {
    try {
      await watchPortsSetting();
    } finally {
      await config().update('watchPorts', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  async function watchPortsSetting(): Promise<void> {
    const api = await devPorts();
    await config().update('watchPorts', [VITE_PORT + 1, '6100-6101', '80a'], vscode.ConfigurationTarget.Global);
    const state = await waitFor(() => { const s = api.state(); return watched(s, 6101) ? s : undefined; }, 5000);
    assert.ok(state, `watchPorts not applied: ${JSON.stringify(api.state().watched.map(w => w.port))}`);
    assert.deepStrictEqual(state.watched.map(w => w.port), [ENV_PORT, VITE_PORT, VITE_PORT + 1, 6100, 6101]);
    assert.deepStrictEqual(watched(state, 6100)!.sources, [{ folder: '', file: 'settings', line: 0, detail: 'portInspector.watchPorts', kind: 'setting' }]);
    assert.strictEqual(state.problems.length, 1);
    assert.match(state.problems[0], /"80a"/);
    assert.strictEqual(bar().text, '$(radio-tower) 5');

    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1', 0), os.tmpdir());
    holders.push(h);
    await config().update('watchPorts', [h.info.port], vscode.ConfigurationTarget.Global);
    const warned = await waitFor(() => { const s = api.state(); return bar().warning ? s : undefined; }, 5000);
    assert.ok(warned, 'a newly watched taken port did not warn');
    assert.strictEqual(bar().text, `$(warning) ${h.info.port} taken by node (${h.pid})`);

    // Ignore This Port: listed, no warning.
    await api.setIgnored(h.info.port, true);
    assert.strictEqual(bar().warning, false);
    assert.strictEqual(watched(api.state(), h.info.port)!.ignored, true);
    await api.setIgnored(h.info.port, false);
    assert.strictEqual(bar().warning, true);

    await config().update('watchPorts', undefined, vscode.ConfigurationTarget.Global);
    const back = await waitFor(() => { const s = api.state(); return s.watched.length === 2 ? s : undefined; }, 5000);
    assert.ok(back, `watch list not restored: ${JSON.stringify(api.state().watched.map(w => w.port))}`);
    assert.strictEqual(bar().warning, false);
    await h.stop();
  }

  it('detectDevPorts: false stops detection (only the setting\'s ports remain); statusBar: hidden hides the item; both apply without reload', async () => {
    const api = await devPorts();
    try {
      await config().update('detectDevPorts', false, vscode.ConfigurationTarget.Global);
      const off = await waitFor(() => { const s = api.state(); return !s.detectEnabled && s.watched.length === 0 ? s : undefined; }, 5000);
      assert.ok(off, `detection not turned off: ${JSON.stringify(api.state().watched.map(w => w.port))}`);
      assert.strictEqual(bar().visible, false, 'auto: nothing watched, nothing shown');
      await config().update('watchPorts', [6200], vscode.ConfigurationTarget.Global);
      const setting = await waitFor(() => { const s = api.state(); return s.watched.length === 1 ? s : undefined; }, 5000);
      assert.deepStrictEqual(setting?.watched.map(w => [w.port, w.sources[0].kind]), [[6200, 'setting']]);
      await config().update('statusBar', 'hidden', vscode.ConfigurationTarget.Global);
      const hidden = await waitFor(() => { const s = api.state(); return s.mode === 'hidden' ? s : undefined; }, 5000);
      assert.ok(hidden, 'statusBar: hidden not applied');
      assert.strictEqual(bar().visible, false);
    } finally {
      await config().update('detectDevPorts', undefined, vscode.ConfigurationTarget.Global);
      await config().update('watchPorts', undefined, vscode.ConfigurationTarget.Global);
      await config().update('statusBar', undefined, vscode.ConfigurationTarget.Global);
    }
    const back = await waitFor(() => { const s = api.state(); return s.detectEnabled && s.watched.length === 2 && bar().visible ? s : undefined; }, 5000);
    assert.ok(back, `not restored: ${JSON.stringify(api.state().watched.map(w => w.port))}`);
    assert.strictEqual(bar().text, '$(radio-tower) 2');
  });

  it('broken package.json, garbage .env and an unreadable vite.config.ts: no error, notes in the log, the other sources still count (re-detected by the file watcher)', async () => {
    const api = await devPorts();
    const dir = workspaceDir();
    const pkg = path.join(dir, 'package.json');
    const env = path.join(dir, '.env');
    const vite = path.join(dir, 'vite.config.ts');
    const originalPkg = fs.readFileSync(pkg, 'utf8');
    const originalEnv = fs.readFileSync(env, 'utf8');
    try {
      fs.writeFileSync(pkg, '{ "scripts": { "dev": "vite --port 5173", ');
      const s1 = await waitFor(() => { const s = api.state(); return s.notes.some(n => n.file === 'package.json') ? s : undefined; }, 10000, 200);
      assert.ok(s1, `broken package.json not noticed: ${JSON.stringify(api.state().notes)}`);
      assert.match(s1.notes.find(n => n.file === 'package.json')!.message, /^not valid JSON \(.*\); skipped$/);
      assert.deepStrictEqual(s1.watched.map(w => w.port), [ENV_PORT], '5173 came only from package.json; 4000 still counts');
      assert.strictEqual(s1.lastError, undefined);

      fs.writeFileSync(env, '\u0000\u0001 binary garbage\n===\nPORT=4000\nPORT=not-a-port\n');
      fs.mkdirSync(vite);
      fs.writeFileSync(pkg, originalPkg);
      const s2 = await waitFor(() => {
        const s = api.state();
        return s.notes.some(n => n.file === 'vite.config.ts') && s.notes.some(n => n.file === '.env') && watched(s, VITE_PORT) ? s : undefined;
      }, 10000, 200);
      assert.ok(s2, `not re-detected: ${JSON.stringify(api.state().notes)}`);
      assert.deepStrictEqual(s2.watched.map(w => w.port), [ENV_PORT, VITE_PORT]);
      assert.deepStrictEqual(s2.notes.map(n => `${n.file}:${n.line ?? '-'} ${n.message}`).sort(), [
        '.env:1 2 line(s) are not KEY=value and were skipped',
        '.env:4 PORT=not-a-port is not a port number (1–65535); ignored',
        'vite.config.ts:- cannot read (it is a directory); skipped',
      ]);
      assert.strictEqual(bar().warning, false);
      assert.strictEqual(s2.lastError, undefined);
    } finally {
      fs.writeFileSync(pkg, originalPkg);
      fs.writeFileSync(env, originalEnv);
      fs.rmSync(vite, { recursive: true, force: true });
    }
    const restored = await waitFor(() => { const s = api.state(); return s.notes.length === 0 && s.watched.length === 2 ? s : undefined; }, 10000, 200);
    assert.ok(restored, `not restored: ${JSON.stringify(api.state().notes)}`);
  });
});
