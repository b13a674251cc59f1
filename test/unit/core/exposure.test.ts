import * as assert from 'node:assert/strict';
import { delivery, exposureWords, receiverOf, socketExposure, type SocketFacts } from '../../../src/core/exposure';
import { splitListener, splitSummary, localhostSentence } from '../../../src/core/splitListeners';
import type { SocketEntry } from '../../../src/core/model';

const f = (localAddress: string, boundDevice: string | null = '', ipv6Only: boolean | null = null): SocketFacts =>
  ({ family: localAddress.includes(':') ? 6 : 4, localAddress, boundDevice, ipv6Only });

describe('exposure from socket facts', () => {
  it('words who can reach a listener, and marks network reachability only where true', () => {
    const cases: [SocketFacts, string, boolean][] = [
      [f('::', '', false), 'all interfaces, IPv4 and IPv6', true],
      [f('::', '', true), 'all IPv6 interfaces', true],
      [f('0.0.0.0'), 'all IPv4 interfaces', true],
      [f('0.0.0.0', 'enp0s3'), 'only via enp0s3', true],
      [f('fe80::1', 'enp0s3', true), 'only via enp0s3', true],
      [f('127.0.0.1'), 'this machine only', false],
      [f('::1', '', true), 'this machine only', false],
      [f('127.0.1.1'), 'this machine only', false],
      [f('0.0.0.0', 'lo'), 'this machine only', false],
      [f('198.18.7.1'), 'only on 198.18.7.1', true],
      [f('::', null, null), 'all IPv6 interfaces, and IPv4 unless IPv6-only (not known)', true],
    ];
    for (const [facts, words, network] of cases) {
      assert.equal(exposureWords(facts), words, JSON.stringify(facts));
      assert.equal(socketExposure(facts).network, network, JSON.stringify(facts));
    }
  });

  it('delivery: why a socket does not get what is sent to an address', () => {
    assert.equal(delivery(f('0.0.0.0', 'enp0s3'), '127.0.0.1'), 'bound-device');
    assert.equal(delivery(f('0.0.0.0', 'enp0s3'), '198.18.7.1', 'enp0s3'), 'receives');
    assert.equal(delivery(f('::', '', true), '127.0.0.1'), 'other-family');
    assert.equal(delivery(f('::', '', false), '127.0.0.1'), 'receives');
    assert.equal(delivery(f('::', '', true), '::1'), 'receives');
    assert.equal(delivery(f('0.0.0.0'), '::1'), 'other-family');
    assert.equal(delivery(f('127.0.1.1'), '127.0.0.1'), 'other-address');
    assert.equal(delivery(f('::1', '', true), '127.0.0.1'), 'other-family');
  });

  it('the receiver of a connection is the most specific socket that takes it', () => {
    const exact = f('127.0.0.1'), wild = f('0.0.0.0'), dual = f('::', '', false);
    assert.equal(receiverOf([wild, exact], '127.0.0.1'), exact);
    assert.equal(receiverOf([dual, wild], '127.0.0.1'), wild);
    assert.equal(receiverOf([dual], '127.0.0.1'), dual);
    assert.equal(receiverOf([f('0.0.0.0', 'enp0s3')], '127.0.0.1'), undefined);
  });
});

function socket(localAddress: string, pid: number, name: string, extra: Partial<SocketEntry> = {}): SocketEntry {
  const family = localAddress.includes(':') ? 6 : 4;
  return {
    protocol: 'tcp', family, localAddress, localPort: 3000, remoteAddress: family === 6 ? '::' : '0.0.0.0', remotePort: 0, state: 'LISTEN',
    inode: pid, uid: 0, boundDevice: '', ipv6Only: family === 6 ? true : null, user: 'root', ownerVisible: true,
    processes: [{ pid, ppid: 1, name, commandLine: name, cwd: '/', user: 'root', startTime: 1, fd: 3 }], ...extra,
  };
}

describe('split listeners', () => {
  it('names each part and which one localhost reaches first, in the resolver order given', () => {
    const sockets = [socket('127.0.0.1', 41, 'vite'), socket('::1', 42, 'next')];
    const v6first = splitListener(sockets, ['::1', '127.0.0.1'])!;
    assert.equal(splitSummary(v6first), 'Port 3000/tcp is split between processes: 127.0.0.1 by vite (pid 41); [::1] by next (pid 42).');
    assert.equal(localhostSentence(v6first), 'localhost:3000 reaches [::1] first, held by next (pid 42): clients try the first address localhost resolves to on this machine.');
    const v4first = splitListener(sockets, ['127.0.0.1', '::1'])!;
    assert.equal(v4first.parts[v4first.localhostFirst!.part].owners[0].pid, 41);
  });

  it('0.0.0.0 beside 127.0.0.1: localhost reaches the exact address; a device-bound one beside a wildcard is split too', () => {
    const s = splitListener([socket('0.0.0.0', 41, 'a'), socket('127.0.0.1', 42, 'b')], ['127.0.0.1'])!;
    assert.equal(s.parts[s.localhostFirst!.part].owners[0].pid, 42);
    const d = splitListener([socket('0.0.0.0', 41, 'a', { boundDevice: 'enp0s3' }), socket('0.0.0.0', 42, 'b')], ['127.0.0.1'])!;
    assert.deepEqual(d.parts.map(p => p.hosts), [['0.0.0.0%enp0s3'], ['0.0.0.0']]);
    assert.equal(d.parts[d.localhostFirst!.part].owners[0].pid, 42, 'the device-bound socket does not get loopback traffic');
  });

  it('one process on several addresses is not split', () => {
    assert.equal(splitListener([socket('127.0.0.1', 41, 'a'), socket('::1', 41, 'a')], ['::1']), undefined);
  });
});
