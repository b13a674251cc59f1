// A taken port where it bites, in the real workbench: a bash terminal with shell integration runs a
// server on a port a foreign process (a child this test started) holds; the notification names the
// holder; Kill and Re-run ends the holder and the terminal's new server takes the port. A task's
// port is labelled `task "dev"` and Restart Task restarts it. A launch configuration with a taken
// env.PORT is stopped before anything starts. Every process signalled here is one this test started
// (directly, or through the terminal and the task it created).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PortInspectorApi } from '../../src/extension/extension';
import { freePort, runHolder, sleep, TCP_LISTENER, waitFor, type Holder } from '../unit/support/children';
import { EXTENSION_ID, portRow, tree } from './helpers/portsApi';

interface Owner { pid: number | null; startTime: number | null; commandLine?: string }
const who = (port: number) => vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', port);

async function api(): Promise<PortInspectorApi> {
  const ext = vscode.extensions.getExtension<PortInspectorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** A server script the terminal and the task run: listens on 127.0.0.1:PORT, prints "listening". */
function serverScript(dir: string): string {
  const file = path.join(dir, 'server.js');
  fs.writeFileSync(file, `const port = Number(process.argv[2]);
require('net').createServer(c => c.on('error', () => {})).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
process.on('SIGTERM', () => process.exit(0));
`);
  return file;
}

/** The extension host's own Node (code-server's), quoted for bash. */
const NODE = `'${process.execPath}'`;

function waitForShellIntegration(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) { return Promise.resolve(terminal.shellIntegration); }
  return new Promise(resolve => {
    const timer = setTimeout(() => { sub.dispose(); resolve(undefined); }, timeoutMs);
    const sub = vscode.window.onDidChangeTerminalShellIntegration(e => {
      if (e.terminal === terminal) { clearTimeout(timer); sub.dispose(); resolve(e.shellIntegration); }
    });
  });
}

