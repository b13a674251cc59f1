// Runs only against the installed .vsix (scripts/run-integration-tests.mjs --vsix, PORT_INSPECTOR_IT_MODE=vsix):
// the packaged extension is installed in the test VS Code's extensions dir, activates from there, and the package
// holds what it needs and nothing of the development tree.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'port-inspector.port-inspector';

function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [path.relative(base, p)];
  });
}

describe('the packaged .vsix', () => {
  it('is installed in the extensions dir and activates from there', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const extensionsDir = process.env.PORT_INSPECTOR_IT_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'PORT_INSPECTOR_IT_EXTENSIONS_DIR not set: run through scripts/run-integration-tests.mjs --vsix');
    // the installed copy, not the repository checkout
    assert.strictEqual(path.dirname(ext.extensionPath), fs.realpathSync(extensionsDir));
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('registers its declared commands from the packaged bundle', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const declared = ((ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [])
      .map(c => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(declared.filter(c => !registered.has(c)), []);
  });

  it('contains the production bundle and no sources, tests, source maps or node_modules', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const files = filesUnder(ext.extensionPath);
    assert.ok(files.includes(path.join('dist', 'extension.js')), `no dist/extension.js in ${files.join(', ')}`);
    assert.ok(files.includes(path.join('dist', 'scanWorker.js')), `no dist/scanWorker.js (TCP scan worker) in ${files.join(', ')}`);
    assert.ok(files.includes('package.json'));
    const unwanted = files.filter(f => /^(src|test|out|bench|scripts|node_modules|\.vscode-test)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepStrictEqual(unwanted, []);
    // production build is minified: no sourceMappingURL comment pointing at a map that is not shipped
    const bundle = fs.readFileSync(path.join(ext.extensionPath, 'dist', 'extension.js'), 'utf8');
    assert.ok(!bundle.includes('sourceMappingURL'), 'dist/extension.js is a development build (has a source map reference)');
  });

  it('carries the extension page and the translations: 128x128 icon, changelog, package.nls and l10n bundles, walkthrough pages', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const files = filesUnder(ext.extensionPath);
    const lower = new Set(files.map(f => f.toLowerCase()));
    const icon = (ext.packageJSON as { icon?: string }).icon ?? '';
    assert.ok(files.includes(path.normalize(icon)), `icon ${icon} not in ${files.join(', ')}`);
    const png = fs.readFileSync(path.join(ext.extensionPath, icon));
    // PNG signature, then the IHDR chunk: width and height as big-endian 32-bit numbers at 16 and 20
    assert.strictEqual(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepStrictEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    // vsce stores the changelog as changelog.md
    assert.ok(lower.has('changelog.md'), `no CHANGELOG in ${files.join(', ')}`);
    const wanted = ['package.nls.json', 'package.nls.ja.json', 'l10n/bundle.l10n.json', 'l10n/bundle.l10n.ja.json',
      ...['ports', 'freePort', 'scan', 'states'].flatMap(s => [`media/walkthrough/${s}.md`, `media/walkthrough/${s}.nls.ja.md`])];
    assert.deepStrictEqual(wanted.filter(f => !files.includes(path.normalize(f))), []);
  });
});
