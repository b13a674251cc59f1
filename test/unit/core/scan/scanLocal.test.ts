// Local-scan analysis (open port -> listener and process; listeners not found open -> reason) and
// the export formats. Inputs are socket rows shaped like the collector's, results like the engine's.
import * as assert from 'node:assert/strict';
import type { SocketEntry } from '../../../../src/core/model';
import { analyzeLocalScan, bindingCovers, localReportJson } from '../../../../src/core/scan/localReachability';
import { scanToCsv, scanToJson } from '../../../../src/core/scan/exportResults';
import { formatReport } from '../../../../src/cli/scanCommand';
import type { PortResult, ScanResult } from '../../../../src/core/scan/types';

function listener(port: number, localAddress: string, pid: number, name: string, protocol: 'tcp' | 'udp' = 'tcp'): SocketEntry {
  return {
    protocol, family: localAddress.includes(':') ? 6 : 4, localAddress, localPort: port, remoteAddress: localAddress.includes(':') ? '::' : '0.0.0.0',
    remotePort: 0, state: protocol === 'tcp' ? 'LISTEN' : 'UNCONN', inode: pid * 10, uid: 0, boundDevice: '', ipv6Only: localAddress.includes(':') ? false : null, user: 'root', ownerVisible: true,
    processes: [{ pid, ppid: 1, name, commandLine: `${name} --serve`, cwd: '/', user: 'root', startTime: 0, fd: 3 }],
  };
}

function result(address: string, ports: [number, PortResult['state']][], protocol: 'tcp' | 'udp' = 'tcp'): ScanResult {
  return {
    host: address, address, otherAddresses: [], protocol, startedAt: '2026-11-25T00:00:00.000Z', durationMs: 12, cancelled: false, notes: [],
    ports: ports.map(([port, state]) => ({ port, protocol, state, reason: state === 'open' ? 'syn-ack' : state === 'closed' ? 'conn-refused' : 'no-response', service: port === 22 ? 'ssh' : '' })),
    stats: { probes: 0, maxInFlight: 0, concurrency: 1, concurrencyCapped: false, workers: 1, finalTimeoutMs: 100, srttMs: 1, selfConnects: 0, localErrors: 0 },
  };
}

describe('scan: local listeners vs scan result', () => {
  it('which bound address accepts traffic for which target address', () => {
    assert.equal(bindingCovers('0.0.0.0', '192.168.1.5'), true);
    assert.equal(bindingCovers('0.0.0.0', '::1'), false);
    assert.equal(bindingCovers('::', '127.0.0.1'), true);
    assert.equal(bindingCovers('127.0.0.1', '127.0.0.1'), true);
    assert.equal(bindingCovers('::ffff:127.0.0.1', '127.0.0.1'), true);
    assert.equal(bindingCovers('127.0.0.1', '192.168.1.5'), false);
    assert.equal(bindingCovers('::1', '127.0.0.1'), false);
  });

  it('links open ports to owners and explains listeners that were not found open', () => {
    const sockets = [
      listener(22, '0.0.0.0', 100, 'sshd'),
      listener(5432, '127.0.0.1', 200, 'postgres'),
      listener(8080, '0.0.0.0', 300, 'java'),
      listener(9000, '::1', 400, 'php-fpm'),
      listener(7777, '0.0.0.0', 500, 'other'), // not scanned: ignored
      listener(53, '0.0.0.0', 600, 'dnsmasq', 'udp'), // other protocol: ignored
    ];
    const r = analyzeLocalScan(result('192.168.1.5', [[22, 'open'], [5432, 'closed'], [8080, 'filtered'], [9000, 'closed'], [53, 'closed']]), sockets);
    assert.deepEqual([...r.open.keys()], [22]);
    assert.deepEqual(r.open.get(22)!.owners.map(o => o.name), ['sshd']);
    assert.deepEqual(r.unreachable.map(u => [u.port, u.cause]), [[5432, 'other-address'], [8080, 'firewall'], [9000, 'other-family']]);
    assert.match(r.unreachable[0].explanation, /listening on 127\.0\.0\.1 only, not on the scanned address 192\.168\.1\.5/);
    assert.match(r.unreachable[1].explanation, /^filtered: .*firewall/);
    assert.deepEqual(r.unreachable[2].owners.map(o => o.pid), [400]);
  });

  it('causes from the socket facts: bound device, IPv6-only, IPv4 probed over IPv6, another address, firewall', () => {
    const facts = (s: SocketEntry, f: Partial<SocketEntry>): SocketEntry => ({ ...s, ...f });
    const sockets = [
      facts(listener(37000, '0.0.0.0', 1, 'dev', 'udp'), { boundDevice: 'enp0s3' }),
      facts(listener(38367, '::', 2, 'v6', 'udp'), { ipv6Only: true }),
      facts(listener(5353, '::', 3, 'mdns6', 'udp'), { ipv6Only: true }),
      listener(5353, '0.0.0.0', 4, 'mdns4', 'udp'),
      listener(53, '127.0.1.1', 5, 'dnsmasq', 'udp'),
      listener(60008, '127.0.0.1', 6, 'fw', 'udp'),
      facts(listener(80, '::', 7, 'apache2', 'udp'), { ipv6Only: false }),
    ];
    const v4 = analyzeLocalScan(result('127.0.0.1', [[37000, 'closed'], [38367, 'closed'], [5353, 'open|filtered'], [53, 'closed'], [60008, 'closed'], [80, 'open|filtered']], 'udp'), sockets);
    assert.deepEqual(v4.unreachable.map(u => [u.port, u.cause, u.addresses, u.owners.map(o => o.pid)]), [
      [53, 'other-address', ['127.0.1.1'], [5]],
      [37000, 'bound-device', ['0.0.0.0%enp0s3'], [1]],
      [38367, 'other-family', ['[::]'], [2]],
      [60008, 'firewall', ['127.0.0.1'], [6]],
    ]);
    assert.deepEqual([...v4.open.keys()], [80, 5353], 'open|filtered with a receiving socket is consistent');
    assert.deepEqual(v4.open.get(80)!.addresses, ['*']);
    assert.deepEqual(v4.open.get(5353)!.owners.map(o => o.pid), [4], 'the IPv4 socket is the one that received it');
    assert.match(v4.unreachable[1].explanation, /interface enp0s3 only.*arrives on lo$/);
    assert.match(v4.unreachable[2].explanation, /IPv6 only: the probe of 127\.0\.0\.1 was IPv4/);
    const v6 = analyzeLocalScan(result('::1', [[53, 'closed'], [38367, 'open|filtered']], 'udp'), sockets);
    assert.deepEqual(v6.unreachable.map(u => [u.port, u.cause]), [[53, 'other-family']]);
    assert.deepEqual([...v6.open.keys()], [38367]);
    const json = JSON.parse(scanToJson([result('127.0.0.1', [[37000, 'closed']], 'udp')], false, [localReportJson(analyzeLocalScan(result('127.0.0.1', [[37000, 'closed']], 'udp'), sockets))])) as { local: unknown };
    assert.deepEqual(json.local, { open: [], unreachable: [{ port: 37000, state: 'closed', cause: 'bound-device', addresses: ['0.0.0.0%enp0s3'], processes: [{ pid: 1, name: 'dev' }], explanation: v4.unreachable[1].explanation }] });
  });

  it('UDP: a silent bound socket (open|filtered) counts as answered, a refused one is called out', () => {
    const sockets = [listener(5353, '0.0.0.0', 10, 'avahi', 'udp'), listener(6000, '0.0.0.0', 11, 'x', 'udp')];
    const r = analyzeLocalScan(result('127.0.0.1', [[5353, 'open|filtered'], [6000, 'closed']], 'udp'), sockets);
    assert.deepEqual([...r.open.keys()], [5353]);
    assert.equal(r.unreachable[0].port, 6000);
    assert.match(r.unreachable[0].explanation, /ICMP port-unreachable/);
  });
});

