// A repository's .vscode/settings.json is the repository author's, not the user's: in the real
// workbench, a workspace file that turns the kill confirmation and the scan confirmation off changes
// nothing (both settings are application-scoped), while the same file's watchPorts, which a project
// may rightly name, is honoured. The file is written as a repository would ship it, and removed after.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PortInspectorApi } from '../../src/extension/extension';
import { runHolder, TCP_LISTENER, waitFor, type Holder } from '../unit/support/children';
import { EXTENSION_ID } from './helpers/portsApi';

const WATCHED_BY_REPO = 6553;

interface Owner { pid: number | null; startTime: number | null; localPort: number }
interface KillResult { pid: number; status: string }

describe('settings a repository cannot set', function () {
  this.timeout(60000);
  const holders: Holder<unknown>[] = [];
  let dir: string;
  let created = false;

  before(async () => {
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode');
    assert.ok(!fs.existsSync(path.join(dir, 'settings.json')), 'the fixture workspace has no settings file of its own');
    created = !fs.existsSync(dir);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
      'portInspector.confirmKill': false,
      'portInspector.scan.confirmNonLocalTargets': false,
      'portInspector.watchPorts': [WATCHED_BY_REPO],
    }, null, 2));
    // The workspace file has been read once its watchPorts shows up.
    const read = await waitFor(() => {
      const v = vscode.workspace.getConfiguration('portInspector').inspect<unknown[]>('watchPorts')?.workspaceValue;
      return Array.isArray(v) && v.includes(WATCHED_BY_REPO) ? v : undefined;
    }, 10000);
    assert.ok(read, 'VS Code did not pick up the workspace settings file');
  });

  after(async () => {
    for (const h of holders) { await h.stop(); }
    fs.rmSync(path.join(dir, 'settings.json'), { force: true });
    if (created) { fs.rmSync(dir, { recursive: true, force: true }); }
    await waitFor(() => vscode.workspace.getConfiguration('portInspector').inspect('watchPorts')?.workspaceValue === undefined ? true : undefined, 10000);
  });

  it('the workspace file cannot switch the confirmations off: both still read true', () => {
    const c = vscode.workspace.getConfiguration('portInspector');
    assert.strictEqual(c.get('confirmKill'), true);
    assert.strictEqual(vscode.workspace.getConfiguration('portInspector.scan').get('confirmNonLocalTargets'), true);
    assert.strictEqual(c.inspect('confirmKill')?.workspaceValue, undefined, 'VS Code drops an application setting from workspace settings');
  });

  it('Kill still asks: a modal dialog is requested and the process keeps running', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const owner = (await vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', h.info.port)).find(o => o.pid === h.pid);
    assert.ok(owner && owner.startTime !== null, `pid ${h.pid} not found on port ${h.info.port}`);
    // No `confirm` option: the flow reads portInspector.confirmKill. A workbench running extension
    // tests refuses modal dialogs and reports what it was asked to show.
    const outcome = await Promise.resolve(vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { pid: h.pid, startTime: owner.startTime, port: h.info.port }))
      .then(r => ({ shown: false, text: JSON.stringify(r) }), (e: Error) => ({ shown: true, text: e.message }));
    assert.ok(outcome.shown, `killed without asking: ${outcome.text}`);
    assert.match(outcome.text, new RegExp(`Kill node \\(pid ${h.pid}\\)\\?`));
    const still = await vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', h.info.port);
    assert.ok(still.some(o => o.pid === h.pid), 'the process must still hold its port');
    assert.strictEqual(h.child.exitCode, null);
    assert.strictEqual(h.child.signalCode, null);
  });

  it('the workspace file\'s watchPorts is honoured (a project may name its own ports)', async () => {
    const ext = vscode.extensions.getExtension<PortInspectorApi>(EXTENSION_ID)!;
    const api = (ext.isActive ? ext.exports : await ext.activate()).devPorts;
    const state = await waitFor(() => { const s = api.state(); return s.watched.some(w => w.port === WATCHED_BY_REPO) ? s : undefined; }, 10000);
    assert.ok(state, `watchPorts from the workspace not applied: ${JSON.stringify(api.state().watched.map(w => w.port))}`);
    assert.deepStrictEqual(state.watched.find(w => w.port === WATCHED_BY_REPO)!.sources.map(s => s.kind), ['setting']);
  });
});
