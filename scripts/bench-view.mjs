// npm run bench:view — the Ports view's cost at scale in the real workbench: code-server (VS Code server + web
// workbench) and Debian's Chromium, as for the integration tests, with bench/view/index.ts as the workbench's test
// runner inside the extension host. Per run it prints the extension host's resident memory and both V8 heaps (host
// thread, collector worker), the CPU share of the visible view, and the time from showing the view to the workbench
// rendering its rows, with few sockets and with one process holding many; then the ranges over all runs.
//
// Env: BENCH_RUNS (default 3), BENCH_VIEW_LISTENERS (10000), BENCH_VIEW_UDP (1000), BENCH_VIEW_PAIRS (500),
//      BENCH_VIEW_WINDOW_MS (20000: how long each phase is sampled), BENCH_VIEW_SETTINGS (JSON, user settings
//      added to the test profile's), BENCH_VIEW_DETAIL=1 (where the host's memory is: /proc/self/status and smaps,
//      both isolates' spaces), BENCH_VIEW_ALLOCATIONS=1 (what the host thread allocated while the loaded view
//      rendered, by file and function), BENCH_VIEW_VSCODE_PORT_FINDER=1, VERBOSE=1, CHROME_PATH.
// VS Code's own port finder (the extension host's candidate-port scan behind auto-forwarding) runs in the same
// extension host process in a remote or code-server window and walks every fd on the machine with `ls -l`; at
// 12,000 sockets it alone adds 100–200 MB and several % of a core there. The runs leave it off
// (remote.autoForwardPortsSource = output) so the figures are this extension's; BENCH_VIEW_VSCODE_PORT_FINDER=1
// leaves it on, and the "view hidden" phase then shows its cost.
// Loopback only; when root, each run goes into a network namespace of its own (like the integration tests).
/* global document */ // the functions passed to page.waitForFunction and page.evaluate run in the workbench page
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { root, node24, csEntry, chromePath, quietSettings, makeProfile, serverEnv, startCodeServer, workbenchUrl, launchBrowser, reexecInOwnNetns } from './lib/code-server.mjs';

if (process.env.INTEGRATION_NETNS !== '0') { reexecInOwnNetns(); }

const runnerPath = path.join(root, 'out/bench/view/index.js');
const workspacePath = path.join(root, 'test/fixtures/workspace');
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const verbose = process.env.VERBOSE === '1';
const TAG = '[[port-inspector-bench]] ';
// e.g. BENCH_VIEW_SETTINGS='{"portInspector.statusBar":"hidden"}': the run without the status-bar check
const finderOn = process.env.BENCH_VIEW_VSCODE_PORT_FINDER === '1';
const extraSettings = { ...(finderOn ? {} : { 'remote.autoForwardPortsSource': 'output' }), ...JSON.parse(process.env.BENCH_VIEW_SETTINGS || '{}') };

const missing = [[node24, 'run: bash scripts/setup-test-vscode.sh'], [csEntry, 'run: bash scripts/setup-test-vscode.sh'],
  [chromePath, 'run: bash scripts/setup-test-vscode.sh'], [runnerPath, 'run: node esbuild.mjs --tests'],
  [path.join(root, 'dist/extension.js'), 'run: node esbuild.mjs']].filter(([p]) => !existsSync(p));
if (missing.length) { for (const [p, hint] of missing) { console.error(`missing: ${p} — ${hint}`); } process.exit(2); }

/** Resolves with the page's clock once the Ports view shows a row (with `port`: that TCP port's row). */
function rowsRendered(page, port) {
  return page.waitForFunction(want => {
    const sidebar = document.getElementById('workbench.parts.sidebar');
    for (const pane of sidebar?.querySelectorAll('.pane') ?? []) {
      const title = pane.querySelector('.pane-header .title')?.textContent?.trim() ?? '';
      if (!/^Ports$/i.test(title)) { continue; }
      for (const row of pane.querySelectorAll('.monaco-list-row')) {
        if (row.offsetParent === null) { continue; }
        if (want === null || new RegExp(`^${want}\\s+tcp`).test(row.textContent?.trim() ?? '')) { return Date.now(); }
      }
    }
    return false;
  }, port ?? null, { polling: 'raf', timeout: 60000 }).then(h => h.jsonValue());
}

