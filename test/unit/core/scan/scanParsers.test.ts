// Pure parts of the scanner: port specs, targets, /etc/services, fd limits, nmap XML, UDP payloads.
import * as assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { capConcurrency, parseMaxOpenFiles } from '../../../../src/core/scan/fdLimit';
import { parseNmapXml } from '../../../../src/core/scan/nmap';
import { formatPortList, parsePortSpec, TOP_TCP_PORTS } from '../../../../src/core/scan/portSpec';
import { parseEtcServices, ServiceNames } from '../../../../src/core/scan/services';
import { parseTarget, resolveTarget } from '../../../../src/core/scan/target';
import { ScanInputError } from '../../../../src/core/scan/types';
import { udpPayload, _forTests } from '../../../../src/core/scan/udpPayloads';
import { dnsReply, ntpReply } from './support/targetServer';
import { repoRoot } from '../../support/paths';

const fixtures = path.join(repoRoot, 'test/fixtures/scan');

describe('scan: port specs', () => {
  const ok = (s: string) => { const r = parsePortSpec(s); assert.ok(r.ok, s); return r.ports; };
  const bad = (s: string) => { const r = parsePortSpec(s); assert.ok(!r.ok, s); return r.message; };

  it('single ports, ranges, lists, all, -, top', () => {
    assert.deepEqual(ok('22'), [22]);
    assert.deepEqual(ok('1-5'), [1, 2, 3, 4, 5]);
    assert.deepEqual(ok('443, 22,80,8000-8002,80'), [22, 80, 443, 8000, 8001, 8002]);
    assert.equal(ok('all').length, 65536);
    assert.equal(ok('-').length, 65536);
    assert.equal(ok('60000-').length, 5536);
    assert.deepEqual(ok('top'), [...TOP_TCP_PORTS].sort((a, b) => a - b));
    assert.ok(ok('top').includes(5432) && ok('top').includes(3000));
  });

  it('clear errors for reversed ranges, numbers over 65535, junk', () => {
    assert.match(bad('100-1'), /reversed range "100-1".*1-100/);
    assert.match(bad('70000'), /70000.*out of range.*0 to 65535/);
    assert.match(bad('1-65536'), /65536.*out of range/);
    assert.match(bad('80a'), /"80a".*not a port number/);
    assert.match(bad('22,,80'), /empty item/);
    assert.match(bad(''), /empty port spec/);
    assert.match(bad('http'), /not a port number/);
  });

  it('formatPortList inverts parsePortSpec (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 200 }), ports => {
      const sorted = [...ports].sort((a, b) => a - b);
      const r = parsePortSpec(formatPortList(ports));
      assert.ok(r.ok);
      assert.deepEqual(r.ports, sorted);
    }));
  });
});

describe('scan: targets', () => {
  it('one host: names, IPv4, IPv6 literals (with or without brackets)', () => {
    assert.deepEqual(parseTarget('localhost'), { kind: 'single', host: 'localhost' });
    assert.deepEqual(parseTarget(' 127.0.0.1 '), { kind: 'single', host: '127.0.0.1' });
    assert.deepEqual(parseTarget('[::1]'), { kind: 'single', host: '::1' });
    assert.deepEqual(parseTarget('fe80::1'), { kind: 'single', host: 'fe80::1' });
  });
  it('many hosts: CIDR, lists, IPv4 ranges', () => {
    assert.equal(parseTarget('192.168.1.0/24').kind, 'multi');
    assert.deepEqual(parseTarget('a.example,b.example'), { kind: 'multi', hosts: ['a.example', 'b.example'] });
    assert.equal(parseTarget('10.0.0.1-20').kind, 'multi');
  });
  it('bad targets get one clear sentence', () => {
    const msg = (t: string) => { try { parseTarget(t); } catch (e) { assert.ok(e instanceof ScanInputError); return (e as Error).message; } return 'no error'; };
    assert.match(msg('bad host'), /contains spaces/);
    assert.match(msg(''), /no target/);
    assert.match(msg('256.1.1.1'), /not a valid IPv4 address/);
    assert.match(msg('1.2.3'), /not a valid IPv4 address/);
    assert.match(msg('::g'), /not a valid IPv6 address/);
    assert.match(msg('host_with$dollar'), /not a valid host name/);
    assert.match(msg('10.0.0.0/33'), /prefix length must be 0–32/);
    assert.match(msg('a,,b'), /empty item/);
  });
  it('resolves names, prefers IPv4, lists the other addresses, flags loopback', async () => {
    const r = await resolveTarget('localhost');
    assert.equal(r.address, '127.0.0.1');
    assert.equal(r.loopback, true);
    assert.equal(r.local, true);
    // every other address the system resolver gives for the name, in its order (none on a machine
    // whose /etc/hosts maps localhost to 127.0.0.1 only)
    const all = (await lookup('localhost', { all: true })).map(a => a.address);
    assert.deepEqual(r.otherAddresses, [...new Set(all)].filter(a => a !== '127.0.0.1'));
    // a resolver that answers IPv6 first, with a duplicate: IPv4 chosen, the rest listed once each
    const recorded = [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }, { address: '127.0.1.1', family: 4 }, { address: '::1', family: 6 }];
    const both = await resolveTarget('localhost', () => Promise.resolve(recorded));
    assert.deepEqual([both.address, both.family, both.otherAddresses], ['127.0.0.1', 4, ['::1', '127.0.1.1']]);
    const v6only = await resolveTarget('ip6-localhost', () => Promise.resolve([{ address: '::1', family: 6 }]));
    assert.deepEqual([v6only.address, v6only.family, v6only.otherAddresses], ['::1', 6, []]);
    const v6 = await resolveTarget('::1');
    assert.deepEqual([v6.address, v6.family, v6.loopback], ['::1', 6, true]);
  });
  it('an unresolvable name is a ScanInputError naming the host', async () => {
    await assert.rejects(resolveTarget('no-such-host.invalid'), (e: Error) => e instanceof ScanInputError && /cannot resolve host "no-such-host.invalid"/.test(e.message));
  });
});

