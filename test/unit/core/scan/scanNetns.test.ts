// Scans of hosts the test builds: a target network namespace joined to a scanner namespace by a
// veth pair, with nftables rules that DROP, REJECT with TCP reset, and REJECT with ICMP
// port-unreachable / admin-prohibited / host- and net-unreachable, plus DNS and NTP responders and
// silent UDP sockets. Expected states come from that configuration (support/expect.ts); where
// nmap is installed, nmap's state (and reason) for every port must equal ours as well.
// Needs root (namespaces); skipped with the reason printed otherwise.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseNmapXml } from '../../../../src/core/scan/nmap';
import { formatPortList } from '../../../../src/core/scan/portSpec';
import { DROPALL_OPEN, MIXED, dropAllRules, expectedTcpV4, expectedUdpV4, mixedRules, udpList } from './support/expect';
import { TARGET_V4, TARGET_V6, TestNet, cliPath, hasNmap, netnsUnavailable } from './support/netns';
import { skipUnless } from '../../support/skip';

interface JsonPort { port: number; protocol: string; state: string; reason: string; service: string }
interface JsonScan { host: string; address: string; protocol: string; startedAt: string; durationMs: number; ports: JsonPort[] }

const checks = path.join(__dirname, 'support', 'inNamespaceChecks.js');

describe('scan: hosts in network namespaces (root)', function () {
  this.timeout(240_000);
  const why = netnsUnavailable();
  const net = new TestNet('scan');

  before(async function () {
    skipUnless(this, !why, `namespace scan tests: ${why}`);
    net.create();
    net.firewall(mixedRules());
    net.icmpRateLimit(0);
    await net.startTarget({
      hosts: [TARGET_V4, TARGET_V6], tcp: MIXED.tcpOpen, udpDns: MIXED.udpDns, udpNtp: MIXED.udpNtp, udpSilent: MIXED.udpSilent,
    });
  });
  after(() => { if (!why) { net.destroy(); } });

  async function ours(args: string[]): Promise<JsonScan> {
    const { stdout } = await net.exec(process.execPath, [cliPath(), 'scan', ...args, '--json']);
    return JSON.parse(stdout) as JsonScan;
  }

  async function nmap(args: string[]): Promise<Map<number, { state: string; reason: string }>> {
    const { stdout } = await net.exec('nmap', ['-n', '-Pn', '--reason', ...args, '-oX', '-']);
    const [host] = parseNmapXml(stdout);
    return new Map(host.ports.map(p => [p.port, { state: p.state, reason: p.reason }]));
  }

  const TCP_SPEC = '1-1100,3306,5432,8080,8443';

  it('TCP: every port gets the state and reason its firewall rule implies', async () => {
    const r = await ours([TARGET_V4, '-p', TCP_SPEC]);
    assert.equal(r.address, TARGET_V4);
    assert.equal(r.ports.length, 1104);
    const wrong = r.ports.filter(p => { const e = expectedTcpV4(p.port); return e.state !== p.state || e.reason !== p.reason; });
    assert.deepEqual(wrong, []);
    assert.deepEqual(r.ports.filter(p => p.state === 'open').map(p => p.port), [22, 80, 443, 3306, 5432, 8080]);
    assert.equal(r.ports.find(p => p.port === 22)?.service, 'ssh');
  });

  it('TCP: our state and reason equal nmap -sT for every port', async function () {
    skipUnless(this, hasNmap(), 'nmap comparison: nmap is not installed');
    const [r, n] = await Promise.all([ours([TARGET_V4, '-p', TCP_SPEC]), nmap(['-sT', '-p', TCP_SPEC, TARGET_V4])]);
    assert.equal(n.size, r.ports.length);
    const diff = r.ports.filter(p => n.get(p.port)?.state !== p.state || n.get(p.port)?.reason !== p.reason)
      .map(p => ({ port: p.port, ours: `${p.state}/${p.reason}`, nmap: `${n.get(p.port)?.state}/${n.get(p.port)?.reason}` }));
    assert.deepEqual(diff, []);
  });

  it('TCP: full range 0-65535 of the mixed host matches the configuration', async () => {
    const r = await ours([TARGET_V4, '-p', 'all']);
    assert.equal(r.ports.length, 65536);
    const wrong = r.ports.filter(p => { const e = expectedTcpV4(p.port); return e.state !== p.state || e.reason !== p.reason; });
    assert.deepEqual(wrong.slice(0, 10), []);
  });

  it('TCP over IPv6: open, reset, dropped and closed ports', async () => {
    const r = await ours([TARGET_V6, '-p', '22,80,100,101,200,999']);
    assert.equal(r.address, TARGET_V6);
    assert.deepEqual(r.ports.map(p => `${p.port}:${p.state}`), ['22:open', '80:open', '100:filtered', '101:filtered', '200:closed', '999:closed']);
  });

  it('UDP (target ICMP limit off): DNS/NTP answer, silent and dropped ports, admin-prohibited, closed', async () => {
    const list = udpList();
    const r = await ours([TARGET_V4, '--udp', '-p', formatPortList(list)]);
    assert.equal(r.ports.length, 100);
    const wrong = r.ports.filter(p => { const e = expectedUdpV4(p.port); return e.state !== p.state || e.reason !== p.reason; });
    assert.deepEqual(wrong, []);
    assert.deepEqual(r.ports.filter(p => p.state === 'open').map(p => `${p.port}/${p.service}`), ['53/domain', '123/ntp']);
  });

  it('UDP: our states equal nmap -sU for every port', async function () {
    skipUnless(this, hasNmap(), 'nmap comparison: nmap is not installed');
    const spec = formatPortList(udpList());
    const r = await ours([TARGET_V4, '--udp', '-p', spec]);
    const n = await nmap(['-sU', '-p', spec, TARGET_V4]);
    const diff = r.ports.filter(p => n.get(p.port)?.state !== p.state)
      .map(p => ({ port: p.port, ours: `${p.state}/${p.reason}`, nmap: `${n.get(p.port)?.state}/${n.get(p.port)?.reason}` }));
    assert.deepEqual(diff, []);
  });

  it('UDP with the kernel default ICMP rate limit: closed ports still come out closed (paced retries)', async () => {
    net.icmpRateLimit(1000);
    try {
      // 14 closed ports: more than the burst of 6 the target answers before limiting to 1/s
      const list = [53, 123, 161, 137, 514, ...Array.from({ length: 14 }, (_, i) => 1000 + i)];
      const r = await ours([TARGET_V4, '--udp', '-p', formatPortList(list)]);
      const wrong = r.ports.filter(p => expectedUdpV4(p.port).state !== p.state);
      assert.deepEqual(wrong, []);
      assert.equal(r.ports.filter(p => p.state === 'closed').length, 14);
    } finally {
      net.icmpRateLimit(0);
    }
  });

  it('cancelling a TCP scan of a DROP-everything host settles with no sockets left', async () => {
    net.firewall(dropAllRules());
    try {
      const { stdout } = await net.exec(process.execPath, [checks, 'cancel', TARGET_V4, 'tcp']);
      const c = JSON.parse(stdout) as { cancelled: boolean; fdsBefore: number; fdsAtSettle: number; fdsLater: number; duringMax: number; progressEvents: number; progressAfterSettle: number; finished: number };
      assert.equal(c.cancelled, true);
      assert.ok(c.duringMax > c.fdsBefore + 100, `the scan had sockets open (max ${c.duringMax} fds vs ${c.fdsBefore} before)`);
      // settled: stopped long before the 65,536-port scan would have ended, nothing reported afterwards,
      // and the fds are back at the moment the promise resolves (the time it takes is in bench:scan)
      assert.ok(c.finished < 65536, `only the ports finished before the abort are listed (${c.finished})`);
      assert.equal(c.progressAfterSettle, 0);
      assert.equal(c.fdsAtSettle, c.fdsBefore);
      assert.equal(c.fdsLater, c.fdsBefore);
      assert.ok(c.progressEvents >= 2);
    } finally {
      net.firewall(mixedRules());
    }
  });

  it('a DROP-everything host: full range finds exactly the three open ports', async () => {
    net.firewall(dropAllRules());
    try {
      const r = await ours([TARGET_V4, '-p', 'all']);
      assert.deepEqual(r.ports.filter(p => p.state === 'open').map(p => p.port), DROPALL_OPEN);
      assert.equal(r.ports.filter(p => p.state === 'filtered').length, 65536 - 3);
    } finally {
      net.firewall(mixedRules());
    }
  });
});

