// npm run test:desktop: the same integration suites under @vscode/test-electron, i.e. in a desktop VS Code that
// it downloads from Microsoft (needs internet, and a display or xvfb-run on Linux). Not part of npm test, which
// runs them in code-server (scripts/run-integration-tests.mjs) because these machines have no internet.
//   1. dev suites against the extension loaded from this repository (extensionDevelopmentPath)
//   2. the package suite against the .vsix (npm run package), installed with VS Code's CLI into a temporary
//      extensions dir; skipped with --no-vsix
// Env: VSCODE_VERSION (default 'stable'), INTEGRATION_GREP, INTEGRATION_WORKSPACE.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests, downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extensionTestsPath = path.join(root, 'out/test/integration/index.js');
const workspace = path.resolve(root, process.env.INTEGRATION_WORKSPACE ?? 'test/fixtures/workspace');
const withVsix = !process.argv.includes('--no-vsix');
const commonEnv = {
  ...(process.env.INTEGRATION_GREP ? { INTEGRATION_GREP: process.env.INTEGRATION_GREP } : {}),
  ...(process.env.INTEGRATION_WORKSPACE ? { INTEGRATION_WORKSPACE: process.env.INTEGRATION_WORKSPACE } : {}),
};
const quietArgs = ['--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-telemetry'];

let failed = false;
const vscodeExecutablePath = await downloadAndUnzipVSCode(process.env.VSCODE_VERSION ?? 'stable').catch(e => {
  console.error(`cannot download VS Code (test:desktop needs internet; npm test runs the same suites in code-server): ${e.message}`);
  process.exit(1);
});

try {
  await runTests({
    vscodeExecutablePath, extensionDevelopmentPath: root, extensionTestsPath,
    launchArgs: [workspace, '--disable-extensions', ...quietArgs],
    extensionTestsEnv: { ...commonEnv, PORT_INSPECTOR_IT_MODE: 'dev' },
  });
} catch (e) {
  console.error(`desktop integration tests failed: ${e instanceof Error ? e.message : e}`);
  failed = true;
}

if (withVsix) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'pi-desktop-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const vsix = path.join(tmp, 'port-inspector.vsix');
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['run', 'package', '--', '--out', vsix], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (pack.status !== 0) { throw new Error('vsce package failed'); }
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, { reuseMachineInstall: true });
    const install = spawnSync(cli, [...cliArgs, '--extensions-dir', extensionsDir, '--install-extension', vsix], { stdio: 'inherit' });
    if (install.status !== 0) { throw new Error('installing the .vsix failed'); }
    await runTests({
      vscodeExecutablePath,
      // VS Code only runs a test runner next to a development extension: an empty probe with another id
      extensionDevelopmentPath: path.join(root, 'test/fixtures/vsix-probe'),
      extensionTestsPath,
      launchArgs: [workspace, `--extensions-dir=${extensionsDir}`, ...quietArgs],
      extensionTestsEnv: { ...commonEnv, PORT_INSPECTOR_IT_MODE: 'vsix', PORT_INSPECTOR_IT_EXTENSIONS_DIR: extensionsDir },
    });
  } catch (e) {
    console.error(`desktop .vsix test failed: ${e instanceof Error ? e.message : e}`);
    failed = true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