describe('Terminal: a taken port where it bites', function () {
  this.timeout(90000);
  const holders: Holder<unknown>[] = [];
  const terminals: vscode.Terminal[] = [];
  let dir: string;
  let script: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-term-'));
    script = serverScript(dir);
  });
  after(async () => {
    for (const t of terminals) { t.dispose(); }
    for (const h of holders) { await h.stop(); }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A foreign holder (a child of this test) and a bash terminal whose shell integration is active. */
  async function heldPortAndBash(name: string) {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const terminal = vscode.window.createTerminal({ name, shellPath: '/bin/bash', cwd: dir, env: { ELECTRON_RUN_AS_NODE: '1' } });
    terminals.push(terminal);
    const si = await waitForShellIntegration(terminal, 20000);
    assert.ok(si, "bash shell integration did not activate in code-server's terminal within 20 s");
    return { h, port: h.info.port, terminal, si };
  }

  it('bash: EADDRINUSE names the foreign holder; Kill and Re-run ends it and the terminal\'s new server holds the port', async () => {
    const { h, port, terminal, si } = await heldPortAndBash('pi-eaddrinuse');
    const shellPid = await terminal.processId;

    const commandLine = `${NODE} server.js ${port}`;
    si.executeCommand(commandLine);
    const t = await api();
    const conflict = await waitFor(() => t.terminal.conflicts().find(c => c.port === port), 20000);
    assert.ok(conflict, `no conflict recognised for port ${port}: ${JSON.stringify(t.terminal.conflicts())}`);
    assert.strictEqual(conflict.terminalName, 'pi-eaddrinuse');
    assert.strictEqual(conflict.commandLine, commandLine);
    assert.strictEqual(conflict.commandLineExact, true, 'bash reports the command line itself');
    assert.strictEqual(conflict.exitCode, 1);
    assert.deepStrictEqual(conflict.holders.map(x => x.pid), [h.pid]);
    assert.match(conflict.message, new RegExp(`^Port ${port} is taken by node \\(pid ${h.pid}, user \\w+, .*running for \\d+ s\\)\\.$`));
    assert.deepStrictEqual(conflict.actions, ['Kill and Re-run', 'Show in Ports View', "Don't Ask for This Port"]);
    assert.match(conflict.line, /EADDRINUSE/);

    const started = new Promise<vscode.TerminalShellExecution>(resolve => {
      const sub = vscode.window.onDidStartTerminalShellExecution(e => { if (e.terminal === terminal) { sub.dispose(); resolve(e.execution); } });
    });
    const result = await t.terminal.act(conflict.id, 'killAndRerun', { confirm: false });
    assert.deepStrictEqual(result.killed.map(r => [r.pid, r.status]), [[h.pid, 'released']]);
    assert.strictEqual(result.rerun, true);
    assert.strictEqual(await h.exited, 0, 'the foreign holder ended through its SIGTERM handler');
    const again = await started;
    // The shell's report of the new execution may be cut where the line wrapped (read from the screen at
    // low confidence, and seen cut at high confidence too): it is the command sent or a tail of it. That
    // the whole command ran is checked on the new holder's own command line below.
    const reported = again.commandLine;
    assert.ok(reported.value === commandLine || (reported.value.trim() !== '' && commandLine.endsWith(reported.value.trim())),
      `the same command line ran again in the same terminal: ${JSON.stringify(reported)}`);

    const owners = await waitFor(async () => {
      const held = (await who(port)).filter(o => o.pid !== null);
      return held.length > 0 ? held : undefined;
    }, 15000) ?? [];
    assert.strictEqual(owners.length, 1, `port ${port} is not held again: ${JSON.stringify(owners)}`);
    assert.notStrictEqual(owners[0].pid, h.pid);
    assert.strictEqual(await t.terminal.taskOf(owners[0].pid!), undefined);
    // the new holder is the terminal's: its shell is the new server's parent
    const info = await vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', port);
    assert.strictEqual(info[0].commandLine, `${process.execPath} server.js ${port}`, 'the whole command line ran again');
    // the view names the terminal once its terminal index has caught up with the new owner
    const row = await waitFor(async () => {
      const r = portRow(await tree(), 'tcp', port);
      return r?.description.includes('terminal "pi-eaddrinuse"') ? r : undefined;
    }, 10000);
    assert.ok(row, `row: ${JSON.stringify(portRow(await tree(), 'tcp', port)?.description)} (shell pid ${shellPid})`);
    terminal.dispose();
    await waitFor(async () => (await who(port)).length === 0, 10000);
  });

  it("Show in Ports View and Don't Ask for This Port", async () => {
    const { h, port, terminal, si } = await heldPortAndBash('pi-ignore');
    const t = await api();
    si.executeCommand(`${NODE} server.js ${port}`);
    const conflict = await waitFor(() => t.terminal.conflicts().find(c => c.port === port), 20000);
    assert.ok(conflict, 'no conflict recognised');
    assert.strictEqual((await t.terminal.act(conflict.id, 'show')).revealed, true);
    await t.terminal.act(conflict.id, 'ignore');
    const config = vscode.workspace.getConfiguration('portInspector.terminal');
    try {
      assert.ok(config.get<number[]>('ignoredPorts', []).includes(port));
      const before = t.terminal.conflicts().length;
      const examined = t.terminal.examined();
      const ended = new Promise<number | undefined>(resolve => {
        const sub = vscode.window.onDidEndTerminalShellExecution(e => { if (e.terminal === terminal) { sub.dispose(); resolve(e.exitCode); } });
      });
      si.executeCommand(`${NODE} server.js ${port}`);
      assert.strictEqual(await ended, 1, 'the server failed again');
      assert.ok(await waitFor(() => t.terminal.examined() > examined, 15000), 'the failed command was not looked at');
      assert.strictEqual(t.terminal.conflicts().length, before, 'an ignored port is not reported');
      assert.strictEqual(h.child.exitCode, null, 'nothing was signalled');
    } finally {
      await config.update('ignoredPorts', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a terminal without shell integration (sh): the failure goes unreported and nothing breaks', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const terminal = vscode.window.createTerminal({ name: 'pi-plain-sh', shellPath: '/bin/sh', cwd: dir, env: { ELECTRON_RUN_AS_NODE: '1' } });
    terminals.push(terminal);
    const t = await api();
    const before = t.terminal.conflicts().length;
    const done = path.join(dir, 'sh-done');
    terminal.sendText(`${NODE} server.js ${h.info.port}; echo $? > '${done}'`);
    assert.ok(await waitFor(() => fs.existsSync(done) && fs.readFileSync(done, 'utf8').trim() !== '', 20000), 'the command did not run');
    assert.strictEqual(fs.readFileSync(done, 'utf8').trim(), '1', 'the server failed on the taken port');
    assert.strictEqual(terminal.shellIntegration, undefined, 'sh has no shell integration');
    await sleep(1500);
    assert.strictEqual(t.terminal.conflicts().length, before);
    assert.strictEqual(h.child.exitCode, null, 'nothing was signalled');
  });

  it('a task\'s port shows task "dev"; Restart Task restarts it; Terminate Task ends it', async () => {
    const port = await freePort();
    const task = new vscode.Task({ type: 'shell', label: 'dev' }, vscode.TaskScope.Workspace, 'dev', 'port-inspector-test',
      new vscode.ShellExecution(`${NODE} '${script}' ${port}`, { env: { ELECTRON_RUN_AS_NODE: '1' } }));
    const t = await api();
    await vscode.tasks.executeTask(task);
    const first = await waitFor(async () => (await who(port)).find(o => o.pid !== null), 20000);
    assert.ok(first, `the task's server did not take port ${port}`);
    // The task's start event reaches the extension host on its own schedule, sometimes after the server listens.
    const taskOf = (pid: number) => waitFor(async () => await t.terminal.taskOf(pid) === 'dev', 5000).then(ok => ok ? 'dev' : t.terminal.taskOf(pid));
    assert.strictEqual(await taskOf(first.pid!), 'dev');
    const labelled = await waitFor(async () => {
      const row = portRow(await tree(), 'tcp', port);
      return row && row.description.includes('task "dev"') ? row : undefined;
    }, 10000);
    assert.ok(labelled, `the Ports view does not say task "dev": ${JSON.stringify(portRow(await tree(), 'tcp', port)?.description)}`);
    assert.match(labelled.contextValue, /\btask\b/);
    assert.doesNotMatch(labelled.description, /terminal "/);

    // Clicking the status bar for a watched task port offers the task's actions, not Stop or Kill.
    const config = vscode.workspace.getConfiguration('portInspector');
    await config.update('watchPorts', [port], vscode.ConfigurationTarget.Global);
    try {
      const labels = await waitFor(async () => {
        await t.devPorts.check();
        const l = t.devPorts.actionLabels();
        return l.includes('$(debug-restart) Restart Task "dev"') ? l : undefined;
      }, 10000);
      assert.ok(labels, `no Restart Task in the status bar's actions: ${JSON.stringify(t.devPorts.actionLabels())}`);
      assert.ok(labels.includes('$(debug-stop) Terminate Task "dev"'), JSON.stringify(labels));
      assert.ok(!labels.some(l => l.startsWith('$(close) Kill') || l.startsWith('$(debug-stop) Stop')), JSON.stringify(labels));
    } finally {
      await config.update('watchPorts', undefined, vscode.ConfigurationTarget.Global);
    }

    assert.strictEqual(await t.terminal.restartTask(port), true);
    const second = await waitFor(async () => (await who(port)).find(o => o.pid !== null && o.pid !== first.pid), 20000);
    assert.ok(second, 'the restarted task did not take the port again');
    assert.strictEqual(await taskOf(second.pid!), 'dev');

    assert.strictEqual(await t.terminal.terminateTask(port), true);
    assert.deepStrictEqual(await who(port), []);
  });

  it('a launch configuration with a taken env.PORT is stopped before anything starts; free ports and attach go through', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const t = await api();
    const config = { type: 'node', request: 'launch', name: 'Launch Server', program: path.join(dir, 'server.js'), args: ['0'], env: { PORT: String(h.info.port) } };
    const check = await t.terminal.checkLaunch(config);
    assert.deepStrictEqual(check.conflicts, [{ port: h.info.port, pids: [h.pid] }]);
    assert.match(check.message ?? '', new RegExp(`^Port ${h.info.port}, which "Launch Server" will serve, is taken by node \\(pid ${h.pid}\\): .*node.*-e.*\\.$`, 's'));

    const free = await freePort();
    assert.deepStrictEqual(await t.terminal.checkLaunch({ ...config, env: { PORT: String(free) } }), { ports: [free], conflicts: [], message: undefined });
    assert.deepStrictEqual(await t.terminal.checkLaunch({ type: 'node', request: 'attach', name: 'Attach', port: h.info.port }), { ports: [], conflicts: [], message: undefined });

    // A free port starts at once, through the real debug service (js-debug): the session runs the server.
    const session = new Promise<vscode.DebugSession>(resolve => {
      const sub = vscode.debug.onDidStartDebugSession(x => { if (x.name === 'Free Server') { sub.dispose(); resolve(x); } });
    });
    assert.strictEqual(await vscode.debug.startDebugging(undefined, { ...config, name: 'Free Server', args: [String(free)], env: { PORT: String(free) } }), true);
    const running = await session;
    assert.ok(await waitFor(async () => (await who(free)).length > 0, 20000), 'the debugged server did not take its free port');
    await vscode.debug.stopDebugging(running);
    assert.ok(await waitFor(async () => (await who(free)).length === 0, 10000), 'the debugged server did not end');

    // Through the real debug service: the provider asks (the test workbench refuses the modal dialog, which
    // counts as Cancel), so no session starts and the holder is untouched.
    const sessions: string[] = [];
    const sub = vscode.debug.onDidStartDebugSession(s => sessions.push(s.name));
    try {
      const started = await Promise.resolve(vscode.debug.startDebugging(undefined, config)).catch(() => false);
      assert.strictEqual(started, false);
      const outcome = t.terminal.launchOutcomes().at(-1);
      assert.ok(outcome, 'the provider did not run');
      assert.strictEqual(outcome.name, 'Launch Server');
      assert.strictEqual(outcome.message, check.message);
      assert.match(outcome.answer, /^dialog refused: .*Port \d+, which "Launch Server" will serve/);
      await sleep(300);
      assert.deepStrictEqual(sessions, []);
      assert.strictEqual(h.child.exitCode, null);
    } finally {
      sub.dispose();
    }
  });
});
