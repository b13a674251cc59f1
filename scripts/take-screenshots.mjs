// npm run screenshots: the README's pictures, taken from the real workbench (code-server + Chromium) the way a
// person gets there: a demo dev server holds a port, then the Ports view, "Ports: Who Is Using Port…" and
// "Ports: Kill Process on Port…" are driven with the keyboard through the command palette.
// Why not from inside the integration tests (test/integration/helpers/screenshot.ts)? Those run with an
// extensionTestsPath, and VS Code then refuses every modal dialog ("DialogService: refused to show dialog in
// tests"), so the kill confirmation can only be photographed in a normal window like this one.
// Env: SCREENSHOT_DIR (default media/screenshots), SCREENSHOT_NETNS=0, DEMO_PORT (default 5173, or a free one if taken), VERBOSE=1,
// KEEP_TMP=1. Assumes `node esbuild.mjs` ran (the npm script does it).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { root, missingCodeServer, chromePath, makeProfile, serverEnv, startCodeServer, workbenchUrl, launchBrowser, reexecInOwnNetns } from './lib/code-server.mjs';

// In a network namespace of its own (root + unshare): the view then shows the demo server and VS Code's own ports,
// not whatever else this machine runs. SCREENSHOT_NETNS=0 uses the machine's network as it is.
if (process.env.SCREENSHOT_NETNS !== '0') { reexecInOwnNetns(); }

const outDir = path.resolve(root, process.env.SCREENSHOT_DIR ?? 'media/screenshots');
const verbose = process.env.VERBOSE === '1';
const workspace = path.join(root, 'test/fixtures/workspace');
const missing = [...missingCodeServer(), ...[chromePath, path.join(root, 'dist/extension.js')].filter(p => !existsSync(p))];
if (missing.length) { console.error(`missing: ${missing.join(', ')} — run bash scripts/setup-test-vscode.sh and node esbuild.mjs`); process.exit(2); }

const portFree = port => new Promise(resolve => {
  const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});
const wanted = Number(process.env.DEMO_PORT ?? 5173);
const demoPort = (await portFree(wanted)) ? wanted : 0;

const tmp = mkdtempSync('/tmp/pi-shots-');
process.env.TMPDIR = tmp;
const dirs = makeProfile(tmp);
// the demo server runs from the fixture workspace, so its cwd is inside the workspace (Reveal cwd applies)
const demo = spawn(process.execPath, [path.join(root, 'test/fixtures/demo/dev-server.js'), String(demoPort)],
  { cwd: workspace, stdio: ['ignore', 'pipe', 'inherit'] });
// Inside our own namespace nothing is reachable from outside anyway, so a second server may bind all interfaces
// and show how the view marks a port open to the network.
const extras = [];
if (process.env.PORT_INSPECTOR_IN_NETNS === '1' && (await portFree(8080))) {
  extras.push(spawn('python3', ['-m', 'http.server', '8080', '--bind', '0.0.0.0'], { cwd: workspace, stdio: 'ignore' }));
}
let stopServer = async () => {};
let browser;
process.on('exit', () => {
  for (const child of [demo, ...extras]) { try { child.kill('SIGTERM'); } catch { /* gone */ } }
  if (process.env.KEEP_TMP === '1') { console.log(`kept ${tmp}`); } else { rmSync(tmp, { recursive: true, force: true }); }
});
process.on('SIGINT', () => process.exit(130));

async function main() {
  const port = await new Promise((resolve, reject) => {
    demo.stdout.once('data', d => resolve(Number(/ready (\d+)/.exec(String(d))?.[1])));
    demo.once('exit', c => reject(new Error(`demo server exited (${c})`)));
  });
  console.log(`demo dev server pid ${demo.pid} on 127.0.0.1:${port}`);

  const cs = await startCodeServer({ dirs, env: serverEnv(dirs), verbose });
  stopServer = cs.stop;
  const launched = await launchBrowser({ dirs, verbose });
  browser = launched.browser;
  const page = await launched.context.newPage();
  if (verbose) { page.on('console', m => console.log(`[page] ${m.text()}`)); }
  await page.goto(workbenchUrl(cs.origin, workspace, { extensionDevelopmentPath: root }));

  mkdirSync(outDir, { recursive: true });
  const shot = async name => {
    const file = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(root, file)}`);
  };
  const palette = async command => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget').waitFor({ state: 'visible' });
    await page.keyboard.type(command);
    await page.waitForTimeout(600);
    await page.keyboard.press('Enter');
  };

  // A wider side bar, so the rows' descriptions (owner, addresses) are not cut off: drag its sash.
  const sash = page.locator('.monaco-sash.vertical:not(.disabled)').first();
  const box = await sash.boundingBox().catch(() => null);
  if (box) {
    await page.mouse.move(box.x + box.width / 2, 400);
    await page.mouse.down();
    await page.mouse.move(640, 400, { steps: 8 });
    await page.mouse.up();
  }

  // The Ports view: expand its pane in the Explorer, wait until our port is listed.
  const portsHeader = page.locator('.pane-header', { hasText: /^Ports/ }).first();
  await portsHeader.waitFor({ state: 'visible', timeout: 60000 });
  if ((await portsHeader.getAttribute('aria-expanded')) !== 'true') { await portsHeader.click(); }
  // give the view the space of the file tree: collapse the workspace folder section
  const folderHeader = page.locator('.pane-header', { hasText: /^workspace/i }).first();
  if (await folderHeader.count() && (await folderHeader.getAttribute('aria-expanded')) === 'true') { await folderHeader.click(); }
  await page.locator('.monaco-list-row', { hasText: String(port) }).first().waitFor({ state: 'visible', timeout: 30000 });
  await page.locator('.monaco-list-row', { hasText: String(port) }).first().click();
  await page.keyboard.press('ArrowRight'); // expand: owner, addresses
  await page.mouse.move(1000, 700); // no hover tooltip in the picture
  await page.waitForTimeout(1500);
  await shot('ports-view');

  // Who is using port…: input box, then the quick pick of sockets on that port.
  await palette('Ports: Who Is Using Port');
  await page.waitForTimeout(400);
  await page.keyboard.type(String(port));
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: String(demo.pid) }).first().waitFor({ state: 'visible', timeout: 15000 });
  await page.waitForTimeout(400);
  await shot('who-is-using');
  await page.keyboard.press('Escape');

  // Kill process on port…: the modal confirmation, then Cancel (the demo server must survive).
  await palette('Ports: Kill Process on Port');
  await page.waitForTimeout(400);
  await page.keyboard.type(String(port));
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  // one socket owner: the dialog comes at once; several: a quick pick first, take its first entry
  await Promise.race([dialog.waitFor({ state: 'visible', timeout: 15000 }),
    page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 15000 })]);
  if (!(await dialog.isVisible())) { await page.keyboard.press('Enter'); await dialog.waitFor({ state: 'visible', timeout: 15000 }); }
  await page.waitForTimeout(400);
  await shot('kill-confirmation');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(500);
  if (demo.exitCode !== null || demo.signalCode !== null) { throw new Error('the demo server died although the kill was cancelled'); }
}

let rc = 0;
try { await main(); } catch (e) { console.error(`screenshots failed: ${e.message}`); rc = 1; }
await browser?.close().catch(() => {});
await stopServer();
process.exit(rc);
