// Runs test/integration (built to out/test/integration/) inside a real VS Code: code-server (VS Code server +
// web workbench) on 127.0.0.1, its Node "remote" extension host, the workbench rendered by Debian's Chromium
// through playwright-core. Mechanism = VS Code's own test/integration/browser: the workbench URL carries a payload
// with extensionDevelopmentPath/extensionTestsPath, and the workbench calls window.codeAutomationExit(code) when
// out/test/integration/index.js has finished. Exit code = the tests' (0 = all passed).
//
// Usage: node scripts/run-integration-tests.mjs [--vsix file.vsix]
//   --vsix  install that .vsix into the test VS Code and run only the package suite against the installed copy
// Env knobs (see README "Testing"):
//   INTEGRATION_GREP=text   only tests whose full title contains text (mocha grep)
//   INTEGRATION_WORKSPACE   folder opened as the workspace (default test/fixtures/workspace)
//   SCREENSHOT_DIR=dir      enable screenshots requested by tests (test/integration/helpers/screenshot.ts)
//   VERBOSE=1               server output + page console + blocked requests
//   KEEP_TMP=1              keep the run directory (user data, logs) and print its path
//   INTEGRATION_NETNS=0     do not move the run into a network namespace of its own (default: do, when root)
//   TEST_TIMEOUT_MS         whole-run timeout (default 300000)
//   CHROME_PATH             browser (default /usr/bin/chromium)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, existsSync, readdirSync, readFileSync, statSync, renameSync } from 'node:fs';
import path from 'node:path';
import { format, promisify } from 'node:util';
import { root, node24, csEntry, chromePath, makeProfile, serverEnv, startCodeServer, workbenchUrl, launchBrowser, reexecInOwnNetns } from './lib/code-server.mjs';

// The whole run (code-server, extension host, tests, Chromium) goes into a network namespace of its own when it
// can (root, unshare, ip): loopback then carries only what the tests and VS Code open, so no service or test run
// of anyone else on this machine can take a test's port or show up in its view, and no packet can leave.
// INTEGRATION_NETNS=0 runs on the machine's network as it is.
if (process.env.INTEGRATION_NETNS !== '0') { reexecInOwnNetns(); }

const extensionTestsPath = path.join(root, 'out/test/integration/index.js');
const workspacePath = path.resolve(root, process.env.INTEGRATION_WORKSPACE ?? 'test/fixtures/workspace');
const timeoutMs = Number(process.env.TEST_TIMEOUT_MS ?? 300000);
const verbose = process.env.VERBOSE === '1';
const screenshotDir = process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : undefined;

const argv = process.argv.slice(2);
let vsix;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--vsix' && argv[i + 1]) { vsix = path.resolve(argv[++i]); }
  else { console.error(`usage: run-integration-tests.mjs [--vsix file.vsix]  (unknown argument ${argv[i]})`); process.exit(2); }
}
// With --vsix the extension under test is the installed copy; the development path then points at a tiny probe
// extension with another id, only because VS Code refuses to load a test runner without one.
const mode = vsix ? 'vsix' : 'dev';
const extensionDevelopmentPath = vsix ? path.join(root, 'test/fixtures/vsix-probe') : root;

const missing = [
  [node24, 'run: bash scripts/setup-test-vscode.sh'], [csEntry, 'run: bash scripts/setup-test-vscode.sh'],
  [chromePath, 'run: bash scripts/setup-test-vscode.sh (installs Debian chromium)'],
  [extensionTestsPath, 'run: node esbuild.mjs --tests'], [path.join(root, 'dist/extension.js'), 'run: node esbuild.mjs'],
  [workspacePath, 'INTEGRATION_WORKSPACE must be a folder'], ...(vsix ? [[vsix, 'build it: npm run package']] : []),
].filter(([p]) => !existsSync(p));
if (missing.length) { for (const [p, hint] of missing) { console.error(`missing: ${p} — ${hint}`); } process.exit(2); }

// Short base path on purpose: Chromium's SingletonSocket and VS Code's vscode-ipc-*.sock are Unix sockets created
// under TMPDIR, and a socket path over 107 bytes kills Chromium ("Socket path too long").
const tmpBase = process.env.VSCODE_TEST_TMP ?? '/tmp';
const tmp = mkdtempSync(path.join(tmpBase, 'pi-it-'));
// Keep every by-product inside the run dir: playwright's Chromium profile (os.tmpdir()), code-server's IPC sockets,
// ~/.config/code-server, ~/.local/share/code-server, Chromium's crash reports.
process.env.TMPDIR = tmp;
const dirs = makeProfile(tmp);

let cleaned = false;
function cleanup() {
  if (cleaned) { return; }
  cleaned = true;
  if (process.env.KEEP_TMP === '1') { console.log(`kept run directory: ${tmp}`); } else { rmSync(tmp, { recursive: true, force: true }); }
}

// read by out/test/integration/index.js inside the extension host (it inherits the server's environment)
const env = serverEnv(dirs, {
  // npm run exports FORCE_COLOR, which turns mocha's colours back on; the report goes to logs
  FORCE_COLOR: '0', NO_COLOR: '1',
  PORT_INSPECTOR_IT_MODE: mode,
  PORT_INSPECTOR_IT_EXTENSIONS_DIR: dirs.extensions,
  ...(screenshotDir ? { PORT_INSPECTOR_SCREENSHOT_DIR: screenshotDir } : {}),
});