describe('scan: export', () => {
  const r = result('127.0.0.1', [[22, 'open'], [23, 'closed']]);
  it('JSON: the CLI --json shape', () => {
    const j = JSON.parse(scanToJson([r])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j), ['host', 'address', 'protocol', 'startedAt', 'durationMs', 'ports']);
    assert.deepEqual(j.ports, [
      { port: 22, protocol: 'tcp', state: 'open', reason: 'syn-ack', service: 'ssh' },
      { port: 23, protocol: 'tcp', state: 'closed', reason: 'conn-refused', service: '' },
    ]);
    assert.equal((JSON.parse(scanToJson([r, r])) as unknown[]).length, 2);
  });
  it('CSV: header, one row per port, quoting per RFC 4180 and against formula injection', () => {
    const odd = { ...r, host: 'a,"b"', ports: [{ ...r.ports[0], service: '=cmd' }] };
    const lines = scanToCsv([r, odd]).split('\r\n');
    assert.equal(lines[0], 'host,address,protocol,port,state,reason,service,startedAt');
    assert.equal(lines[1], '127.0.0.1,127.0.0.1,tcp,22,open,syn-ack,ssh,2026-11-25T00:00:00.000Z');
    assert.equal(lines[3], '"a,""b""",127.0.0.1,tcp,22,open,syn-ack,"=cmd",2026-11-25T00:00:00.000Z');
    assert.equal(lines.length, 5); // 3 rows + header + trailing empty
  });
});

describe('scan: human report', () => {
  it('a full-range result: open ports listed, 65,000+ closed summarised in one line, notes and other addresses shown', () => {
    const ports: [number, PortResult['state']][] = Array.from({ length: 65536 }, (_, p) => [p, p === 22 || p === 8080 ? 'open' : p >= 100 && p < 130 ? 'filtered' : 'closed']);
    const r = { ...result('127.0.0.1', ports), host: 'localhost', otherAddresses: ['::1'], notes: ['UDP port 0 skipped.'] };
    const text = formatReport(r, false);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], 'Scan report for localhost (127.0.0.1)');
    assert.equal(lines[1], 'Other addresses for localhost (not scanned): ::1');
    assert.ok(lines.includes('Not shown: 65504 closed tcp ports (conn-refused)'));
    assert.ok(lines.includes('Not shown: 30 filtered tcp ports (no-response)'));
    assert.deepEqual(lines.filter(l => /^\d+\/tcp/.test(l)).map(l => l.split(/\s+/).slice(0, 3).join(' ')), ['22/tcp open ssh', '8080/tcp open unknown']);
    assert.equal(lines[lines.length - 1], 'Note: UDP port 0 skipped.');
  });
});