async function oneRun(n) {
  const tmp = mkdtempSync(path.join(process.env.VSCODE_TEST_TMP ?? '/tmp', 'pi-bv-'));
  process.env.TMPDIR = tmp;
  const dirs = makeProfile(tmp, { ...quietSettings, ...extraSettings });
  const benchDir = path.join(tmp, 'bench');
  const env = serverEnv(dirs, { FORCE_COLOR: '0', NO_COLOR: '1', PORT_INSPECTOR_BENCH_DIR: benchDir });
  mkdirSync(benchDir, { recursive: true });
  const { origin, stop } = await startCodeServer({ dirs, env, verbose });
  const { browser, context } = await launchBrowser({ dirs, verbose });
  let result;
  let finish;
  const done = new Promise(r => { finish = r; });
  const timer = setTimeout(() => { console.error(`run ${n}: timeout`); finish(1); }, 600000);
  let page;
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (!text.startsWith(TAG)) { if (verbose || type === 'error') { console.log(text); } return; }
    const msg = JSON.parse(text.slice(TAG.length));
    if (msg.op === 'watchRows') {
      const file = path.join(benchDir, `${msg.id}.json`);
      const watching = rowsRendered(page, msg.port);
      writeFileSync(`${file}.watching`, '');
      // written under another name and renamed: the extension host never reads half a file
      watching.then(t => { writeFileSync(`${file}.tmp`, JSON.stringify({ t })); renameSync(`${file}.tmp`, file); }, async e => {
        console.error(`run ${n}: ${e.message}`);
        // what the sidebar showed instead
        console.error(await page.evaluate(() => [...document.querySelectorAll('#workbench\\.parts\\.sidebar .pane')].map(p =>
          `${p.querySelector('.pane-header .title')?.textContent}: ${[...p.querySelectorAll('.monaco-list-row')].slice(0, 3).map(r => `${r.getAttribute('aria-level')}/${r.getAttribute('aria-setsize')} ${r.textContent}`).join(' | ')}`).join('\n')).catch(x => x.message));
      });
    } else if (msg.op === 'result') {
      result = msg;
    }
  });
  await context.exposeFunction('codeAutomationExit', code => { clearTimeout(timer); finish(code); });
  page = await context.newPage();
  page.on('pageerror', e => console.error(`page error: ${e}`));
  await page.goto(workbenchUrl(origin, workspacePath, { extensionDevelopmentPath: root, extensionTestsPath: runnerPath }));
  const code = await done;
  await browser.close().catch(() => {});
  await stop();
  rmSync(tmp, { recursive: true, force: true });
  if (code !== 0 || !result) { throw new Error(`run ${n} failed (exit ${code})`); }
  return result;
}