const t0 = Date.now();
if (vsix) {
  const { stdout, stderr } = await promisify(execFile)(node24, [csEntry, '--extensions-dir', dirs.extensions,
    '--user-data-dir', dirs['user-data'], '--install-extension', vsix], { env, timeout: 120000 })
    .catch(e => { console.error(`installing ${vsix} failed: ${e.message}`); cleanup(); process.exit(1); });
  if (verbose) { process.stderr.write(stdout + stderr); }
  console.log(`installed ${path.basename(vsix)} into the test VS Code (${Date.now() - t0} ms)`);
}

process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const { origin, stop: stopServer } = await startCodeServer({ dirs, env, verbose })
  .catch(e => { console.error(e.message); process.exit(1); });
if (verbose) { console.log(`code-server up at ${origin} after ${Date.now() - t0} ms`); }
const url = workbenchUrl(origin, workspacePath, { extensionDevelopmentPath, extensionTestsPath });

const { browser, context } = await launchBrowser({ dirs, verbose });

// Screenshot requests: a test logs `[[port-inspector-screenshot]] {"name":..,"press":..}` (helpers/screenshot.ts)
// and waits for SCREENSHOT_DIR/<name>.png; the file is written under a temporary name and renamed, so a test
// never sees half a PNG.
const SHOT = '[[port-inspector-screenshot]] ';
let page;
async function takeScreenshot(request) {
  let req;
  try { req = JSON.parse(request); } catch { console.error(`bad screenshot request: ${request}`); return; }
  if (!screenshotDir || !/^[\w.-]+$/.test(req.name ?? '')) { console.error(`screenshot ignored: ${request}`); return; }
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${req.name}.png`);
  try {
    if (req.delayMs) { await new Promise(r => setTimeout(r, Math.min(Number(req.delayMs), 10000))); }
    const buf = await page.screenshot({ clip: req.clip });
    writeFileSync(`${file}.tmp`, buf);
    renameSync(`${file}.tmp`, file);
    console.log(`screenshot: ${path.relative(root, file).startsWith('..') ? file : path.relative(root, file)}`);
    if (req.press) { await page.keyboard.press(String(req.press)); }
  } catch (e) {
    console.error(`screenshot ${req.name} failed: ${e.message}`);
    writeFileSync(`${file}.failed`, String(e.message)); // lets the waiting test fail at once
  }
}

// Workbench chatter that says nothing about the tests (shown with VERBOSE=1). 'Canceled' = pending RPCs dropped
// when the extension host stops after the run; the gallery is disabled on purpose.
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin extensions cache|Ignoring fetching additional builtin extensions|Canceled: Canceled)/;

let exited = false;
let finish;
const finished = new Promise(resolve => { finish = resolve; });
const timer = setTimeout(() => { console.error(`TIMEOUT after ${timeoutMs} ms waiting for the tests to finish (rerun with VERBOSE=1 KEEP_TMP=1 to see why)`); finish(1); }, timeoutMs);
{
  // Workbench log output, including everything the extension host writes to its console (mocha's spec reporter),
  // arrives here through VS Code's ConsoleLogInAutomationLogger.
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    if (exited) { return; }
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (text.startsWith(SHOT)) { void takeScreenshot(text.slice(SHOT.length)); return; }
    if (!verbose && WORKBENCH_NOISE.test(text)) { return; }
    (console[type] ?? console.log)(text);
  });
  // Called by the workbench with the test runner's exit code once run() in index.js has settled.
  await context.exposeFunction('codeAutomationExit', async code => {
    exited = true;
    clearTimeout(timer);
    finish(typeof code === 'number' ? code : 1);
  });
  page = await context.newPage();
  if (verbose) { page.on('console', msg => console.log(`[page console] ${msg.text()}`)); }
  page.on('pageerror', e => console.error(`page error: ${e}`));
  await page.goto(url).catch(e => { console.error(`cannot open the workbench: ${e.message}`); finish(1); });
}
const exitCode = await finished;
await browser.close().catch(() => {});
await stopServer();

// The extension logs "activate took N ms" to its log output channel; the log files live in the server's
// user-data dir. Reported, never asserted (speed is a benchmark, not a test).
function findActivateTimes(dir, out = []) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = path.join(dir, name);
    let st; try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) { findActivateTimes(p, out); }
    else if (name.endsWith('.log') && name.includes('Port Inspector')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/activate took ([\d.]+) ms/g)) { out.push(m[1]); }
    }
  }
  return out;
}
const times = findActivateTimes(path.join(dirs['user-data'], 'logs'));
const where = process.env.PORT_INSPECTOR_IN_NETNS === '1' ? ', own network namespace' : '';
console.log(`integration (${mode}${where}): exit ${exitCode} after ${((Date.now() - t0) / 1000).toFixed(1)} s` +
  (times.length ? `; extension activate() took ${times.join(', ')} ms` : ''));
process.exit(exitCode);
