// Scans of the machine's loopback, limited to ports this test owns: listeners it opens on
// OS-assigned ports, and ports it has just bound and released (closed). Runs unprivileged.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import * as dgram from 'node:dgram';
import { readdirSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { countOpenFds } from '../../../../src/core/scan/fdLimit';
import { scanHost } from '../../../../src/core/scan/scan';
import { scanTargets } from '../../../../src/core/scan/index';
import { resolveTarget } from '../../../../src/core/scan/target';
import { runTcpScan } from '../../../../src/core/scan/scanTcp';
import type { ScanProgress } from '../../../../src/core/scan/types';
import { outRoot } from '../../support/paths';

async function listen(host: string): Promise<net.Server> {
  const s = net.createServer(c => { c.on('error', () => undefined); c.destroy(); });
  await new Promise<void>(r => s.listen(0, host, () => r()));
  return s;
}
const portOf = (s: net.Server | dgram.Socket) => ((s as net.Server).address() as net.AddressInfo).port;

/** Ports that were free a moment ago: bound by us, then released. */
async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => listen(host)));
  const ports = servers.map(portOf);
  await Promise.all(servers.map(s => new Promise(r => s.close(r))));
  return ports;
}

async function udpSocket(reply: boolean, type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  const s = dgram.createSocket(type);
  if (reply) { s.on('message', (_m, r) => s.send(Buffer.from('hi'), r.port, r.address)); }
  await new Promise<void>(r => s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => r()));
  return s;
}

/** The sockets this process holds right now (socket:[inode] links under /proc/self/fd). */
function socketFds(): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try { const l = readlinkSync(`/proc/self/fd/${fd}`); if (l.startsWith('socket:')) { out.add(l); } } catch { /* closed meanwhile */ }
  }
  return out;
}

