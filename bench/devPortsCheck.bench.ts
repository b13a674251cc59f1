// npm run bench:devports — CPU cost of the dev-port status-bar check while idle, with 1,000
// unrelated loopback listeners open on the machine (target: under 0.5% of one core).
//
// 1. Per-check time of Collector.probePorts() in this thread, side by side with `ss` answering the
//    same question (filtered by port): idle (watched ports free), a taken port's first sight (walk
//    of every process's fds, vs ss -p) and later checks of the same taken port (owner index).
// 2. The real loop, as the extension runs it: probePorts() through the collector worker plus the
//    status-bar rendering, every DEVPORTS_INTERVAL_MS (15 s, the default setting) for
//    DEVPORTS_DURATION_S (180 s). process.cpuUsage() covers every thread of this process, so the
//    figure is the calling thread and the worker together, per hour and as % of one core.
//    Loopback only, in a network namespace of its own when run as root; every process started
//    here is killed at the end.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ProcfsCollector } from '../src/core/collect/procfsCollector';
import type { PortCheckResult } from '../src/core/model';
import { renderStatusBar, type PortStatus } from '../src/extension/devPorts/devPortsSummary';
import { WorkerCollector } from '../src/extension/shared/collector/workerCollector';
import type { PortSpec } from '../src/core/workspace/watchList';
import { startLoad } from './support/socketLoad';
import { median, timeCommand } from './support/timing';

const LISTENERS = Number(process.env.DEVPORTS_LISTENERS ?? 1000);
const INTERVAL_MS = Number(process.env.DEVPORTS_INTERVAL_MS ?? 15000);
const DURATION_S = Number(process.env.DEVPORTS_DURATION_S ?? 180);
const RUNS = Number(process.env.DEVPORTS_RUNS ?? 30);
// out/bench/x.js -> out/src/extension/shared/collector/worker.js (esbuild --tests transpiles 1:1)
const WORKER = path.join(__dirname, '../src/extension/shared/collector/worker.js');


async function timeAsync(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}


function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function freePorts(n: number, preferred: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const p of preferred) { if (out.length < n && await isFree(p)) { out.push(p); } }
  for (let p = 20000; out.length < n && p < 30000; p++) { if (await isFree(p)) { out.push(p); } }
  return out;
}

function tableRows(): number {
  let rows = 0;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try { rows += fs.readFileSync(f, 'latin1').split('\n').filter(l => l.trim()).length - 1; } catch { /* absent */ }
  }
  return rows;
}

function ssFilter(ports: number[]): string[] {
  return ['(', ...ports.flatMap((p, i) => (i ? ['or'] : []).concat(['sport', '=', `:${p}`])), ')'];
}

const hasSs = spawnSync('ss', ['-V']).status === 0;

