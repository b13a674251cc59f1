import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  lsofCwds, lsofSockets, mapLsofTcpState, parseLsofEndpoint, parseLsofFields, parseLstart, parsePsRows, unescapeLsof,
  type LsofSocket,
} from '../../../../src/core/collect/lsofParser';
import { groupSockets } from '../../../../src/core/collect/lsofCollector';
import { isIpv4, normalizeIpv6 } from '../../../../src/core/collect/ipText';
import { parseBsdNetstat } from '../../../../src/core/collect/bsdNetstatParser';
import { repoRoot } from '../../support/paths';

const FIXTURES = path.join(repoRoot, 'test/fixtures/lsof');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function one(sockets: LsofSocket[], pred: (s: LsofSocket) => boolean): LsofSocket {
  const found = sockets.filter(pred);
  assert.equal(found.length, 1, `expected exactly one match, got ${JSON.stringify(found)}`);
  return found[0];
}

describe('lsof -F parser: real Linux capture (lsof 4.95, Debian 12)', () => {
  const parsed = parseLsofFields(fixture('linux-sockets.F0'));
  const { sockets, malformed } = lsofSockets(parsed);

  it('reads every process set with its command, parent, uid and login', () => {
    assert.equal(parsed.malformed, 0);
    assert.deepEqual([...parsed.processes.keys()], [15579, 15587, 15588]);
    assert.deepEqual(parsed.processes.get(15579), { pid: 15579, ppid: 15577, command: 'dev server — ', uid: 0, login: 'root' });
    assert.equal(parsed.processes.get(15587)?.command, 'worker 1');
    assert.equal(parsed.processes.get(15588)?.ppid, 15579);
  });

  it('turns every internet file into a socket with the model state names', () => {
    assert.equal(malformed, 0);
    assert.equal(sockets.length, 12);
    const v4 = one(sockets, s => s.pid === 15579 && s.fd === 19);
    assert.deepEqual(v4, {
      pid: 15579, fd: 19, protocol: 'tcp', family: 4, device: '1091697',
      localAddress: '127.0.0.1', localPort: 38080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN',
    });
    const v6loop = one(sockets, s => s.pid === 15579 && s.fd === 20);
    assert.deepEqual([v6loop.family, v6loop.localAddress, v6loop.localPort, v6loop.remoteAddress, v6loop.state], [6, '::1', 38443, '::', 'LISTEN']);
    const any6 = one(sockets, s => s.localPort === 38000);
    assert.deepEqual([any6.family, any6.localAddress, any6.state], [6, '::', 'LISTEN']);
  });

  it('reads UDP: bound = UNCONN, connected = ESTABLISHED (as /proc says)', () => {
    const bound4 = one(sockets, s => s.protocol === 'udp' && s.localPort === 38053);
    assert.deepEqual([bound4.localAddress, bound4.state, bound4.remotePort], ['127.0.0.1', 'UNCONN', 0]);
    const bound6 = one(sockets, s => s.protocol === 'udp' && s.localPort === 38054);
    assert.deepEqual([bound6.family, bound6.localAddress, bound6.state], [6, '::', 'UNCONN']);
    const connected = one(sockets, s => s.protocol === 'udp' && s.remotePort === 38053);
    assert.deepEqual([connected.localAddress, connected.remoteAddress, connected.state], ['127.0.0.1', '127.0.0.1', 'ESTABLISHED']);
  });

  it('reads both ends of established TCP pairs, IPv4 and IPv6', () => {
    const est = sockets.filter(s => s.protocol === 'tcp' && s.state === 'ESTABLISHED');
    assert.equal(est.length, 4);
    const v6 = one(est, s => s.localPort === 49830);
    assert.deepEqual([v6.localAddress, v6.remoteAddress, v6.remotePort], ['::1', '::1', 38443]);
  });

  it('groups the listener shared by a parent and two forked workers into one socket with three owners', () => {
    const groups = groupSockets(sockets);
    const shared = groups.filter(g => g.localPort === 38080 && g.state === 'LISTEN');
    assert.equal(shared.length, 1);
    assert.deepEqual(shared[0].owners, [{ pid: 15579, fd: 19 }, { pid: 15587, fd: 19 }, { pid: 15588, fd: 19 }]);
    assert.equal(groups.length, 10);
  });

  it('decodes \\xNN escapes lsof prints in the C locale', () => {
    const c = parseLsofFields(fixture('linux-sockets-C-locale.F0'));
    assert.equal(c.processes.get(15579)?.command, 'dev server — ');
    assert.equal(unescapeLsof('a\\x20b\\xc3\\xa9'), 'a bé');
    assert.equal(unescapeLsof('no escapes ü'), 'no escapes ü');
  });

  it('reads cwd output and ps rows of the same processes', () => {
    const cwds = lsofCwds(parseLsofFields(fixture('linux-cwd.F0')));
    assert.deepEqual([...cwds], [[15579, '/tmp/h4cap'], [15587, '/tmp/h4cap'], [15588, '/tmp/h4cap']]);
    const ps = parsePsRows(fixture('linux-ps.txt'));
    assert.equal(ps.malformed, 0);
    const row = ps.rows.get(15579);
    assert.equal(row?.commandLine, 'dev server — café');
    assert.equal(row?.ppid, 15577);
    assert.equal(row?.user, 'root');
    assert.equal(row?.startTime, new Date(2026, 10, 25, 19, 28, 36).getTime());
  });
});

