// The Ports view's cost at scale, measured inside the real extension host (scripts/bench-view.mjs
// loads this file as the workbench's test runner). One run:
//   A. few sockets: show the view, let it refresh, then measure the host's resident memory, both V8
//      heaps (host thread and collector worker) and the CPU share of the visible view;
//   B. hide the view, start one process holding BENCH_VIEW_LISTENERS TCP listeners, BENCH_VIEW_UDP
//      UDP sockets and BENCH_VIEW_PAIRS connected pairs, show the view again and time until the
//      workbench renders the new rows (the runner watches the page), then measure as in A; the
//      same measurement with the load but the view still hidden comes first, as a control.
// Results are printed as one `[[port-inspector-bench]] {"op":"result",…}` line for the runner.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as path from 'path';
import { constants, PerformanceObserver } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vscode from 'vscode';
import type { PortInspectorApi } from '../../src/extension/extension';
import { startLoad } from '../support/socketLoad';

const TAG = '[[port-inspector-bench]] ';
const EXTENSION_ID = 'port-inspector.port-inspector';
const num = (name: string, def: number) => { const v = Number(process.env[name]); return Number.isFinite(v) && v >= 0 ? v : def; };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (await check()) { return true; } await sleep(50); }
  return false;
}

/**
 * Asks the runner to watch the page for a visible row of the Ports view (with `port`: the row of that
 * TCP port), shows the view and returns the milliseconds until the row was rendered.
 */
async function timeFirstRow(id: string, port: number | undefined, show: () => Thenable<unknown>): Promise<number> {
  const dir = process.env.PORT_INSPECTOR_BENCH_DIR;
  if (!dir) { throw new Error('PORT_INSPECTOR_BENCH_DIR is not set (run through scripts/bench-view.mjs)'); }
  const answer = path.join(dir, `${id}.json`);
  console.log(`${TAG}${JSON.stringify({ op: 'watchRows', id, port })}`);
  // The runner says when it is watching, so the clock starts with the page being observed.
  if (!await waitFor(() => fs.existsSync(`${answer}.watching`), 30000)) { throw new Error('the runner did not start watching the page'); }
  const t0 = Date.now();
  await show();
  if (!await waitFor(() => fs.existsSync(answer), 60000)) { throw new Error(`no Ports view row${port === undefined ? '' : ` for port ${port}`} within 60 s`); }
  const { t } = JSON.parse(fs.readFileSync(answer, 'utf8')) as { t: number };
  return t - t0;
}

interface Sample {
  rssMb: number; heapMb: number; workerHeapMb: number | undefined; cpuPercent: number; collections: number; focused: boolean;
  /** collections the worker answered with "unchanged", and the host thread's garbage collections, in the window */
  unchanged: number; minorGcs: number; majorGcs: number;
  mem: MemDetail;
}

/** Where the host process's resident memory is: kernel's view (/proc/self) and both V8 isolates' own. */
interface MemDetail {
  status: Record<string, number>;
  heapTotalMb: number; externalMb: number; arrayBuffersMb: number;
  worker?: { usedMb: number; physicalMb: number; mallocedMb: number; externalMb: number };
  /** anonymous writable mappings, largest resident first: [size MB, rss MB, path] */
  anonTop: [number, number, string][];
  anonRssMb: number; fileRssMb: number; brkHeapRssMb: number;
  /** the host isolate's spaces: name -> [size, used] MB */
  spaces: Record<string, [number, number]>;
}