const f1 = x => (x === undefined ? '–' : x.toFixed(1));
const detail = process.env.BENCH_VIEW_DETAIL === '1';
function memLine(name, s) {
  const m = s.mem;
  if (!m) { return ''; }
  const w = m.worker;
  const gc = `; ${s.unchanged} of ${s.collections} refreshes answered "unchanged", host GCs ${s.minorGcs} minor ${s.majorGcs} major`;
  let out = `\n  ${name}${gc}\n  ${name} memory: VmRSS ${f1(m.status.VmRSS)} (anon ${f1(m.status.RssAnon)}, file ${f1(m.status.RssFile)}; [heap] ${f1(m.brkHeapRssMb)}), threads ${m.status.Threads}; ` +
    `host heap total ${f1(m.heapTotalMb)} used ${f1(s.heapMb)} external ${f1(m.externalMb)} arrayBuffers ${f1(m.arrayBuffersMb)}; ` +
    `worker ${w ? `used ${f1(w.usedMb)} physical ${f1(w.physicalMb)} malloced ${f1(w.mallocedMb)} external ${f1(w.externalMb)}` : '–'} MB`;
  if (detail && m.spaces) { out += `\n    host heap spaces [resident, used MB]: ${Object.entries(m.spaces).filter(([, [a]]) => a >= 0.5).map(([k, [a, b]]) => `${k} ${a}/${b}`).join(', ')}`; }
  if (detail) { out += `\n    largest anonymous mappings [size, rss MB]: ${m.anonTop.map(([a, b, c]) => `${a}/${b}${c ? ` ${c}` : ''}`).join(', ')}`; }
  return out;
}
const results = [];
for (let i = 1; i <= runs; i++) {
  const r = await oneRun(i);
  results.push(r);
  const grow = r.loaded.rssMb - r.few.rssMb;
  console.log(`run ${i}: ${r.sockets} sockets, ${r.rows} rows (${r.listeners} TCP listeners, ${r.udp} UDP, ${r.pairs} connected pairs; load up in ${r.loadMs} ms)\n` +
    `  few sockets: rss ${f1(r.few.rssMb)} MB, host heap ${f1(r.few.heapMb)} MB, worker heap ${f1(r.few.workerHeapMb)} MB, cpu ${r.few.cpuPercent.toFixed(2)} % (${r.few.collections} refreshes, focused ${r.few.focused}), rows shown ${r.firstRowFew} ms\n` +
    `  load, view hidden: rss ${f1(r.hidden.rssMb)} MB, host heap ${f1(r.hidden.heapMb)} MB, cpu ${r.hidden.cpuPercent.toFixed(2)} % (${r.hidden.collections} refreshes)\n` +
    `  loaded:      rss ${f1(r.loaded.rssMb)} MB, host heap ${f1(r.loaded.heapMb)} MB (${f1(r.retainedLoaded)} MB after GC, ${f1(r.retainedAfter)} MB once the load has gone), worker heap ${f1(r.loaded.workerHeapMb)} MB, cpu ${r.loaded.cpuPercent.toFixed(2)} % (${r.loaded.collections} refreshes, focused ${r.loaded.focused}), rows shown ${r.firstRowLoad} ms\n` +
    `  growth: rss +${f1(grow)} MB (${f1(grow / (r.sockets / 1000))} MB per 1,000 sockets), worker heap +${f1((r.loaded.workerHeapMb ?? 0) - (r.few.workerHeapMb ?? 0))} MB; first row ${f1(r.firstRowLoad / (r.sockets / 1000))} ms per 1,000 sockets` +
    memLine('few', r.few) + memLine('hidden', r.hidden) + memLine('loaded', r.loaded) +
    (r.allocations ? `\n  host allocations while the loaded view rendered and was sampled [MB, garbage included]:\n${r.allocations.map(([k, v]) => `    ${v} ${k}`).join('\n')}` : ''));
}
if (results.some(r => r.allocations)) {
  console.log('\nBENCH_VIEW_ALLOCATIONS=1: the heap profiler ran through the loaded phase, so its memory, CPU and first-row figures include the profiler; do not quote them.');
}
const range = (f, digits = 1) => { const v = results.map(f); return `${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}`; };
const k = r => r.sockets / 1000;
const workerMb = s => s.mem?.worker?.physicalMb ?? s.workerHeapMb ?? 0;
console.log(`\n${runs} runs, ${results[0].sockets} sockets (VS Code's own port finder ${finderOn ? 'on' : 'off'}):` +
  `\n  extension host rss growth   ${range(r => r.loaded.rssMb - r.few.rssMb)} MB (few sockets: ${range(r => r.few.rssMb)} MB)` +
  `\n  of which with the view hidden ${range(r => r.hidden.rssMb - r.few.rssMb)} MB` +
  `\n  worker heap growth          ${range(r => (r.loaded.workerHeapMb ?? 0) - (r.few.workerHeapMb ?? 0))} MB used, ${range(r => workerMb(r.loaded) - workerMb(r.few))} MB resident (few sockets: ${range(r => workerMb(r.few))} MB resident)` +
  `\n  host heap growth            ${range(r => r.loaded.heapMb - r.few.heapMb)} MB (retained for the load, after GC: ${range(r => (r.retainedLoaded ?? NaN) - (r.retainedAfter ?? NaN))} MB)` +
  `\n  time to first row (loaded)  ${range(r => r.firstRowLoad, 0)} ms (few sockets: ${range(r => r.firstRowFew, 0)} ms)` +
  `\n  visible-view cpu            ${range(r => r.loaded.cpuPercent, 2)} % of a core (few sockets: ${range(r => r.few.cpuPercent, 2)} %)` +
  `\n  per 1,000 sockets (growth over the few-sockets baseline of the same run):` +
  `\n    extension host rss        ${range(r => (r.loaded.rssMb - r.few.rssMb) / k(r), 2)} MB (worker included)` +
  `\n    collector worker heap     ${range(r => (workerMb(r.loaded) - workerMb(r.few)) / k(r), 2)} MB resident` +
  `\n    time to first row         ${range(r => r.firstRowLoad / k(r), 0)} ms (few sockets, whole: ${range(r => r.firstRowFew, 0)} ms)`);