async function main(): Promise<void> {
  if (process.platform !== 'linux') { console.log('Linux only (reads /proc/net).'); return; }
  // In a network namespace of its own (as root): no one else's test run can take the watched
  // ports or stop the load's listeners, and the tables hold only this run's sockets.
  if (process.env.DEVPORTS_ISOLATED !== '1' && process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0) {
    const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"', process.execPath, __filename], {
      stdio: 'inherit', env: { ...process.env, DEVPORTS_ISOLATED: '1' },
    });
    process.exitCode = r.status ?? 1;
    return;
  }
  const load = await startLoad(LISTENERS, 0, 0, 1);
  const holders: ReturnType<typeof spawn>[] = [];
  try {
    const [a, b, c, spare] = await freePorts(4, [5173, 4000, 3000]);
    const watched: PortSpec[] = [a, b, c].map(port => ({ port, protocol: 'tcp' }));
    const checker = new ProcfsCollector();
    const render = (results: PortCheckResult[]) => renderStatusBar(results.map((r): PortStatus => ({
      port: r.port, protocol: r.protocol, sources: [], holders: r.holders.map(h => ({ holder: h, ownership: { kind: 'other' } })), ignored: false,
      state: r.sockets.length === 0 ? 'free' : 'conflict',
    })), 'auto', false);
    console.log(`dev-port check benchmark: ${LISTENERS} loopback listeners held by pid ${load.processes[0].pid}; ${tableRows()} rows in /proc/net/tcp{,6}; watching ${watched.map(w => w.port).join(', ')}`);

    // 1a. idle per-check cost
    for (let i = 0; i < 5; i++) { render(await checker.probePorts(watched)); }
    const idle: number[] = [];
    const ssIdle: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      idle.push(await timeAsync(async () => render(await checker.probePorts(watched))));
      if (hasSs) { ssIdle.push(await timeCommand('ss', ['-Hltn', ...ssFilter(watched.map(w => w.port))])); }
    }
    const rows: [string, number, number | undefined][] = [['idle check (ports free)', median(idle), hasSs ? median(ssIdle) : undefined]];

    // 1b. a watched port taken by another process: first sight walks every process; later checks use the cache
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${spare}, '127.0.0.1', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(holder);
    await new Promise(r => holder.stdout!.once('data', r));
    const takenWatch: PortSpec[] = [...watched, { port: spare, protocol: 'tcp' }];
    const firstSight: number[] = [];
    const cached: number[] = [];
    const ssOwners: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      const fresh = new ProcfsCollector();
      firstSight.push(await timeAsync(async () => render(await fresh.probePorts(takenWatch))));
      if (hasSs) { ssOwners.push(await timeCommand('ss', ['-Hltnp', ...ssFilter(takenWatch.map(w => w.port))])); }
    }
    const warm = new ProcfsCollector();
    const check = await warm.probePorts(takenWatch);
    if (check.find(r => r.port === spare)?.holders[0]?.pid !== holder.pid) { throw new Error('the taken port was not attributed to its holder'); }
    for (let i = 0; i < RUNS; i++) { cached.push(await timeAsync(async () => render(await warm.probePorts(takenWatch)))); }
    rows.push(['taken port, first sight (fd walk)', median(firstSight), hasSs ? median(ssOwners) : undefined]);
    rows.push(['taken port, later checks (index)', median(cached), hasSs ? median(ssOwners) : undefined]);
    holder.kill('SIGKILL');

    console.log('\nper check (median ms)                engine      ss (same filter)   ratio ss/engine');
    for (const [name, ms, ss] of rows) {
      console.log(`${name.padEnd(36)} ${ms.toFixed(2).padStart(7)}   ${ss === undefined ? '       -' : `${ss.toFixed(2).padStart(8)} ${name.includes('taken') ? '(-p)' : '    '}`}   ${ss === undefined ? '-' : `${(ss / ms).toFixed(1)}×`}`);
    }

    // 2. the real loop at its real interval, idle
    console.log(`\nreal loop: a check through the collector worker + render every ${INTERVAL_MS / 1000} s for ${DURATION_S} s …`);
    const idleChecker = new WorkerCollector({ scriptPath: WORKER, onFallback: r => { throw new Error(`the worker did not start: ${r}`); } });
    // Started before the measurement, as in the extension (the view or an earlier check started it).
    render(await idleChecker.probePorts(watched));
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    let checks = 0;
    await new Promise<void>(resolve => {
      const tick = async () => { render(await idleChecker.probePorts(watched)); checks++; };
      void tick();
      const timer = setInterval(() => { void tick(); }, INTERVAL_MS);
      setTimeout(() => { clearInterval(timer); resolve(); }, DURATION_S * 1000);
    });
    const cpu = process.cpuUsage(cpu0);
    idleChecker.dispose();
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const loadProcess = load.processes[0];
    if (loadProcess.exitCode !== null || loadProcess.signalCode !== null) {
      throw new Error(`the load process (pid ${loadProcess.pid}) ended during the loop (${loadProcess.signalCode ?? loadProcess.exitCode}): the measurement is not valid`);
    }
    console.log(`${tableRows()} rows in /proc/net/tcp{,6} at the end of the loop`);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const perHour = cpuS * 3600 / wallS;
    console.log(`${checks} checks in ${wallS.toFixed(1)} s: CPU ${(cpuS * 1000).toFixed(1)} ms (user ${(cpu.user / 1000).toFixed(1)} ms, system ${(cpu.system / 1000).toFixed(1)} ms)`);
    console.log(`=> ${perHour.toFixed(2)} CPU-seconds per hour = ${(perHour / 36).toFixed(4)}% of one core, this thread and the worker (target < 0.5%)`);
    console.log(`   (from the per-check median: ${(median(idle) * 3600 / (INTERVAL_MS / 1000) / 1000).toFixed(2)} CPU-seconds per hour)`);
  } finally {
    for (const h of holders) { h.kill('SIGKILL'); }
    await load.stop();
  }
}

main().catch(e => { console.error(e); process.exit(1); });