describe('lsof -F parser: macOS (sudo) field output', () => {
  const parsed = parseLsofFields(fixture('macos-sudo-sockets.F0'));
  const { sockets, malformed } = lsofSockets(parsed);
  const groups = groupSockets(sockets);

  it('parses all 12 processes and 26 sockets without a malformed field', () => {
    assert.equal(parsed.malformed + malformed, 0);
    assert.equal(parsed.processes.size, 12);
    assert.equal(sockets.length, 26);
  });

  it('keeps command names with spaces, parentheses and non-ASCII letters whole', () => {
    assert.equal(parsed.processes.get(4602)?.command, 'Google Chrome Helper');
    assert.equal(parsed.processes.get(4777)?.command, 'Code Helper (Plugin)');
    assert.equal(parsed.processes.get(5301)?.command, 'Café Server');
    assert.equal(parsed.processes.get(374)?.login, '_mdnsresponder');
  });

  it('maps BSD state names (FIN_WAIT_2, CLOSED) to the model names', () => {
    const states = new Set(sockets.filter(s => s.protocol === 'tcp').map(s => s.state));
    assert.deepEqual([...states].sort(), ['CLOSE', 'CLOSE_WAIT', 'ESTABLISHED', 'FIN_WAIT2', 'LISTEN', 'SYN_SENT']);
  });

  it('uses the kernel address in d to merge nginx master and workers into one socket', () => {
    const nginx = groups.filter(g => g.localPort === 8080);
    assert.equal(nginx.length, 1);
    assert.deepEqual(nginx[0].owners.map(o => o.pid), [2210, 2211, 2212]);
    // mDNSResponder's IPv4 and IPv6 sockets on 5353 are two sockets, not one.
    assert.equal(groups.filter(g => g.localPort === 5353).length, 2);
  });

  it('reads wildcards, IPv6 link-local with zone, unbound and connected UDP', () => {
    const rapport = sockets.filter(s => s.localPort === 49152);
    assert.deepEqual(rapport.map(s => `${s.family} ${s.localAddress}`).sort(), ['4 0.0.0.0', '6 ::']);
    assert.equal(one(sockets, s => s.localPort === 9090).localAddress, 'fe80::1%lo0', 'KAME-embedded scope dropped');
    const unbound = one(sockets, s => s.pid === 4602 && s.fd === 44);
    assert.deepEqual([unbound.localAddress, unbound.localPort, unbound.state], ['0.0.0.0', 0, 'UNCONN']);
    const quic = one(sockets, s => s.pid === 4602 && s.fd === 46);
    assert.deepEqual([quic.remoteAddress, quic.remotePort, quic.state], ['142.250.185.78', 443, 'ESTABLISHED']);
    const pgSelf = one(sockets, s => s.pid === 1302 && s.protocol === 'udp');
    assert.deepEqual([pgSelf.localAddress, pgSelf.localPort, pgSelf.remotePort, pgSelf.state], ['::1', 59421, 59421, 'ESTABLISHED']);
  });

  it('parses macOS ps rows, commands with spaces kept verbatim', () => {
    const ps = parsePsRows(fixture('macos-ps.txt'));
    assert.equal(ps.malformed, 0);
    assert.equal(ps.rows.size, 12);
    assert.equal(ps.rows.get(374)?.user, '_mdnsresponder');
    assert.equal(ps.rows.get(2211)?.commandLine, 'nginx: worker process');
    assert.match(ps.rows.get(4777)?.commandLine ?? '', /^\/Applications\/Visual Studio Code\.app\/.*Code Helper \(Plugin\) --type=utility/);
    assert.equal(ps.rows.get(5301)?.commandLine, 'Café Server --listen [fe80:1::1%lo0]:9090');
    assert.equal(ps.rows.get(4521)?.startTime, new Date(2026, 10, 25, 9, 14, 27).getTime());
  });
});