const cli = path.join(outRoot, 'src/cli.js');
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, [cli, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('scan: loopback, own ports only', function () {
  this.timeout(30_000);
  const toClose: (net.Server | dgram.Socket)[] = [];
  afterEach(() => {
    for (const s of toClose.splice(0)) { try { s.close(); } catch { /* already */ } }
  });

  it('TCP IPv4: our listeners are open (syn-ack), released ports closed (conn-refused)', async () => {
    const a = await listen('127.0.0.1'); const b = await listen('127.0.0.1');
    toClose.push(a, b);
    const closed = await freePorts(3);
    const progress: ScanProgress[] = [];
    const r = await scanHost({ host: '127.0.0.1', ports: [portOf(a), portOf(b), ...closed], onProgress: p => progress.push(p) });
    const by = new Map(r.ports.map(p => [p.port, `${p.state}/${p.reason}`]));
    assert.equal(by.get(portOf(a)), 'open/syn-ack');
    assert.equal(by.get(portOf(b)), 'open/syn-ack');
    for (const p of closed) { assert.equal(by.get(p), 'closed/conn-refused'); }
    assert.equal(r.ports.length, 5);
    assert.deepEqual(r.ports.map(p => p.port), [...r.ports.map(p => p.port)].sort((x, y) => x - y));
    const last = progress[progress.length - 1];
    assert.deepEqual([last.done, last.total, last.openSoFar], [5, 5, 2]);
    assert.equal(r.cancelled, false);
    assert.equal(r.address, '127.0.0.1');
  });

  it('TCP over net.Socket fallback classifies the same way', async () => {
    const a = await listen('127.0.0.1');
    toClose.push(a);
    const [closed] = await freePorts(1);
    const got: number[] = [];
    const stats = await runTcpScan({
      address: '127.0.0.1', family: 4, ports: [portOf(a), closed], concurrency: 10, workers: 1, initialTimeoutMs: 1000,
      minTimeoutMs: 100, maxTimeoutMs: 1000, retries: 1, forceNet: true, onResults: d => got.push(...d),
    });
    assert.equal(stats.usedBinding, false);
    const triples = new Map<number, number[]>();
    for (let i = 0; i < got.length; i += 3) { triples.set(got[i], [got[i + 1], got[i + 2]]); }
    assert.deepEqual(triples.get(portOf(a)), [1, 1]); // open, syn-ack
    assert.deepEqual(triples.get(closed), [2, 2]); // closed, conn-refused
  });

  it('TCP IPv6 ::1 and the name localhost (IPv4 chosen, others listed)', async () => {
    const a = await listen('::1');
    toClose.push(a);
    const r6 = await scanHost({ host: '::1', ports: [portOf(a)] });
    assert.equal(r6.ports[0].state, 'open');
    const b = await listen('127.0.0.1');
    toClose.push(b);
    const r = await scanHost({ host: 'localhost', ports: String(portOf(b)) });
    assert.equal(r.address, '127.0.0.1');
    assert.equal(r.ports[0].state, 'open');
    const all = (await lookup('localhost', { all: true })).map(x => x.address);
    assert.deepEqual(r.otherAddresses, [...new Set(all)].filter(x => x !== '127.0.0.1'));
    // a name that also resolves to ::1 (the resolver's answer as recorded on a Debian host): the
    // scan of 127.0.0.1 names ::1 as not scanned
    const resolved = await resolveTarget('localhost', () => Promise.resolve([{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]));
    const both = await scanHost({ host: 'localhost', ports: String(portOf(b)) }, resolved);
    assert.deepEqual([both.address, both.otherAddresses, both.ports.map(p => p.state)], ['127.0.0.1', ['::1'], ['open']]);
  });

  it('UDP: a socket that answers is open, a silent one open|filtered, a released port closed', async () => {
    const talk = await udpSocket(true); const quiet = await udpSocket(false);
    toClose.push(talk, quiet);
    const gone = await udpSocket(false);
    const closedPort = portOf(gone);
    gone.close();
    const r = await scanHost({ host: '127.0.0.1', protocol: 'udp', ports: [portOf(talk), portOf(quiet), closedPort] });
    const by = new Map(r.ports.map(p => [p.port, `${p.state}/${p.reason}`]));
    assert.equal(by.get(portOf(talk)), 'open/udp-response');
    assert.equal(by.get(portOf(quiet)), 'open|filtered/no-response');
    assert.equal(by.get(closedPort), 'closed/port-unreach');
    assert.ok((r.stats.rounds ?? 0) >= 2, 'the silent port was probed again before being called open|filtered');
  });

  it('cancelling a UDP scan settles (nothing reported afterwards, no silent port reported) and closes every socket', async () => {
    const quiet = await Promise.all(Array.from({ length: 200 }, () => udpSocket(false)));
    toClose.push(...quiet);
    const before = countOpenFds();
    const socketsBefore = socketFds();
    const ac = new AbortController();
    let maxFds = 0;
    const poll = setInterval(() => { maxFds = Math.max(maxFds, countOpenFds() ?? 0); }, 20);
    setTimeout(() => ac.abort(), 150);
    let progressAfter = 0, settled = false;
    const pending = scanHost({
      host: '127.0.0.1', protocol: 'udp', ports: quiet.map(portOf), timeoutMs: 5000, signal: ac.signal,
      onProgress: () => { if (settled) { progressAfter++; } },
    });
    const r = await pending;
    settled = true;
    clearInterval(poll);
    assert.equal(r.cancelled, true);
    assert.ok(maxFds > (before ?? 0) + 50, `sockets were in flight (${maxFds} vs ${before})`);
    // settled: the silent ports were neither waited for nor reported
    assert.ok(r.ports.every(p => p.state !== 'open|filtered'), 'no silent port was reported after the abort');
    await new Promise(res => setImmediate(res));
    assert.equal(progressAfter, 0, 'nothing reported after the scan settled');
    // the sockets open now are exactly those open before (other tests' late closes cannot fake a leak)
    assert.deepEqual([...socketFds()].filter(x => !socketsBefore.has(x)), []);
  });

  it('an already-aborted signal returns at once with nothing probed', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await scanHost({ host: '127.0.0.1', ports: '1-10', signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.ports.length, 0);
  });

  it('bad options are ScanInputErrors, not crashes', async () => {
    await assert.rejects(scanHost({ host: '127.0.0.1', ports: '1-2', timeoutMs: 0 }), /timeout must be/);
    await assert.rejects(scanHost({ host: '127.0.0.1', ports: [70000] }), /not a port number/);
    await assert.rejects(scanHost({ host: '10.0.0.0/24', ports: '80' }), /several hosts/);
    await assert.rejects(scanTargets({ host: 'x y', ports: '80' }), /contains spaces/);
  });
});

describe('scan CLI', function () {
  this.timeout(30_000);

  it('--json prints exactly the documented shape with every scanned port', async () => {
    const a = await listen('127.0.0.1');
    const [closed] = await freePorts(1);
    try {
      const { code, stdout } = await runCli(['scan', '127.0.0.1', '-p', `${portOf(a)},${closed}`, '--json']);
      assert.equal(code, 0);
      const j = JSON.parse(stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(j), ['host', 'address', 'protocol', 'startedAt', 'durationMs', 'ports', 'network', 'local']);
      // A scan of this machine is compared with its listeners: the open port is this process's.
      const local = j.local as { open: { port: number; addresses: string[]; processes: { pid: number }[] }[]; unreachable: unknown[] };
      const mine = local.open.filter(o => o.port === portOf(a));
      assert.deepEqual(mine.map(o => [o.addresses, o.processes.map(p => p.pid)]), [[['127.0.0.1'], [process.pid]]]);
      assert.deepEqual(local.unreachable, []);
      assert.equal(j.protocol, 'tcp');
      // two ports, both answered at once: two probes, nothing re-sent, one round, no line
      assert.deepEqual(j.network, {
        probesSent: 2, probesResent: 0, rounds: 1, answeredOnlyWhenResent: 0, lossPercent: 0,
        answerRateLimitPerSec: null, pacedAtPerSec: null, summary: '',
      });
      assert.ok(!Number.isNaN(Date.parse(j.startedAt as string)));
      const ports = j.ports as Record<string, unknown>[];
      assert.deepEqual(ports.map(p => Object.keys(p)), [['port', 'protocol', 'state', 'reason', 'service'], ['port', 'protocol', 'state', 'reason', 'service']]);
      const states = new Map(ports.map(p => [p.port, p.state]));
      assert.equal(states.get(portOf(a)), 'open');
      assert.equal(states.get(closed), 'closed');
    } finally { a.close(); }
  });

  it('human output: PORT STATE SERVICE, "Not shown: N closed", elapsed time', async () => {
    const a = await listen('127.0.0.1');
    const closed = await freePorts(3);
    try {
      const { code, stdout } = await runCli(['scan', '127.0.0.1', '-p', [portOf(a), ...closed].join(','), '--reason']);
      assert.equal(code, 0);
      assert.match(stdout, /^PORT\s+STATE\s+SERVICE\s+REASON$/m);
      assert.match(stdout, new RegExp(`^${portOf(a)}/tcp\\s+open\\s+\\S+\\s+syn-ack$`, 'm'));
      assert.match(stdout, /^Not shown: 3 closed tcp ports \(conn-refused\)$/m);
      assert.match(stdout, /^Done: 1 host scanned in \d+\.\d\d seconds$/m);
    } finally { a.close(); }
  });

  it('exit 2 with one clear line on bad arguments and unresolvable hosts', async () => {
    const cases: [string[], RegExp][] = [
      [['scan'], /missing HOST/],
      [['scan', '127.0.0.1', '-p', '100-1'], /reversed range/],
      [['scan', '127.0.0.1', '-p', '70000'], /out of range/],
      [['scan', '127.0.0.1', '-p', '80a'], /not a port number/],
      [['scan', 'no-such-host.invalid', '-p', '80'], /cannot resolve host "no-such-host.invalid"/],
      [['scan', '127.0.0.1', '--timeout', 'soon'], /--timeout must be a whole number/],
      [['scan', '127.0.0.1', '--bogus'], /unknown option --bogus/],
      [['scan', '256.0.0.1'], /not a valid IPv4 address/],
    ];
    for (const [args, re] of cases) {
      const { code, stdout, stderr } = await runCli(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
      assert.match(stderr, re);
    }
  });
});
