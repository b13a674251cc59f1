// Where the scanner's helpers come from and what it refuses: nmap is never taken from PATH, very
// large target sets need an explicit yes, and the TCP scan's worker threads start from the built
// entry point (dist/scanWorker.js, or out/src/core/scan/scanWorker.js in this build).
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { scanTargets } from '../../../../src/core/scan/index';
import { resolveNmap } from '../../../../src/core/scan/nmap';
import { runTcpScan, scanWorkerScript } from '../../../../src/core/scan/scanTcp';
import { targetHostCount } from '../../../../src/core/scan/target';
import type { ProberMessage, RoundReport } from '../../../../src/core/scan/tcpRound';
import { ScanInputError } from '../../../../src/core/scan/types';
import { cliPath } from './support/netns';
import { skipUnless } from '../../support/skip';

const root = path.resolve(__dirname, '../../../../..');
const isRoot = process.getuid?.() === 0;

function cli(args: string[], env: NodeJS.ProcessEnv = process.env, isolated = false): Promise<{ code: number; stdout: string; stderr: string }> {
  // isolated: in a network namespace of its own with no interface up, so that even a regression
  // that let the scan start could not send a packet anywhere
  const [cmd, argv] = isolated ? ['unshare', ['-n', process.execPath, cliPath(), ...args]] : [process.execPath, [cliPath(), ...args]];
  return new Promise(resolve => {
    execFile(cmd, argv, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function listen(): Promise<net.Server> {
  const s = net.createServer(c => { c.on('error', () => undefined); c.destroy(); });
  await new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()));
  return s;
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('scan: nmap is resolved like every other system tool', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-nmap-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  /** A fake nmap that leaves a marker file when it runs. */
  function fakeNmap(where: string, marker: string): string {
    const p = path.join(where, 'nmap');
    fs.writeFileSync(p, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
    return p;
  }

  it('an nmap early on PATH is not run (the CLI scanning two loopback addresses of a port we own)', async () => {
    const marker = path.join(dir, 'ran');
    fakeNmap(dir, marker);
    const s = await listen();
    try {
      const r = await cli(['scan', '127.0.0.1,127.0.0.2', '-p', String(portOf(s)), '--json'], { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` });
      assert.equal(fs.existsSync(marker), false, 'the nmap found on PATH ran');
      // the system's nmap scanned both (when installed), or one sentence says why it could not
      if (r.code === 0) {
        const out = JSON.parse(r.stdout) as { address: string; ports: { port: number; state: string }[] }[];
        assert.deepEqual(out.map(h => h.address).sort(), ['127.0.0.1', '127.0.0.2']);
        assert.equal(out.find(h => h.address === '127.0.0.1')?.ports[0]?.state, 'open');
      } else {
        assert.equal(r.code, 2);
        assert.match(r.stderr.trim(), /^port-inspector: scanning several hosts needs nmap, and no root-owned nmap was found in \/usr\/bin, /);
      }
    } finally {
      s.close();
    }
  });

  it('only a root-owned file writable by nobody else counts; a configured path must be absolute and executable', function () {
    skipUnless(this, isRoot, 'ownership checks need root to chown');
    const p = fakeNmap(dir, path.join(dir, 'ran'));
    fs.chownSync(p, 0, 0);
    assert.equal(resolveNmap(undefined, [dir]), p);
    fs.chmodSync(p, 0o775);
    assert.throws(() => resolveNmap(undefined, [dir]), ScanInputError, 'group-writable');
    fs.chmodSync(p, 0o757);
    assert.throws(() => resolveNmap(undefined, [dir]), ScanInputError, 'world-writable');
    fs.chmodSync(p, 0o755);
    fs.chownSync(p, 1000, 1000);
    assert.throws(() => resolveNmap(undefined, [dir]), /no root-owned nmap was found in/);
    // the machine-level setting is the user's own choice: any executable file, by absolute path
    assert.equal(resolveNmap(p, [dir]), p);
    assert.throws(() => resolveNmap('nmap', [dir]), /"nmap" is not absolute/);
    assert.throws(() => resolveNmap(path.join(dir, 'missing'), [dir]), /is not an executable file/);
    fs.chmodSync(p, 0o644);
    assert.throws(() => resolveNmap(p, [dir]), /is not an executable file/);
  });
});

describe('scan: very large target sets', () => {
  it('counts the addresses a target covers', () => {
    assert.equal(targetHostCount('0.0.0.0/0'), 2 ** 32);
    assert.equal(targetHostCount('::/0'), 2 ** 128);
    assert.equal(targetHostCount('198.18.0.0/30'), 4);
    assert.equal(targetHostCount('198.18.0.1-20'), 20);
    assert.equal(targetHostCount('198.18.0-3.*'), 1024);
    assert.equal(targetHostCount('198.18.0.1,198.18.0.0/24,localhost'), 258);
    assert.equal(targetHostCount('localhost'), 1);
  });

  it('the CLI refuses 0.0.0.0/0 and ::/0 without --yes, in one line, before anything runs', async function () {
    // The whole address space is only ever handed to a CLI that has no network at all.
    skipUnless(this, isRoot && spawnSync('unshare', ['-n', 'true']).status === 0, 'needs root and unshare -n (the test must not be able to reach any network)');
    for (const t of ['0.0.0.0/0', '::/0', '198.18.0.0/15']) {
      const r = await cli(['scan', t, '-p', '80'], process.env, true);
      assert.equal(r.code, 2, t);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /covers [\d,]+ addresses \(more than 4,096\); add --yes to scan that many$/);
    }
  });

  it('scanTargets refuses them unless the caller says the user confirmed', async () => {
    // 131,072 addresses of the benchmarking range: a regression would scan only addresses that lead nowhere
    for (const host of ['198.18.0.0/15']) {
      await assert.rejects(scanTargets({ host, ports: '80' }), (e: Error) => e instanceof ScanInputError && /covers [\d,]+ addresses, more than 4,096; confirm a scan that large explicitly$/.test(e.message));
    }
  });
});

describe('scan: TCP worker threads start from the built entry point', () => {
  it('scanWorker.js sits next to the scan module, and dist/scanWorker.js is a self-contained bundle', async () => {
    assert.equal(scanWorkerScript(), path.join(root, 'out/src/core/scan/scanWorker.js'));
    assert.ok(fs.existsSync(scanWorkerScript()));
    const bundle = path.join(root, 'dist/scanWorker.js');
    assert.ok(fs.existsSync(bundle), 'dist/scanWorker.js missing: run node esbuild.mjs');
    assert.doesNotMatch(fs.readFileSync(bundle, 'utf8'), /require\("\.\//, 'the bundle requires no sibling module');
    // run one round in the bundled worker against a listener of ours and a released port
    const s = await listen();
    const gone = await listen();
    const closed = portOf(gone);
    await new Promise(r => gone.close(r));
    const w = new Worker(bundle, { workerData: { address: '127.0.0.1', family: 4, initialTimeoutMs: 1000, minTimeoutMs: 100, maxTimeoutMs: 1000, window: 10, forceNet: false } });
    try {
      const got: number[] = [];
      const report = await new Promise<RoundReport>((resolve, reject) => {
        w.on('error', reject);
        w.on('message', (m: ProberMessage) => { if (m.type === 'results') { got.push(...m.data); } else { resolve(m.report); } });
        w.postMessage({ type: 'round', req: { ports: [portOf(s), closed], resend: false, ratePerSec: 0 } });
      });
      assert.deepEqual(sortTriples(got), sortTriples([portOf(s), 1, 1, closed, 2, 2]));
      assert.deepEqual([report.sent, report.answers, report.silent, report.cancelled], [2, 2, [], false]);
    } finally {
      await w.terminate();
      s.close();
    }
  });

  it('a small scan asked to stay off this thread runs in one worker', async () => {
    const s = await listen();
    try {
      const got: number[] = [];
      const stats = await runTcpScan({
        address: '127.0.0.1', family: 4, ports: [portOf(s)], concurrency: 10, workers: 1, initialTimeoutMs: 1000, minTimeoutMs: 100,
        maxTimeoutMs: 1000, retries: 1, inWorker: true, onResults: d => got.push(...d),
      });
      assert.deepEqual([stats.workers, got], [1, [portOf(s), 1, 1]]);
    } finally {
      s.close();
    }
  });

  it('a large scan runs on two worker threads; without the worker script it runs on this thread', async () => {
    const servers = await Promise.all(Array.from({ length: 3 }, listen));
    const released = await Promise.all(Array.from({ length: 700 }, listen));
    const ports = [...servers, ...released].map(portOf).sort((a, b) => a - b);
    await Promise.all(released.map(s => new Promise(r => s.close(r))));
    try {
      for (const workerScript of [undefined, path.join(os.tmpdir(), 'no-such-scan-worker.js')]) {
        const states = new Map<number, number>();
        const stats = await runTcpScan({
          address: '127.0.0.1', family: 4, ports, concurrency: 100, workers: 2, initialTimeoutMs: 1000, minTimeoutMs: 100,
          maxTimeoutMs: 1000, retries: 1, workerScript, onResults: d => { for (let i = 0; i < d.length; i += 3) { states.set(d[i], d[i + 1]); } },
        });
        assert.equal(stats.workers, workerScript ? 0 : 2);
        assert.equal(states.size, ports.length);
        assert.deepEqual([...states].filter(([, st]) => st === 1).map(([p]) => p).sort((a, b) => a - b), servers.map(portOf).sort((a, b) => a - b));
        assert.equal([...states.values()].filter(st => st === 2).length, 700);
      }
    } finally {
      for (const s of servers) { s.close(); }
    }
  });
});

function sortTriples(d: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < d.length; i += 3) { out.push(d.slice(i, i + 3)); }
  return out.sort((a, b) => a[0] - b[0]);
}