function memDetail(): Omit<MemDetail, 'worker'> {
  const status: Record<string, number> = {};
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const m = /^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem|Threads):\s+(\d+)/.exec(line);
    if (m) { status[m[1]] = m[1] === 'Threads' ? Number(m[2]) : Number(m[2]) / 1024; }
  }
  const maps: [number, number, string][] = [];
  let anon = 0, file = 0, brk = 0;
  let cur: { size: number; path: string; anon: boolean } | undefined;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (h) {
      const path = h[5].trim();
      cur = { size: (parseInt(h[2], 16) - parseInt(h[1], 16)) / 2 ** 20, path, anon: h[4] === '0' && !path.startsWith('/') };
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r && cur) {
      const mb = Number(r[1]) / 1024;
      if (cur.path === '[heap]') { brk += mb; }
      if (cur.anon) { anon += mb; maps.push([cur.size, mb, cur.path]); } else { file += mb; }
    }
  }
  maps.sort((a, b) => b[1] - a[1]);
  const mu = process.memoryUsage();
  return {
    status, heapTotalMb: mu.heapTotal / 2 ** 20, externalMb: mu.external / 2 ** 20, arrayBuffersMb: mu.arrayBuffers / 2 ** 20,
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map(x => [x.space_name.replace(/_space$/, ''), [Math.round(x.physical_space_size / 2 ** 17) / 8, Math.round(x.space_used_size / 2 ** 17) / 8]])),
    anonTop: maps.slice(0, 16).map(([a, b, c]) => [Math.round(a * 10) / 10, Math.round(b * 10) / 10, c]), anonRssMb: anon, fileRssMb: file, brkHeapRssMb: brk,
  };
}

/** A full GC of the host thread, for measuring retained memory (only in this benchmark). */
function collectGarbage(): boolean {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
    return true;
  } catch {
    return false;
  }
}

/** The host thread's heap (MB) after a full collection: what is retained, garbage aside. */
function retainedHeapMb(): number | undefined {
  return collectGarbage() ? process.memoryUsage().heapUsed / 2 ** 20 : undefined;
}

async function sample(api: PortInspectorApi['ports'], windowMs: number): Promise<Sample> {
  const c0 = api.collections();
  const u0 = api.collector().unchangedAnswers;
  let minorGcs = 0, majorGcs = 0;
  // How often the host thread's young generation filled up in the window: a measure of what it allocates.
  const gcs = new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) { minorGcs++; } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) { majorGcs++; }
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await sleep(windowMs);
  gcs.disconnect();
  const cpu = process.cpuUsage(cpu0);
  const wall = Date.now() - t0;
  const mem = process.memoryUsage();
  const worker = await api.collectorHeap();
  return {
    rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20,
    workerHeapMb: worker === undefined ? undefined : worker.used / 2 ** 20,
    // process-wide: the collector worker's thread is included
    cpuPercent: (100 * (cpu.user + cpu.system) / 1000) / wall,
    collections: api.collections() - c0, focused: vscode.window.state.focused,
    unchanged: api.collector().unchangedAnswers - u0, minorGcs, majorGcs,
    mem: {
      ...memDetail(),
      worker: worker === undefined ? undefined : { usedMb: worker.used / 2 ** 20, physicalMb: worker.total / 2 ** 20, mallocedMb: (worker.malloced ?? 0) / 2 ** 20, externalMb: worker.external / 2 ** 20 },
    },
  };
}

