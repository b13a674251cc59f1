// npm run test:japanese: the extension with VS Code's display language set to Japanese, in a normal workbench
// window (code-server + Chromium), read from the page the way a user sees it: the Ports view's name and message,
// the Who Is Using Port… input box and quick pick, the status-bar warning and the walkthrough on the welcome page.
//
// How the language gets there: code-server takes `--locale ja`, but the workbench (and with it the extension host,
// whose vscode.env.language comes from the workbench) switches only when a language pack for that locale is
// installed: without one it stays English and vscode.l10n never loads l10n/bundle.l10n.ja.json. No marketplace
// is reachable here, so this script installs a minimal Japanese language pack itself: an extension folder that
// contributes `localizations` for `ja` with an empty translation of VS Code's own strings, registered in the
// user data's languagepacks.json the way VS Code records an installed pack. The workbench's own texts stay
// English (the pack translates none of them); everything Port Inspector shows must be Japanese.
//
// A child of this script holds a loopback port that the user settings watch, so the status bar warns about it.
// Env: SCREENSHOT_DIR=dir (also photograph each stage), SCREENSHOT_NETNS=0, VERBOSE=1, KEEP_TMP=1.
// Assumes `node esbuild.mjs` ran (the npm script does it). Exit code 0 = every check passed.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeProfile, quietSettings, openWorkbench, prepareWorkbenchCheck, check, holdLoopbackPort, runWorkbenchCheck } from './lib/code-server.mjs';

const { tmp, verbose, shotDir } = prepareWorkbenchCheck('/tmp/pi-l10n-ja-');