describe('scan: service names', () => {
  it('parses services(5): aliases, comments, first entry wins, both protocols', () => {
    const m = parseEtcServices('# c\nssh\t\t22/tcp\t\t\t# SSH\nhttp 80/tcp www # web\nmyapp 80/tcp\nntp 123/udp\nbroken line\nbig 70000/tcp\n');
    assert.equal(m.get('22/tcp'), 'ssh');
    assert.equal(m.get('80/tcp'), 'http');
    assert.equal(m.get('123/udp'), 'ntp');
    assert.equal(m.has('123/tcp'), false);
    assert.equal(m.has('70000/tcp'), false);
  });
  it('falls back to the shipped IANA table when /etc/services is silent or missing', () => {
    const s = new ServiceNames(new Map([['22/tcp', 'my-ssh']]));
    assert.equal(s.name(22, 'tcp'), 'my-ssh');
    assert.equal(s.name(5432, 'tcp'), 'postgresql');
    assert.equal(s.name(53, 'udp'), 'domain');
    assert.equal(s.name(65000, 'tcp'), '');
    const missing = ServiceNames.load('/nonexistent/services');
    assert.equal(missing.name(443, 'tcp'), 'https');
  });
});

describe('scan: open-file limit', () => {
  it('reads the soft limit from /proc/self/limits text', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    assert.equal(parseMaxOpenFiles(text), 1024);
    assert.equal(parseMaxOpenFiles('Max open files            unlimited            unlimited            files\n'), undefined);
    assert.equal(parseMaxOpenFiles('garbage'), undefined);
  });
  it('caps concurrency to the free fds, keeps small requests', () => {
    assert.deepEqual(capConcurrency(5000, 1024, 100), { concurrency: 1024 - 100 - 128, capped: true });
    assert.deepEqual(capConcurrency(200, 1024, 100), { concurrency: 200, capped: false });
    // never below 16, even when the limit is nearly used up
    assert.deepEqual(capConcurrency(100, 100, 99), { concurrency: 16, capped: true });
  });
});

describe('scan: nmap XML (real nmap 7.93 output captured in a test namespace)', () => {
  it('TCP connect scan: states, reasons, services', () => {
    const [h] = parseNmapXml(readFileSync(path.join(fixtures, 'nmap-sT-mixed.xml'), 'utf8'));
    assert.equal(h.address, '198.18.0.2');
    const by = new Map(h.ports.map(p => [p.port, `${p.state}/${p.reason}`]));
    assert.equal(by.get(101), 'filtered/no-response');
    assert.equal(by.get(103), 'closed/conn-refused');
    assert.equal(by.get(104), 'filtered/host-unreach');
    assert.equal(by.get(106), 'filtered/net-unreach');
    assert.equal(by.get(109), 'filtered/proto-unreach');
    assert.equal(h.ports.find(p => p.port === 22)?.service, 'ssh');
  });
  it('UDP scan and summarised <extraports> expanded to every port', () => {
    const [u] = parseNmapXml(readFileSync(path.join(fixtures, 'nmap-sU-mixed.xml'), 'utf8'));
    assert.equal(u.ports.find(p => p.port === 104)?.reason, 'admin-prohibited');
    assert.equal(u.ports.every(p => p.protocol === 'udp'), true);
    const xml = '<nmaprun><host><status state="up"/><address addr="127.0.0.1" addrtype="ipv4"/><ports>'
      + '<extraports state="closed" count="5"><extrareasons reason="conn-refused" count="5" proto="tcp" ports="1-3,5,7"/></extraports>'
      + '<port protocol="tcp" portid="4"><state state="open" reason="syn-ack"/><service name="x"/></port></ports></host></nmaprun>';
    const [h] = parseNmapXml(xml);
    assert.deepEqual(h.ports.map(p => `${p.port}:${p.state}`), ['1:closed', '2:closed', '3:closed', '4:open', '5:closed', '7:closed']);
    assert.deepEqual(h.extra, []);
  });
});

describe('scan: UDP payloads follow their specifications', () => {
  it('DNS probe is a well-formed query our test responder answers', () => {
    const q = udpPayload(53);
    assert.equal(q.readUInt16BE(4), 1); // QDCOUNT
    assert.equal(q[2] & 0x80, 0); // a query, not a response
    const r = dnsReply(q)!;
    assert.equal(r[2] & 0x80, 0x80);
    assert.equal(r.readUInt16BE(0), q.readUInt16BE(0));
  });
  it('NTP probe is a 48-byte version 4 client request', () => {
    const n = udpPayload(123);
    assert.equal(n.length, 48);
    assert.equal(n[0] & 7, 3);
    assert.equal((n[0] >> 3) & 7, 4);
    assert.equal(ntpReply(n)![0] & 7, 4);
  });
  it('SNMP GetRequest: BER lengths are consistent', () => {
    const s = _forTests.snmpGet();
    assert.equal(s[0], 0x30);
    assert.equal(s[1], s.length - 2);
    assert.ok(s.includes(Buffer.from('public')));
  });
  it('NetBIOS node status: 32-byte first-level encoded "*" name', () => {
    const b = _forTests.netbiosNodeStatus();
    assert.equal(b[12], 32);
    assert.equal(b.subarray(13, 15).toString(), 'CK');
    assert.equal(b.length, 12 + 1 + 32 + 1 + 4);
  });
  it('ports without a known protocol get an empty datagram', () => {
    assert.equal(udpPayload(40000).length, 0);
  });
});