/** Distinct protocol:port pairs with a listening or bound socket (the view's port rows), and the lowest TCP port `pid` listens on. */
function listeningPorts(pid: number): { rows: number; lowestTcp: number } {
  const out = execFileSync('ss', ['-H', '-l', '-t', '-u', '-n', '-p'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const keys = new Set<string>();
  let lowestTcp = Infinity;
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    const port = Number(/:(\d+)$/.exec(f[4] ?? '')?.[1]);
    if (!port) { continue; }
    keys.add(`${f[0]}:${port}`);
    if (f[0] === 'tcp' && line.includes(`pid=${pid},`)) { lowestTcp = Math.min(lowestTcp, port); }
  }
  return { rows: keys.size, lowestTcp };
}

/**
 * BENCH_VIEW_ALLOCATIONS=1: what the host thread allocates while the loaded view first renders and
 * through its sample window, by function (V8's sampling heap profiler, garbage included), so the
 * bytes can be put down to this extension's code or VS Code's. The profiler costs memory and time
 * itself: the loaded phase's figures of such a run are not the view's (the runner says so).
 */
async function allocationsDuring<T>(work: () => Promise<T>): Promise<{ result: T; top?: [string, number][] }> {
  if (process.env.BENCH_VIEW_ALLOCATIONS !== '1') { return { result: await work() }; }
  const session = new inspector.Session();
  session.connect();
  const post = <R>(method: string, params?: object) => new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (e, r) => e ? reject(e) : resolve(r as R)));
  await post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const result = await work();
  interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] }
  const { profile } = await post<{ profile: { head: Node } }>('HeapProfiler.stopSampling');
  session.disconnect();
  const byFrame = new Map<string, number>();
  // A built-in (no url: Array.prototype.map, the structured clone) is put down to the script function that called it.
  const walk = (n: Node, caller: string) => {
    const f = n.callFrame;
    const here = f.url ? `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}` : undefined;
    const k = here ?? `${f.functionName || '(anonymous)'} in ${caller}`;
    byFrame.set(k, (byFrame.get(k) ?? 0) + n.selfSize);
    for (const c of n.children) { walk(c, here ?? caller); }
  };
  walk(profile.head, '(root) ?:0');
  const byFile = new Map<string, number>();
  for (const [k, v] of byFrame) { const file = (/ (\S+):\d+$/.exec(k)?.[1] ?? '?'); byFile.set(file, (byFile.get(file) ?? 0) + v); }
  const mb = (v: number) => Math.round(v / 2 ** 17) / 8;
  const top = [...[...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]): [string, number] => [`file ${k}`, mb(v)]),
    ...[...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]): [string, number] => [k, mb(v)])];
  return { result, top };
}

export async function run(): Promise<void> {
  const listeners = num('BENCH_VIEW_LISTENERS', 10000);
  const udp = num('BENCH_VIEW_UDP', 1000);
  const pairs = num('BENCH_VIEW_PAIRS', 500);
  const windowMs = num('BENCH_VIEW_WINDOW_MS', 20000);
  const ext = vscode.extensions.getExtension<PortInspectorApi>(EXTENSION_ID);
  if (!ext) { throw new Error(`${EXTENSION_ID} not loaded`); }
  const api = (ext.isActive ? ext.exports : await ext.activate()).ports;
  const showView = () => vscode.commands.executeCommand('portInspector.ports.focus');
  const hideView = () => vscode.commands.executeCommand('workbench.view.extensions');

  await hideView();
  await waitFor(() => !api.viewVisible(), 10000);
  const firstRowFew = await timeFirstRow('few', undefined, showView);
  const few = await sample(api, windowMs);

  await hideView();
  await waitFor(() => !api.viewVisible(), 10000);
  const loadT0 = Date.now();
  const load = await startLoad(listeners, udp, pairs, 1);
  const loadMs = Date.now() - loadT0;
  try {
    // The same process with the load but the view hidden: what the sockets cost the extension host
    // when the view does nothing (VS Code itself, the collector idle).
    const hidden = await sample(api, windowMs);
    // The row of the load's lowest port: it is among the first rows the view shows, and was not
    // there before the load started.
    const { rows, lowestTcp } = listeningPorts(load.processes[0].pid!);
    const { result: [firstRowLoad, loaded], top: allocations } = await allocationsDuring(async () => {
      const t = await timeFirstRow('load', lowestTcp, showView);
      return [t, await sample(api, windowMs)] as const;
    });
    // Forcing a GC would flatter the resident-memory figures: only after they are taken, and the
    // baseline for what the view retains is the same process once the load has gone again.
    const retainedLoaded = retainedHeapMb();
    await load.stop();
    await api.refresh();
    const retainedAfter = retainedHeapMb();
    const sockets = listeners + udp + 2 * pairs;
    console.log(`${TAG}${JSON.stringify({ op: 'result', sockets, rows, listeners, udp, pairs, loadMs, firstRowFew, firstRowLoad, few, hidden, loaded, retainedLoaded, retainedAfter, allocations })}`);
  } finally {
    await load.stop();
  }
}
