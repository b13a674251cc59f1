// The extension as VS Code sees it: found, activates, and package.json's contributions match what the code
// registers (both directions), so a command declared but never registered, or registered but not declared,
// fails here. Reads package.json at test time (ext.packageJSON): no command list is repeated in this file.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'port-inspector.port-inspector';
const VIEW_ID = 'portInspector.ports';

interface Contributes {
  commands?: { command: string; title: string }[];
  views?: Record<string, { id: string; name: string }[]>;
  menus?: Record<string, { command?: string; submenu?: string }[]>;
  keybindings?: { command: string }[];
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

function contributes(): Contributes {
  return (extension().packageJSON as { contributes?: Contributes }).contributes ?? {};
}

function declaredViewIds(): string[] {
  return Object.values(contributes().views ?? {}).flat().map(v => v.id);
}

describe('activation and contributions', () => {
  before(async () => {
    await extension().activate();
  });

  it('is loaded from this repository, runs in the workspace (Node) extension host, and activates', () => {
    const ext = extension();
    assert.strictEqual(ext.isActive, true);
    // code-server: a remote window, where extensionKind "workspace" puts us in the remote host; a local desktop
    // window (npm run test:desktop) reports every extension as UI
    assert.strictEqual(ext.extensionKind, vscode.env.remoteName ? vscode.ExtensionKind.Workspace : vscode.ExtensionKind.UI);
    assert.deepStrictEqual((ext.packageJSON as { extensionKind?: string[] }).extensionKind, ['workspace']);
    assert.strictEqual(typeof process.versions.node, 'string');
    // extensionDevelopmentPath is the repo root, so dist/extension.js of this build is what runs
    assert.strictEqual(path.basename(String((ext.packageJSON as { main?: string }).main)), 'extension.js');
  });

  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1);
    const expected = path.basename(process.env.INTEGRATION_WORKSPACE ?? 'test/fixtures/workspace');
    assert.strictEqual(path.basename(folders[0].uri.fsPath), expected);
  });

  it('activates lazily (no "*" activation event)', () => {
    const events = (extension().packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    assert.ok(!events.includes('*'), `activationEvents: ${JSON.stringify(events)}`);
  });

  it('declares the Ports view in the Explorer, and the workbench created it', async () => {
    const explorer = (contributes().views ?? {}).explorer ?? [];
    assert.ok(explorer.some(v => v.id === VIEW_ID), `views.explorer: ${JSON.stringify(explorer)}`);
    const all = await vscode.commands.getCommands(false);
    // VS Code registers <viewId>.focus for every view it created from a contribution
    assert.ok(all.includes(`${VIEW_ID}.focus`), `${VIEW_ID}.focus is not registered`);
  });

  it('registers every command declared in package.json', async () => {
    const declared = (contributes().commands ?? []).map(c => c.command);
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter(c => !registered.has(c));
    assert.deepStrictEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('declares every portInspector.* command it registers', async () => {
    const declared = new Set((contributes().commands ?? []).map(c => c.command));
    // commands VS Code itself generates for our views (<viewId>.focus, .resetViewLocation, …) are not ours to declare
    const viewPrefixes = declaredViewIds().map(id => `${id}.`);
    const registered = (await vscode.commands.getCommands(true))
      .filter(c => c.startsWith('portInspector.') && !viewPrefixes.some(p => c.startsWith(p)));
    const undeclared = registered.filter(c => !declared.has(c));
    assert.deepStrictEqual(undeclared, [], `registered but not declared in package.json: ${undeclared.join(', ')}`);
  });

  it('menus and keybindings only refer to declared commands', () => {
    const c = contributes();
    const declared = new Set((c.commands ?? []).map(x => x.command));
    const referenced = [
      ...Object.values(c.menus ?? {}).flat().map(m => m.command).filter((x): x is string => !!x),
      ...(c.keybindings ?? []).map(k => k.command),
    ];
    const unknown = referenced.filter(x => !declared.has(x));
    assert.deepStrictEqual(unknown, [], `menus/keybindings refer to undeclared commands: ${unknown.join(', ')}`);
  });
});