/** The language pack: an extension folder and its entry in languagepacks.json (what VS Code writes on install). */
function installLanguagePack(dirs) {
  const id = 'port-inspector-test.language-pack-ja';
  const version = '0.0.1';
  const folder = path.join(dirs.extensions, `${id}-${version}`);
  mkdirSync(path.join(folder, 'translations'), { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify({
    name: 'language-pack-ja', publisher: 'port-inspector-test', version, engines: { vscode: '*' },
    contributes: { localizations: [{ languageId: 'ja', languageName: 'Japanese', localizedLanguageName: '日本語', translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  }, null, 2));
  // no translated VS Code strings: every workbench message falls back to English
  const translations = path.join(folder, 'translations/main.i18n.json');
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const hash = createHash('md5').update(id).update(version).digest('hex');
  writeFileSync(path.join(dirs['user-data'], 'languagepacks.json'), JSON.stringify({
    ja: { hash, extensions: [{ extensionIdentifier: { id }, version }], translations: { vscode: translations }, label: '日本語' },
  }, null, 2));
}

// The holder: a child of this script, on a loopback port of its choosing (not in the workspace, not a terminal's).
const { child: holder, port: holderPort } = holdLoopbackPort();

const session = {};
let page;

const squash = s => s.replace(/\s+/g, ' ').trim();
async function shot(name) {
  if (!shotDir) { return; }
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
  console.log(`wrote ${path.join(shotDir, `${name}.png`)}`);
}

async function main() {
  const port = await holderPort;
  console.log(`holder pid ${holder.pid} on 127.0.0.1:${port}`);
  const dirs = makeProfile(tmp, { ...quietSettings, 'portInspector.watchPorts': [port], 'portInspector.devPortsCheckInterval': 2 });
  installLanguagePack(dirs);
  writeFileSync(path.join(dirs['user-data'], 'User/keybindings.json'), JSON.stringify([
    { key: 'ctrl+alt+shift+w', command: 'workbench.action.openWalkthrough', args: 'port-inspector.port-inspector#gettingStarted' },
  ]));
  const workspace = path.join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });

  page = await openWorkbench({ dirs, workspace, verbose, session, extraArgs: ['--locale', 'ja'] });

  // The view's name comes from package.nls.ja.json: the workbench read the manifest in Japanese.
  const header = page.locator('.pane-header', { hasText: /^ポート/ }).first();
  await header.waitFor({ state: 'visible', timeout: 60000 });
  check(await page.evaluate(() => globalThis._VSCODE_NLS_LANGUAGE) === 'ja', 'the workbench runs in Japanese (its NLS language is ja)');
  await page.waitForTimeout(2000);
  const pane = page.locator('.pane', { has: header }).first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') { await header.click(); }

  // Status bar: the watched port is taken by a process that is not this workspace's.
  const bar = page.locator('.statusbar-item', { hasText: String(port) }).first();
  await bar.waitFor({ state: 'visible', timeout: 60000 });
  const barText = squash(await bar.innerText());
  check(barText.includes(`${port} は node (${holder.pid}) が使用中`), `status bar: "${barText}"`);
  const barLabel = (await bar.locator('a, [role="button"]').first().getAttribute('aria-label')) ?? '';
  check(barLabel.startsWith('開発サーバーのポートの警告: '), `status bar accessibility label: "${barLabel}"`);
  await shot('ja-status-bar');

  // Ports view: a filter set through its Japanese input box, then the view's message says what is shown.
  const runCommand = async title => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget').waitFor({ state: 'visible' });
    await page.keyboard.type(title);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.press('Enter');
  };
  const quickInput = page.locator('.quick-input-widget');
  await runCommand('Ports: ポート ビューを絞り込む…');
  await quickInput.locator('.quick-input-title', { hasText: 'ポート ビューを絞り込む' }).waitFor({ state: 'visible', timeout: 15000 });
  const filterPrompt = squash(await quickInput.innerText());
  check(filterPrompt.includes('ポート番号（3000）、範囲（3000-3999）'), `filter input box: "${filterPrompt}"`);
  await page.keyboard.type(String(port));
  await page.keyboard.press('Enter');
  const message = pane.locator('.message', { hasText: '一致するポート' }).first();
  await message.waitFor({ state: 'visible', timeout: 15000 });
  const messageText = squash(await message.innerText());
  check(/^「\d+」に一致するポート \d+ 個のうち 1 個を表示しています。$/.test(messageText) && messageText.includes(`「${port}」`), `Ports view message: "${messageText}"`);
  const row = pane.locator('.monaco-list-row', { hasText: `${port}` }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  const rowText = squash(await row.innerText());
  check(rowText.includes(`node · PID ${holder.pid} · 127.0.0.1`), `Ports view row: "${rowText}"`);
  // The row's tooltip is built only when the pointer rests on it (resolveTreeItem): the workbench must ask for it.
  await row.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: `TCP ポート ${port}` }).first();
  await hover.waitFor({ state: 'visible', timeout: 15000 });
  const hoverText = squash(await hover.innerText());
  check(hoverText.includes('このマシンのみ（ループバック）') && hoverText.includes(`（PID ${holder.pid}、`), `Ports view row tooltip, built on hover: "${hoverText.slice(0, 160)}"`);
  await page.mouse.move(0, 0);
  await shot('ja-ports-view');

  // Who Is Using Port…: the command's Japanese title, its input box and the quick pick of the port's sockets.
  await runCommand('Ports: ポートを使用しているプロセス…');
  await quickInput.locator('.quick-input-title', { hasText: 'ポートを使用しているプロセス…' }).waitFor({ state: 'visible', timeout: 15000 });
  check(squash(await quickInput.innerText()).includes('ポート番号（0–65535）'), 'Who Is Using Port… asks for the port number in Japanese');
  await page.keyboard.type('80a');
  await quickInput.getByText('「80a」はポート番号ではありません。0–65535 の数字だけを使ってください。').first().waitFor({ state: 'visible', timeout: 15000 });
  check(true, 'bad input gets one Japanese sentence in the input box');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(port));
  await page.keyboard.press('Enter');
  await quickInput.locator('.quick-input-title', { hasText: `ポート ${port}: 1 個のソケット` }).waitFor({ state: 'visible', timeout: 15000 });
  const pickText = squash(await quickInput.innerText());
  const placeholder = (await quickInput.locator('input').first().getAttribute('placeholder')) ?? '';
  check(placeholder === 'ソケットを選ぶと、そのプロセスの終了、PID のコピー、ポート ビューでの表示ができます', `quick pick placeholder: "${placeholder}"`);
  check(pickText.includes(`tcp 127.0.0.1:${port} LISTEN`) && pickText.includes(`node · PID ${holder.pid}`), `quick pick item: "${pickText}"`);
  await page.keyboard.press('Enter');
  await quickInput.locator('.quick-input-title', { hasText: `ポート ${port}/tcp の node（PID ${holder.pid}）` }).waitFor({ state: 'visible', timeout: 15000 });
  const actions = squash(await quickInput.innerText());
  check(['プロセスを終了', '強制終了', 'ポート ビューで表示', 'PID をコピー', 'ブラウザーで開く'].every(a => actions.includes(a)), `actions: "${actions}"`);
  await shot('ja-quick-pick');
  await page.keyboard.press('Escape');
  check(holder.exitCode === null && holder.signalCode === null, 'the holder still runs (nothing was killed)');

  // The walkthrough from its command (bound to a key in the user's keybindings: workbench.action.openWalkthrough
  // with publisher.name#id), straight to its steps; an unknown id would leave the Welcome page's list instead.
  await page.keyboard.press('Control+Alt+Shift+W');
  await page.locator('.getting-started-step', { hasText: 'ポートを空ける' }).first().waitFor({ state: 'visible', timeout: 30000 });
  check(true, 'workbench.action.openWalkthrough port-inspector.port-inspector#gettingStarted opens the walkthrough at its steps');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+W'); // Close All Editors
  await page.locator('.getting-started-step').first().waitFor({ state: 'detached', timeout: 15000 });

  // The walkthrough, from the welcome page: its Japanese title, step titles and step Markdown.
  await runCommand('Help: Welcome');
  const category = page.locator('.getting-started-category', { hasText: 'Port Inspector を始める' }).first();
  await category.waitFor({ state: 'visible', timeout: 30000 });
  await category.click();
  const steps = page.locator('.getting-started-step');
  await steps.first().waitFor({ state: 'visible', timeout: 15000 });
  const stepTitles = squash((await steps.allInnerTexts()).join(' | '));
  check(['どのプロセスがどのポートを使っているかを見る', 'ポートを空ける', '外から確かめる', 'open、closed、filtered、open|filtered'].every(t => stepTitles.includes(t)), `walkthrough steps: "${stepTitles}"`);
  // The step's Markdown is rendered in a webview: a frame of its own inside the page.
  const mediaText = async () => {
    const texts = await Promise.all(page.frames().filter(f => f !== page.mainFrame())
      .map(f => f.locator('body').innerText({ timeout: 1000 }).catch(() => '')));
    return texts.find(t => t.includes('どのプロセスがどのポートを使っているか') || t.includes('Which process owns which port')) ?? '';
  };
  let media = '';
  for (let i = 0; i < 75 && !media; i++) { await page.waitForTimeout(200); media = await mediaText(); }
  check(media.includes('どのプロセスがどのポートを使っているか') && media.includes('ループバックだけにバインドされたポート'), `walkthrough media is the Japanese Markdown: "${squash(media).slice(0, 160)}"`);
  await shot('ja-walkthrough');
}

await runWorkbenchCheck({ label: 'Japanese check', failShot: 'ja-check-failed', shotDir, tmp, children: [holder], session }, main);
