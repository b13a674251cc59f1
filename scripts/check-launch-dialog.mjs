// npm run test:launch-dialog: the launch-configuration check's modal dialog, in a normal workbench window
// (code-server + Chromium), driven with the keyboard the way npm run screenshots drives the kill confirmation.
// The integration tests cannot show it: a workbench running extension tests refuses every modal dialog.
//
// A child of this script holds a port; the workspace's launch.json sets env.PORT to it. Start Debugging must
// show the dialog naming port, process, pid and command line before anything starts; Cancel (Escape) leaves the
// holder running and starts no session; Kill and Start ends the holder and the debugged server takes the port.
// Env: SCREENSHOT_DIR=dir (also photograph the dialog), SCREENSHOT_NETNS=0, VERBOSE=1, KEEP_TMP=1.
// Assumes `node esbuild.mjs` ran (the npm script does it). Exit code 0 = every check passed.
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeProfile, openWorkbench, prepareWorkbenchCheck, check, holdLoopbackPort, runWorkbenchCheck } from './lib/code-server.mjs';

const { tmp, verbose, shotDir } = prepareWorkbenchCheck('/tmp/pi-launch-');
const dirs = makeProfile(tmp);
const workspace = path.join(tmp, 'workspace');
mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
writeFileSync(path.join(workspace, 'server.js'),
  "const port = Number(process.env.PORT);\nrequire('net').createServer(c => c.on('error', () => {})).listen(port, '127.0.0.1', () => console.log('listening on ' + port));\n");

// The "foreign" holder: a child of this script, on a port of its choosing.
const { child: holder, port: holderPort } = holdLoopbackPort();
const holderExited = new Promise(resolve => holder.once('exit', (code, signal) => resolve(signal ?? code)));

const session = {};
let page;

const connects = port => new Promise(resolve => {
  const c = net.connect({ host: '127.0.0.1', port });
  c.once('connect', () => { c.destroy(); resolve(true); });
  c.once('error', () => resolve(false));
});

async function main() {
  const port = await holderPort;
  writeFileSync(path.join(workspace, '.vscode/launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'node', request: 'launch', name: 'Launch Server', program: '${workspaceFolder}/server.js', env: { PORT: String(port) } }],
  }, null, 2));
  console.log(`holder pid ${holder.pid} on 127.0.0.1:${port}`);

  page = await openWorkbench({ dirs, workspace, verbose, session });
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

await runWorkbenchCheck({ label: 'launch dialog check', failShot: 'launch-check-failed', shotDir, tmp, children: [holder], session }, main);
