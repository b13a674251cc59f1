// The TCP and UDP scans behind an imperfect network, built in network namespaces: the mixed
// DROP / REJECT / ICMP target of scanNetns.test.ts with nftables rules in front of it that drop 5 %
// of incoming packets at random, limit SYNs to 300 per second (burst 50), or both. Every port's
// state must equal the configuration in three runs in a row, and the report must say what the
// scan saw of the network. Needs root (namespaces); skipped with the reason printed otherwise.
import * as assert from 'node:assert/strict';
import { formatPortList } from '../../../../src/core/scan/portSpec';
import { MIXED, expectedUdpV4, mixedRules, udpList } from './support/expect';
import { LOSS_RULE, SYN_LIMIT_RULE, UDP_LOSS_RULE, wrongTcpPorts } from './support/imperfect';
import { TARGET_V4, TestNet, cliPath, netnsUnavailable } from './support/netns';
import { skipUnless } from '../../support/skip';

interface JsonPort { port: number; state: string; reason: string }
interface JsonNetwork {
  probesSent: number; probesResent: number; rounds: number; answeredOnlyWhenResent: number; lossPercent: number;
  answerRateLimitPerSec: number | null; pacedAtPerSec: number | null; summary: string;
}
interface JsonScan { address: string; ports: JsonPort[]; network: JsonNetwork }

describe('scan: behind packet loss and SYN rate limits (root)', function () {
  this.timeout(600_000);
  const why = netnsUnavailable();
  const net = new TestNet('lossy');

  before(async function () {
    skipUnless(this, !why, `imperfect-network scan tests: ${why}`);
    net.create();
    net.icmpRateLimit(0);
    await net.startTarget({ hosts: [TARGET_V4], tcp: MIXED.tcpOpen, udpDns: MIXED.udpDns, udpNtp: MIXED.udpNtp, udpSilent: MIXED.udpSilent });
  });
  after(() => { if (!why) { net.destroy(); } });

  async function ours(args: string[]): Promise<JsonScan> {
    const { stdout } = await net.exec(process.execPath, [cliPath(), 'scan', TARGET_V4, ...args, '--json']);
    return JSON.parse(stdout) as JsonScan;
  }

  /** Three scans in a row: every one must get every port right. */
  async function threeRuns(args: string[], count: number): Promise<JsonScan[]> {
    const runs: JsonScan[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await ours(args);
      assert.equal(r.ports.length, count);
      assert.deepEqual(wrongTcpPorts(r.ports).slice(0, 10), [], `run ${i + 1}: ports whose state differs from the configuration`);
      assert.deepEqual(r.ports.filter(p => p.state === 'open').map(p => p.port), MIXED.tcpOpen.filter(p => p <= Math.max(...r.ports.map(q => q.port)) && !MIXED.tcpDrop.includes(p)));
      runs.push(r);
    }
    return runs;
  }

  it('ideal link: no re-sends beyond the DROPped ports, no loss or limit reported', async () => {
    net.firewall(mixedRules());
    const r = await ours(['-p', '1-5000']);
    assert.deepEqual(wrongTcpPorts(r.ports), []);
    const dropped = MIXED.tcpDrop.filter(p => p <= 5000).length;
    assert.equal(r.network.answeredOnlyWhenResent, 0);
    assert.equal(r.network.probesResent, dropped);
    assert.equal(r.network.answerRateLimitPerSec, null);
    assert.equal(r.network.summary, '');
  });

  it('5 % random loss, ports 0-65535: every state right in three runs; the report says loss, not a limit', async () => {
    net.firewall([LOSS_RULE, ...mixedRules()]);
    for (const r of await threeRuns(['-p', 'all'], 65536)) {
      // ~5 % of the 65,515 answering ports needed a re-send
      assert.ok(r.network.lossPercent >= 3 && r.network.lossPercent <= 7.5, `loss seen: ${r.network.lossPercent} %`);
      assert.equal(r.network.answerRateLimitPerSec, null);
      assert.ok(r.network.probesResent > 2000, `re-sent ${r.network.probesResent}`);
      assert.match(r.network.summary, /^Packet loss: [\d,]+ ports \(~\d+(\.\d)? %\) answered only when probed again/);
    }
  });

  it('SYN limit 300/s (burst 50), ports 1-5000: every state right in three runs; the limit is reported', async () => {
    net.firewall([SYN_LIMIT_RULE, ...mixedRules()]);
    for (const r of await threeRuns(['-p', '1-5000'], 5000)) {
      const limit = r.network.answerRateLimitPerSec;
      assert.ok(limit !== null && limit >= 200 && limit <= 450, `observed limit ${limit}/s`);
      assert.match(r.network.summary, /^The target answered at most ~\d+ SYN\/s; the scan slowed to match/);
      assert.ok(r.network.pacedAtPerSec !== null);
    }
  });

  it('5 % loss and the SYN limit at once, ports 1-5000: every state right in three runs', async () => {
    net.firewall([LOSS_RULE, SYN_LIMIT_RULE, ...mixedRules()]);
    for (const r of await threeRuns(['-p', '1-5000'], 5000)) {
      assert.notEqual(r.network.answerRateLimitPerSec, null);
    }
  });

  it('UDP behind 5 % loss: DNS and NTP stay open, closed ports closed, in three runs', async () => {
    net.firewall([UDP_LOSS_RULE, ...mixedRules()]);
    const spec = formatPortList(udpList());
    for (let i = 0; i < 3; i++) {
      const r = await ours(['--udp', '-p', spec]);
      const wrong = r.ports.filter(p => expectedUdpV4(p.port).state !== p.state);
      assert.deepEqual(wrong, [], `run ${i + 1}`);
      assert.deepEqual(r.ports.filter(p => p.state === 'open').map(p => p.port), [53, 123]);
    }
  });

  it('the human report carries the network line', async () => {
    net.firewall([SYN_LIMIT_RULE, ...mixedRules()]);
    const { stdout } = await net.exec(process.execPath, [cliPath(), 'scan', TARGET_V4, '-p', '1-1000']);
    assert.match(stdout, /^Network: The target answered at most ~\d+ SYN\/s; the scan slowed to match \([\d,]+ probes re-sent, \d+ rounds\)\.$/m);
    assert.match(stdout, /^22\/tcp +open +ssh$/m);
  });
});