describe('lsof parser pieces', () => {
  it('maps Linux and BSD TCP state spellings, unknown ones to UNKNOWN', () => {
    assert.equal(mapLsofTcpState('SYN_RCVD'), 'SYN_RECV');
    assert.equal(mapLsofTcpState('SYN_RECV'), 'SYN_RECV');
    assert.equal(mapLsofTcpState('FIN_WAIT_1'), 'FIN_WAIT1');
    assert.equal(mapLsofTcpState('UNKNOWN_TCP_STATE_15'), 'UNKNOWN');
    assert.equal(mapLsofTcpState('constructor'), 'UNKNOWN');
    assert.equal(mapLsofTcpState(undefined), 'UNKNOWN');
  });

  it('parses endpoints and rejects what is not one', () => {
    assert.deepEqual(parseLsofEndpoint('*:80', 6), { address: '::', port: 80 });
    assert.deepEqual(parseLsofEndpoint('*:*', 4), { address: '0.0.0.0', port: 0 });
    assert.deepEqual(parseLsofEndpoint('[::ffff:127.0.0.1]:8080', 6), { address: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseLsofEndpoint('[2001:DB8:0:0:0:0:0:1]:443', 6), { address: '2001:db8::1', port: 443 });
    for (const bad of ['localhost:80', '1.2.3.4:70000', '1.2.3:80', '[::1]', '::1:80', '1.2.3.4:8a', ':80', '[zz::1]:80']) {
      assert.equal(parseLsofEndpoint(bad, 4), undefined, bad);
    }
  });

  it('normalises IPv6 text to the /proc back end\'s form', () => {
    assert.equal(normalizeIpv6('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(normalizeIpv6('fe80:0:0:0:1:0:0:1'), 'fe80::1:0:0:1');
    assert.equal(normalizeIpv6('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeIpv6('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
    assert.equal(normalizeIpv6('1::2::3'), undefined);
    assert.equal(normalizeIpv6('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(normalizeIpv6('fe80:0::1%eth0'), 'fe80::1%eth0');
    // Found by the property test: a zone that is empty or holds a newline is not an address.
    assert.equal(normalizeIpv6('::1%\n'), undefined);
    assert.equal(normalizeIpv6('fe80::1%'), undefined);
    // Also from the property tests: leading zeros are not how any tool prints an IPv4 address.
    assert.equal(normalizeIpv6('::ffff:127.00.0.1'), undefined);
    assert.equal(isIpv4('127.00.0.1'), false);
    assert.equal(isIpv4('0.0.0.0'), true);
    assert.equal(normalizeIpv6('1.2.3.4'), undefined);
  });

  it('parses lstart only in the C-locale ctime form', () => {
    assert.equal(parseLstart('Mon Jan  5 07:08:09 2026'), new Date(2026, 0, 5, 7, 8, 9).getTime());
    assert.equal(parseLstart('Mo 05 Jan 2026 07:08:09 CET'), undefined);
    assert.equal(parseLstart('Mon Foo  5 07:08:09 2026'), undefined);
  });

  it('counts fields outside a process set and ps lines that are not rows as malformed', () => {
    assert.equal(parseLsofFields('f12\0tIPv4\0\npabc\0\n').malformed, 3);
    const ps = parsePsRows('  PID  PPID USER\n 12 1 root Mon Jan  5 07:08:09 2026 /bin/x --y\n');
    assert.equal(ps.malformed, 1);
    assert.equal(ps.rows.get(12)?.commandLine, '/bin/x --y');
  });
});

describe('BSD netstat -an parser (the kernel table behind the lsof back end on macOS)', () => {
  const tcp = parseBsdNetstat(fixture('macos-netstat-tcp.txt'));
  const udp = parseBsdNetstat(fixture('macos-netstat-udp.txt'));

  it('reads every row, by the last dot, with BSD state names mapped', () => {
    assert.deepEqual([tcp.malformed, tcp.records.length, udp.malformed, udp.records.length], [0, 22, 0, 6]);
    const row = (port: number, rows = tcp.records) => rows.filter(r => r.localPort === port).map(r => `${r.family} ${r.localAddress} ${r.remoteAddress}:${r.remotePort} ${r.state}`);
    assert.deepEqual(row(3000), ['6 ::1 ::1:52144 ESTABLISHED', '6 :: :::0 LISTEN'], 'tcp46 is dual-stack IPv6');
    assert.deepEqual(row(52410), ['4 127.0.0.1 127.0.0.1:8000 TIME_WAIT']);
    assert.deepEqual(row(8000), ['4 127.0.0.1 127.0.0.1:52410 CLOSE', '4 127.0.0.1 0.0.0.0:0 LISTEN']);
    assert.deepEqual(row(9090), ['6 fe80::1%lo0 :::0 LISTEN']);
    assert.deepEqual(row(52177), ['4 192.168.1.23 140.82.113.25:443 FIN_WAIT2']);
    assert.deepEqual(row(0, udp.records), ['4 0.0.0.0 0.0.0.0:0 UNCONN']);
    assert.deepEqual(row(59421, udp.records), ['6 ::1 ::1:59421 ESTABLISHED']);
    assert.deepEqual(row(5353, udp.records), ['4 0.0.0.0 0.0.0.0:0 UNCONN', '6 :: :::0 UNCONN']);
  });

  it('ignores headings and other sections, counts broken socket rows', () => {
    const p = parseBsdNetstat('Active LOCAL (UNIX) domain sockets\nAddress Type Recv-Q\nffffff8 stream 0 0\ntcp4 0 0 1.2.3.4.x *.* LISTEN\ntcp4 0 0 1.2.3.4.80 *.*\nudp4 0 0 *.53 *.* EXTRA JUNK\n');
    assert.deepEqual([p.records.length, p.malformed], [0, 3]);
  });
});
