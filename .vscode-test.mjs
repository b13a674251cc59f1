// The standard desktop test run (@vscode/test-cli): `npx vscode-test` or `npm run test:desktop` downloads a
// desktop VS Code from Microsoft (internet needed; on Linux a display or `xvfb-run -a`) and runs the integration
// suites in it. `npm test` runs the same suites in code-server instead (scripts/run-integration-tests.mjs),
// which works without internet.
//   npx vscode-test --label integration   the suites against the extension in this repository (after npm run build
//                                         and npm run build:tests)
//   npx vscode-test --label vsix          the package suite against the .vsix that
//                                         `npm run package -- --out .vscode-test/port-inspector-test.vsix` wrote
// Env: VSCODE_VERSION (default stable), INTEGRATION_GREP (mocha grep), INTEGRATION_WORKSPACE.
import { defineConfig } from '@vscode/test-cli';
import path from 'node:path';

const version = process.env.VSCODE_VERSION ?? 'stable';
const workspaceFolder = process.env.INTEGRATION_WORKSPACE ?? 'test/fixtures/workspace';
const quietArgs = ['--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-telemetry'];
const mocha = { ui: 'bdd', timeout: 30000, ...(process.env.INTEGRATION_GREP ? { grep: process.env.INTEGRATION_GREP } : {}) };

export default defineConfig([
  {
    label: 'integration',
    // every suite except the one that checks an installed .vsix
    files: 'out/test/integration/**/!(package).test.js',
    version, workspaceFolder, mocha,
    launchArgs: ['--disable-extensions', ...quietArgs],
  },
  {
    label: 'vsix',
    files: 'out/test/integration/package.test.js',
    // a probe with another id: the installed copy is the extension under test
    extensionDevelopmentPath: 'test/fixtures/vsix-probe',
    installExtensions: ['.vscode-test/port-inspector-test.vsix'],
    version, workspaceFolder, mocha,
    launchArgs: quietArgs,
    // test-electron installs into <cwd>/.vscode-test/extensions; the package suite checks the copy is there
    env: { PORT_INSPECTOR_IT_EXTENSIONS_DIR: path.resolve('.vscode-test/extensions') },
  },
]);
