import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { decodeIpv4Hex, decodeIpv6Hex, parseProcNet, parseProcNetRow, tcpRowsFromSockstat } from '../../../../src/core/collect/procNetParser';
import { parseCmdline, parsePasswd, parseProcStat, parseSocketLink, parseStatusUid, parseBootTime } from '../../../../src/core/collect/procPidParser';
import { repoRoot } from '../../support/paths';

const fixture = (name: string) => fs.readFileSync(path.join(repoRoot, 'test/fixtures/proc', name), 'utf8');

describe('procNetParser', () => {
  it('decodes every TCP state, addresses and ports of a recorded IPv4 table', () => {
    const { records, malformed } = parseProcNet(fixture('tcp'), 'tcp', 4);
    assert.equal(malformed, 2, 'the garbage line and the bad port are counted');
    assert.deepEqual(records.map(r => r.state), [
      'LISTEN', 'LISTEN', 'ESTABLISHED', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2',
      'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'ESTABLISHED']);
    assert.deepEqual(records[0], { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', inode: 50001, uid: 1000, boundDevice: null, ipv6Only: null });
    assert.equal(records[1].localAddress, '0.0.0.0');
    assert.equal(records[1].localPort, 80);
    assert.equal(records[2].remotePort, 50000);
    assert.deepEqual([records[13].localAddress, records[13].localPort, records[13].remoteAddress, records[13].remotePort], ['192.168.1.1', 22, '192.168.1.100', 54321]);
    assert.equal(records[8].inode, 0, 'TIME_WAIT rows have no inode');
  });

  it('decodes IPv6, the wildcard, link-local and IPv4-mapped addresses', () => {
    const { records, malformed } = parseProcNet(fixture('tcp6'), 'tcp', 6);
    assert.equal(malformed, 1);
    assert.deepEqual(records.map(r => [r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.state]), [
      ['::1', 3000, '::', 0, 'LISTEN'],
      ['::', 5432, '::', 0, 'LISTEN'],
      ['127.0.0.1', 8080, '127.0.0.1', 55000, 'ESTABLISHED'],
      ['fe80::1', 22, '2001:db8::5', 61440, 'ESTABLISHED'],
    ]);
    assert.ok(records.every(r => r.family === 6));
  });

  it('names UDP states unconnected and connected', () => {
    const udp = parseProcNet(fixture('udp'), 'udp', 4).records;
    assert.deepEqual(udp.map(r => [r.localAddress, r.localPort, r.state, r.uid]), [['0.0.0.0', 53, 'UNCONN', 101], ['127.0.0.1', 42001, 'ESTABLISHED', 1000]]);
    const udp6 = parseProcNet(fixture('udp6'), 'udp', 6).records;
    assert.deepEqual(udp6.map(r => [r.localAddress, r.localPort, r.state, r.inode]), [['::', 5353, 'UNCONN', 70003]]);
  });

  it('filters listening rows and exact local ports', () => {
    const listening = parseProcNet(fixture('tcp'), 'tcp', 4, { listeningOnly: true }).records;
    assert.deepEqual(listening.map(r => r.localPort), [8080, 80]);
    const on8080 = parseProcNet(fixture('tcp'), 'tcp', 4, { localPorts: new Set([8080]) }).records;
    assert.deepEqual(on8080.map(r => r.inode), [50001, 50003]);
    const on80 = parseProcNet(fixture('tcp'), 'tcp', 4, { localPorts: new Set([80]) }).records;
    assert.deepEqual(on80.map(r => r.localPort), [80], '80 never matches 8080');
  });

  it('reads uid and inode whatever the width of the columns before them', () => {
    const row = (uid: string, timeout: string, inode: string) =>
      ` 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 ${uid} ${timeout} ${inode} 1 0000000000000000 100 0 0 10 0`;
    const ids = (body: string) => { const r = parseProcNetRow(body, 'tcp', 4); return r ? [r.uid, r.inode] : r; };
    assert.deepEqual(ids(row('    0', '       0', '12345')), [0, 12345]);
    assert.deepEqual(ids(row('100000', '       0', '4294967295')), [100000, 4294967295], 'a uid wider than %5u and the largest inode');
    assert.deepEqual(ids(row('1878982656', '       0', '77')), [1878982656, 77], 'a container uid beyond the packed fast path');
    assert.deepEqual(ids(row(' 1000', '     -17', '99')), [1000, 99], 'a negative timeout');
    assert.deepEqual(ids(row(' 1000', '0', '99')), [1000, 99], 'single spaces');
    // Columns before the uid not at their usual widths: found by counting fields instead.
    assert.deepEqual(ids(' 0100007F:1F90 00000000:0000 0A 0:0 00:00000000 00000000  1000        0 4242 1'), [1000, 4242]);
    assert.equal(ids(row(' 10a0', '       0', '99')), undefined);
    assert.equal(ids(' 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0'), undefined, 'cut before the inode');
  });

  it('estimates the TCP rows from sockstat (recorded in a namespace with 10,000 listeners)', () => {
    const sockstat = 'sockets: used 21008\nTCP: inuse 10000 orphan 0 tw 12 alloc 20001 mem 358\nUDP: inuse 500 mem 256\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n';
    const sockstat6 = 'TCP6: inuse 10000\nUDP6: inuse 500\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n';
    assert.equal(tcpRowsFromSockstat(sockstat, sockstat6), 20012);
    assert.equal(tcpRowsFromSockstat(sockstat, ''), 10012, 'no IPv6');
    assert.equal(tcpRowsFromSockstat('', ''), 0);
  });

  it('decodes addresses the way the kernel stores them', () => {
    assert.equal(decodeIpv4Hex('0100007F'), '127.0.0.1');
    assert.equal(decodeIpv4Hex('FFFFFFFF'), '255.255.255.255');
    assert.equal(decodeIpv4Hex('0100007'), undefined);
    assert.equal(decodeIpv6Hex('00000000000000000000000000000000'), '::');
    assert.equal(decodeIpv6Hex('B80D0120000000000000000005000000'), '2001:db8::5');
    assert.equal(decodeIpv6Hex('B80D01200000000000000100000000FF'), '2001:db8::1:0:ff00:0', 'the longest zero run is compressed');
    assert.equal(decodeIpv6Hex('xyz'), undefined);
  });

  it('never throws on arbitrary input and only returns well-formed records', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('tcp' as const, 'udp' as const), fc.constantFrom(4 as const, 6 as const), (text, protocol, family) => {
      const { records, malformed } = parseProcNet(text, protocol, family);
      assert.ok(malformed >= 0);
      for (const r of records) {
        assert.ok(r.localPort >= 0 && r.localPort <= 65535 && r.remotePort >= 0 && r.remotePort <= 65535);
        assert.ok(Number.isInteger(r.inode) && Number.isInteger(r.uid));
      }
    }), { numRuns: 500 });
    // Lines that look almost right: real rows with random damage.
    const lines = fixture('tcp').split('\n');
    fc.assert(fc.property(fc.integer({ min: 1, max: lines.length - 1 }), fc.nat(), fc.string({ maxLength: 5 }), (i, at, junk) => {
      const line = lines[i];
      const p = at % (line.length + 1);
      parseProcNet(lines[0] + '\n' + line.slice(0, p) + junk + line.slice(p), 'tcp', 4);
    }), { numRuns: 500 });
  });
});

describe('procPidParser', () => {
  it('reads stat fields even when the name has spaces and parentheses', () => {
    const text = '4242 (my (weird) name) S 17 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 1 0 987654 1000 200 0 0\n';
    assert.deepEqual(parseProcStat(text), { pid: 4242, comm: 'my (weird) name', state: 'S', ppid: 17, startTicks: 987654 });
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseProcStat('1 (x) S'), undefined);
  });

  it('reads uid, cmdline, socket links, passwd and btime', () => {
    assert.equal(parseStatusUid('Name:\tnode\nUid:\t1000\t1000\t1000\t1000\n'), 1000);
    assert.equal(parseStatusUid('Name: x'), undefined);
    assert.equal(parseCmdline('node\u0000server.js\u0000--port\u00003000\u0000'), 'node server.js --port 3000');
    assert.equal(parseSocketLink('socket:[12345]'), 12345);
    assert.equal(parseSocketLink('pipe:[12345]'), undefined);
    assert.equal(parseSocketLink('/dev/null'), undefined);
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\nbroken\n');
    assert.deepEqual([...users], [[0, 'root'], [65534, 'nobody']]);
    assert.equal(parseBootTime('cpu 1 2 3\nbtime 1764000000\n'), 1764000000);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), s => {
      parseProcStat(s); parseStatusUid(s); parseCmdline(s); parseSocketLink(s); parsePasswd(s); parseBootTime(s);
    }), { numRuns: 500 });
  });
});
