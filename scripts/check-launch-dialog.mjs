// npm run test:launch-dialog: the launch-configuration check's modal dialog, in a normal workbench window
// (code-server + Chromium), driven with the keyboard the way npm run screenshots drives the kill confirmation.
// The integration tests cannot show it: a workbench running extension tests refuses every modal dialog.
//
// A child of this script holds a port; the workspace's launch.json sets env.PORT to it. Start Debugging must
// show the dialog naming port, process, pid and command line before anything starts; Cancel (Escape) leaves the
// holder running and starts no session; Kill and Start ends the holder and the debugged server takes the port.
// Env: SCREENSHOT_DIR=dir (also photograph the dialog), SCREENSHOT_NETNS=0, VERBOSE=1, KEEP_TMP=1.
// Assumes `node esbuild.mjs` ran (the npm script does it). Exit code 0 = every check passed.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { root, missingCodeServer, chromePath, makeProfile, serverEnv, startCodeServer, workbenchUrl, launchBrowser, reexecInOwnNetns } from './lib/code-server.mjs';

if (process.env.SCREENSHOT_NETNS !== '0') { reexecInOwnNetns(); }

const verbose = process.env.VERBOSE === '1';
const shotDir = process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : undefined;
const missing = [...missingCodeServer(), ...[chromePath, path.join(root, 'dist/extension.js')].filter(p => !existsSync(p))];
if (missing.length) { console.error(`missing: ${missing.join(', ')} — run bash scripts/setup-test-vscode.sh and node esbuild.mjs`); process.exit(2); }

const tmp = mkdtempSync('/tmp/pi-launch-');
process.env.TMPDIR = tmp;
const dirs = makeProfile(tmp);
const workspace = path.join(tmp, 'workspace');
mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
writeFileSync(path.join(workspace, 'server.js'),
  "const port = Number(process.env.PORT);\nrequire('net').createServer(c => c.on('error', () => {})).listen(port, '127.0.0.1', () => console.log('listening on ' + port));\n");

// The "foreign" holder: a child of this script, on a port of its choosing.
const holder = spawn(process.execPath, ['-e',
  "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.on('SIGTERM', () => process.exit(0));"],
{ stdio: ['ignore', 'pipe', 'inherit'] });
const holderExited = new Promise(resolve => holder.once('exit', (code, signal) => resolve(signal ?? code)));

let stopServer = async () => {};
let browser;
let page;
process.on('exit', () => {
  try { holder.kill('SIGKILL'); } catch { /* gone */ }
  if (process.env.KEEP_TMP === '1') { console.log(`kept ${tmp}`); } else { rmSync(tmp, { recursive: true, force: true }); }
});
process.on('SIGINT', () => process.exit(130));

const connects = port => new Promise(resolve => {
  const c = net.connect({ host: '127.0.0.1', port });
  c.once('connect', () => { c.destroy(); resolve(true); });
  c.once('error', () => resolve(false));
});
const check = (ok, what) => { if (!ok) { throw new Error(what); } console.log(`ok: ${what}`); };

async function main() {
  const port = await new Promise((resolve, reject) => {
    holder.stdout.once('data', d => resolve(Number(String(d).trim())));
    holder.once('exit', c => reject(new Error(`holder exited (${c})`)));
  });
  writeFileSync(path.join(workspace, '.vscode/launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'node', request: 'launch', name: 'Launch Server', program: '${workspaceFolder}/server.js', env: { PORT: String(port) } }],
  }, null, 2));
  console.log(`holder pid ${holder.pid} on 127.0.0.1:${port}`);

  const cs = await startCodeServer({ dirs, env: serverEnv(dirs), verbose });
  stopServer = cs.stop;
  const launched = await launchBrowser({ dirs, verbose });
  browser = launched.browser;
  page = await launched.context.newPage();
  if (verbose) { page.on('console', m => console.log(`[page] ${m.text()}`)); }
  await page.goto(workbenchUrl(cs.origin, workspace, { extensionDevelopmentPath: root }));
  // The extension activates on startup finished; the Ports view's header is there once it has.
  await page.locator('.pane-header', { hasText: /^Ports/ }).first().waitFor({ state: 'visible', timeout: 60000 });
  await page.waitForTimeout(3000);

  // Quick Open's `debug ` prefix lists the launch configurations; Enter starts the one typed.
  const startDebugging = async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget').waitFor({ state: 'visible' });
    await page.keyboard.type('debug Launch Server');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Launch Server' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.press('Enter');
  };
  const dialog = page.locator('.monaco-dialog-box');

  await startDebugging();
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ');
  const sentence = `Port ${port}, which "Launch Server" will serve, is taken by node (pid ${holder.pid}): `;
  check(text.includes(sentence), `the dialog names port, process and pid: "${text}"`);
  check(/node -e const s = require\('net'\)/.test(text), 'the dialog shows the holder\'s command line');
  const buttons = (await dialog.locator('.dialog-buttons a.monaco-button, .dialog-buttons .monaco-button').allInnerTexts()).map(s => s.trim());
  check(['Kill and Start', 'Start Anyway', 'Cancel'].every(b => buttons.includes(b)), `buttons: ${buttons.join(' | ')}`);
  if (shotDir) {
    mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: path.join(shotDir, 'launch-port-taken.png') });
    console.log(`wrote ${path.join(shotDir, 'launch-port-taken.png')}`);
  }

  await page.keyboard.press('Escape');
  await page.waitForTimeout(2000);
  check(holder.exitCode === null && holder.signalCode === null, 'Cancel: the holder still runs');
  check(!(await page.locator('.debug-toolbar').isVisible().catch(() => false)), 'Cancel: no debug session started');

  await startDebugging();
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  await dialog.locator('.monaco-button', { hasText: 'Kill and Start' }).first().click();
  const ended = await Promise.race([holderExited, new Promise(r => setTimeout(() => r('still running'), 15000))]);
  check(ended === 0, `Kill and Start: the holder ended through SIGTERM (${ended})`);
  let served = false;
  for (let i = 0; i < 100 && !served; i++) { served = await connects(port); if (!served) { await page.waitForTimeout(200); } }
  check(served, 'Kill and Start: the debugged server took the port');
  await page.keyboard.press('Shift+F5');
}

let rc = 0;
try { await main(); } catch (e) {
  console.error(`launch dialog check failed: ${e.message}`);
  rc = 1;
  if (shotDir && page) { await page.screenshot({ path: path.join(shotDir, 'launch-check-failed.png') }).catch(() => {}); }
}
await browser?.close().catch(() => {});
await stopServer();
process.exit(rc);