describe('scan: full loopback range in a private namespace (root)', function () {
  this.timeout(120_000);
  it('three full scans: exactly our 20 listeners open (no self-connect false positive), fds back where they started; huge concurrency is capped', async function () {
    const why = netnsUnavailable();
    skipUnless(this, !why, `private-loopback scan test: ${why}`);
    const { execFile } = await import('node:child_process');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('unshare', ['-n', process.execPath, checks, 'loopback-full'], { maxBuffer: 1 << 24 }, (err, out, errOut) => (err ? reject(new Error(errOut || err.message)) : resolve(out)));
    });
    const r = JSON.parse(stdout) as {
      listeners: number[]; fdsBefore: number; fdsEnd: number;
      runs: { open: number[]; selfConnects: number; fdsAfter: number }[];
      capped: { concurrency: number; capped: boolean; notes: string[]; open: number[]; total: number };
    };
    assert.equal(r.runs.length, 3);
    for (const run of r.runs) {
      assert.deepEqual(run.open, r.listeners);
      assert.equal(run.fdsAfter, r.fdsBefore);
    }
    assert.equal(r.capped.capped, true);
    assert.ok(r.capped.concurrency < 1_000_000);
    assert.match(r.capped.notes.join(' '), /open-file limit/);
    assert.equal(r.capped.total, 20000);
    assert.deepEqual(r.capped.open, r.listeners.filter(p => p <= 20000));
    assert.equal(r.fdsEnd, r.fdsBefore);
  });
});
