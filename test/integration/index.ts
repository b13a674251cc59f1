// extensionTestsPath module: the VS Code extension host require()s this file and awaits run(). It runs mocha
// (bdd: describe/it, like the unit tests) over every out/test/integration/**/*.test.js in the real extension host.
// Used by scripts/run-integration-tests.mjs (code-server); the desktop run (.vscode-test.mjs, @vscode/test-cli) loads the
// same test files with its own mocha runner.
// Env (set by the runners, inherited by the extension host):
//   PORT_INSPECTOR_IT_MODE  'dev' (default): the extension is loaded from the repo (extensionDevelopmentPath);
//                           'vsix': the extension is the installed .vsix; only the VSIX_SUITES run.
//   INTEGRATION_GREP        mocha grep over full test titles.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

// Suites that check the packaged extension; they only make sense against an installed .vsix.
const VSIX_SUITES = new Set(['package.test.js']);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) { out.push(...testFiles(p)); }
    else if (entry.name.endsWith('.test.js')) { out.push(p); }
  }
  return out.sort();
}

export async function run(): Promise<void> {
  const mode = process.env.PORT_INSPECTOR_IT_MODE === 'vsix' ? 'vsix' : 'dev';
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 30000,
    grep: process.env.INTEGRATION_GREP || undefined,
  });
  // (no colours: the runner sets NO_COLOR for the extension host; the report ends up in CI logs)
  const files = testFiles(__dirname).filter(f => VSIX_SUITES.has(path.basename(f)) === (mode === 'vsix'));
  for (const f of files) { mocha.addFile(f); }
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>(resolve => mocha.run(resolve));
  if (failures > 0) { throw new Error(`${failures} integration test(s) failed`); }
}
