// The getting-started walkthrough: contributed with its four steps, every command link in it names a
// registered command, and every step's Markdown is in the extension. That it opens (from its command and from the
// welcome page) is checked on the page by scripts/check-japanese.mjs: the extension host cannot see which
// walkthrough the Welcome editor shows (its tab is called "Welcome" either way).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers/portsApi';

interface Step { id: string; title: string; description: string; media: { markdown?: string } }
interface Walkthrough { id: string; title: string; steps: Step[] }

describe('walkthrough', () => {
  const ext = () => vscode.extensions.getExtension(EXTENSION_ID)!;
  const walkthrough = () => ((ext().packageJSON as { contributes: { walkthroughs?: Walkthrough[] } }).contributes.walkthroughs ?? [])
    .find(w => w.id === 'gettingStarted');

  it('is contributed with its four steps, localised from package.nls.json', () => {
    const w = walkthrough();
    assert.ok(w, 'no gettingStarted walkthrough');
    assert.deepStrictEqual(w.steps.map(s => s.id), ['ports', 'freePort', 'scan', 'states']);
    // the workbench got the manifest with its %key% placeholders replaced
    assert.strictEqual(w.title, 'Get Started with Port Inspector');
    assert.ok(w.steps.every(s => !s.title.startsWith('%') && !s.description.startsWith('%')), JSON.stringify(w.steps.map(s => s.title)));
  });

  it('links only registered commands and ships each step\'s Markdown', async () => {
    const w = walkthrough()!;
    await ext().activate();
    const registered = new Set(await vscode.commands.getCommands(false));
    const linked = w.steps.flatMap(s => [...s.description.matchAll(/\(command:([\w.]+)/g)].map(m => m[1]));
    assert.deepStrictEqual(linked, ['portInspector.ports.focus', 'portInspector.whoIsUsingPort', 'portInspector.scanTarget']);
    assert.deepStrictEqual(linked.filter(c => !registered.has(c)), []);
    const media = w.steps.map(s => s.media.markdown ?? '');
    assert.deepStrictEqual(media.filter(m => !fs.existsSync(path.join(ext().extensionPath, m))), []);
  });

});
