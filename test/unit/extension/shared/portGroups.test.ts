// The Ports view's shaping of a snapshot, on real sockets read by the real collector (same port on
// IPv4 and IPv6 held by two processes, wildcard vs loopback, connections) and on hand-made entries
// for what this machine cannot produce on demand (an owner hidden from us).
import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import type { SocketEntry, SocketOwner } from '../../../../src/core/model';
import { groupByPort, groupByProcess, isInside, keyChanges, parseFilter, processKey, signature, type PortGroup } from '../../../../src/extension/shared/portGroups';
import { closeServer, connectTcp, listenTcp, portOf, runHolder, TCP_LISTENER, type Holder } from '../../support/children';
import { linuxOnly } from '../../support/skip';

const linux = process.platform === 'linux';

describe('portGroups: reachability and split from the socket facts', () => {
  const node = owner(41, 'node'), py = owner(42, 'python3');
  it('a port is network-reachable unless every address is loopback or bound to lo; an interface-bound wildcard is reachable', () => {
    const [lo] = groupByPort([entry(3000, '127.0.0.1', [node]), entry(3000, '::1', [node], { family: 6, ipv6Only: true })]);
    assert.equal(lo.reachable, false);
    assert.equal(lo.split, undefined, 'one process on both loopback addresses is not split');
    const [onLo] = groupByPort([entry(3001, '0.0.0.0', [node], { boundDevice: 'lo' })]);
    assert.equal(onLo.reachable, false, '0.0.0.0%lo is this machine only');
    const [dev] = groupByPort([entry(3002, '0.0.0.0', [node], { boundDevice: 'enp0s3' })]);
    assert.equal(dev.reachable, true);
    assert.deepEqual(dev.addresses, [{ family: 4, address: '0.0.0.0', boundDevice: 'enp0s3', ipv6Only: null }]);
  });
  it('different processes on 127.0.0.1 and ::1 make a split port, with each part\'s holders', () => {
    const [g] = groupByPort([entry(3003, '127.0.0.1', [node]), entry(3003, '::1', [py], { family: 6, ipv6Only: true })]);
    assert.ok(g.split);
    assert.deepEqual(g.split.parts.map(p => [p.hosts, p.owners.map(o => o.pid)]), [[['127.0.0.1'], [41]], [['[::1]'], [42]]]);
  });
});

describe('portGroups on live sockets', function () {
  before(function () { linuxOnly(this); });
  let v4: net.Server, any4: net.Server, child: Holder<{ port: number; pid: number }>, client: net.Socket;
  let groups: PortGroup[];

  before(async function () {
    if (!linux) { return; }
    v4 = await listenTcp('127.0.0.1');
    // a second process on the same port number, IPv6 loopback only
    child = await runHolder(TCP_LISTENER('::1', portOf(v4)));
    any4 = await listenTcp('0.0.0.0');
    // The accepted side has an owner once the server has accepted it: wait for that, not for a time.
    const accepted = new Promise(r => v4.once('connection', r));
    client = await connectTcp('127.0.0.1', portOf(v4));
    await accepted;
    const snap = await new ProcfsCollector().collect({ listeningOnly: false });
    groups = groupByPort(snap.sockets);
  });
  after(async () => {
    client?.destroy();
    await child?.stop();
    if (v4) { await closeServer(v4); }
    if (any4) { await closeServer(any4); }
  });

  it('one group per (protocol, port) with both owners and both addresses', () => {
    const g = groups.filter(x => x.protocol === 'tcp' && x.port === portOf(v4));
    assert.equal(g.length, 1);
    assert.deepEqual(g[0].owners.map(o => o.pid).sort((a, b) => a - b), [process.pid, child.info.pid].sort((a, b) => a - b));
    assert.deepEqual(g[0].addresses, [{ family: 4, address: '127.0.0.1', boundDevice: '', ipv6Only: null }, { family: 6, address: '::1', boundDevice: '', ipv6Only: true }], 'the facts ss reports: no interface, ::1 is IPv6-only');
    assert.equal(g[0].reachable, false);
    assert.equal(g[0].hasHiddenOwner, false);
  });

  it('lists the established connection to the port (server side) and marks wildcard binds reachable', () => {
    const g = groups.find(x => x.protocol === 'tcp' && x.port === portOf(v4))!;
    const conn = g.connections.find(c => c.remotePort === client.localPort);
    assert.ok(conn, `connection from ${client.localPort} missing: ${JSON.stringify(g.connections.map(c => c.remotePort))}`);
    assert.equal(conn.state, 'ESTABLISHED');
    const any = groups.find(x => x.protocol === 'tcp' && x.port === portOf(any4))!;
    assert.equal(any.reachable, true);
  });

  it('group-by-process gives each process its own share of the port', () => {
    const port = portOf(v4);
    const procs = groupByProcess(groups.filter(g => g.port === port));
    const mine = procs.find(p => p.process?.pid === process.pid)!;
    const theirs = procs.find(p => p.process?.pid === child.info.pid)!;
    assert.deepEqual(mine.ports.map(p => p.addresses.map(a => a.address)), [['127.0.0.1']]);
    assert.deepEqual(theirs.ports.map(p => p.addresses.map(a => a.address)), [['::1']]);
    assert.notEqual(processKey(mine.process!), processKey(theirs.process!));
  });

  it('filter: digits match the port exactly, never a substring', () => {
    const port = portOf(v4);
    const f = parseFilter(String(port))!;
    assert.ok(groups.filter(g => f.matches(g)).every(g => g.port === port));
    assert.ok(groups.some(g => f.matches(g)));
    const prefix = parseFilter(String(port).slice(0, -1))!;
    assert.ok(!groups.filter(g => prefix.matches(g)).some(g => g.port === port), 'a prefix of the port must not match it');
    const byName = parseFilter('NODE')!;
    assert.ok(groups.filter(g => byName.matches(g)).some(g => g.port === port), 'process name match is case-insensitive');
    const range = parseFilter(`${port}-${port}`)!;
    assert.deepEqual([...new Set(groups.filter(g => range.matches(g)).map(g => g.port))], [port]);
    assert.equal(parseFilter('   '), undefined);
  });
});

function owner(pid: number, name: string): SocketOwner {
  return { pid, ppid: 1, name, commandLine: `/usr/bin/${name} --serve`, cwd: '/srv', user: 'www', startTime: 1000 + pid, fd: 3 };
}
function entry(port: number, address: string, processes: SocketOwner[], extra: Partial<SocketEntry> = {}): SocketEntry {
  return {
    protocol: 'tcp', family: address.includes(':') ? 6 : 4, localAddress: address, localPort: port, remoteAddress: address.includes(':') ? '::' : '0.0.0.0',
    remotePort: 0, state: 'LISTEN', inode: port * 10 + processes.length, uid: 0, boundDevice: '', ipv6Only: null, user: 'root', ownerVisible: true, processes, ...extra,
  };
}

describe('portGroups on constructed entries', () => {
  it('an owner we cannot see is reported with its user, not guessed', () => {
    const groups = groupByPort([entry(5432, '127.0.0.1', [], { ownerVisible: false, user: 'postgres', uid: 110 }), entry(80, '0.0.0.0', [owner(10, 'nginx'), owner(11, 'nginx')])]);
    assert.deepEqual(groups.map(g => g.port), [80, 5432]);
    const pg = groups[1];
    assert.equal(pg.hasHiddenOwner, true);
    assert.deepEqual(pg.hiddenOwnerUsers, ['postgres']);
    assert.deepEqual(pg.owners, []);
    const procs = groupByProcess(groups);
    assert.equal(procs[procs.length - 1].process, undefined, 'hidden owners come last, in their own group');
    assert.deepEqual(procs.filter(p => p.process).map(p => p.process!.pid), [10, 11]);
  });
  it('TIME_WAIT rows count, but are neither listeners nor connections', () => {
    const tw = entry(8080, '127.0.0.1', [], { state: 'TIME_WAIT', remotePort: 50000 });
    const groups = groupByPort([entry(8080, '127.0.0.1', [owner(5, 'node')]), tw]);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].timeWait, 1);
    assert.equal(groups[0].connections.length, 0);
  });
  it('UDP and TCP on the same number are two groups; signature changes with owners', () => {
    const a = groupByPort([entry(53, '0.0.0.0', [owner(7, 'dnsmasq')]), entry(53, '0.0.0.0', [owner(7, 'dnsmasq')], { protocol: 'udp', state: 'UNCONN' })]);
    assert.deepEqual(a.map(g => g.key), ['tcp:53', 'udp:53']);
    const b = groupByPort([entry(53, '0.0.0.0', [owner(8, 'dnsmasq')]), entry(53, '0.0.0.0', [owner(7, 'dnsmasq')], { protocol: 'udp', state: 'UNCONN' })]);
    assert.notEqual(signature(a), signature(b));
    const again = groupByPort([entry(53, '0.0.0.0', [owner(7, 'dnsmasq')]), entry(53, '0.0.0.0', [owner(7, 'dnsmasq')], { protocol: 'udp', state: 'UNCONN' })]);
    assert.equal(signature(a), signature(again));
    const renamed = groupByPort([entry(53, '0.0.0.0', [{ ...owner(7, 'dnsmasq'), name: 'dnsmasq-new' }]), entry(53, '0.0.0.0', [owner(7, 'dnsmasq')], { protocol: 'udp', state: 'UNCONN' })]);
    assert.notEqual(signature(a), signature(renamed), 'a process that exec()s keeps its pid and start time, but the view shows its new name');
  });
  it('shares for grouping by process: the whole port where a holder has all of it, a part of its own where not; equal lists are one object', () => {
    const nginx = [owner(10, 'nginx'), owner(11, 'nginx')];
    const node = owner(41, 'node'), py = owner(42, 'python3');
    const groups = groupByPort([
      entry(80, '0.0.0.0', nginx), entry(443, '0.0.0.0', nginx),
      entry(3003, '127.0.0.1', [node]), entry(3003, '::1', [py], { family: 6, ipv6Only: true }),
    ]);
    const [http, https, split] = groups;
    assert.deepEqual(http.shares.map(x => [x.key, x.process?.pid, x.part]), [['10@1010', 10, undefined], ['11@1011', 11, undefined]]);
    assert.equal(http.shares, https.shares, 'one share list for the ports of the same holders');
    assert.equal(http.owners, https.owners);
    assert.equal(http.addresses, https.addresses);
    assert.deepEqual(split.shares.map(x => [x.key, x.part?.addresses.map(a => a.address), x.part?.owners.map(o => o.pid)]), [['41@1041', ['127.0.0.1'], [41]], ['42@1042', ['::1'], [42]]]);
    const procs = groupByProcess(groups);
    assert.deepEqual(procs.map(p => [p.process?.pid, p.ports.map(g => g.port)]), [[10, [80, 443]], [11, [80, 443]], [41, [3003]], [42, [3003]]]);
    assert.equal(procs[0].ports[0], http, 'a whole share is the port group itself');
  });
  it('keyChanges: the ports that appeared and went, in one pass over both sorted lists', () => {
    const at = (...specs: [number, 'tcp' | 'udp'][]) => groupByPort(specs.map(([port, protocol]) => entry(port, '127.0.0.1', [owner(5, 'node')], { protocol, state: protocol === 'tcp' ? 'LISTEN' : 'UNCONN' })));
    const before = at([22, 'tcp'], [53, 'tcp'], [53, 'udp'], [8080, 'tcp']);
    const after = at([53, 'udp'], [80, 'tcp'], [8080, 'tcp'], [8080, 'udp'], [9000, 'tcp']);
    assert.deepEqual(keyChanges(before, after), { added: ['tcp:80', 'udp:8080', 'tcp:9000'], removed: ['tcp:22', 'tcp:53'] });
    assert.deepEqual(keyChanges(after, after), { added: [], removed: [] });
    assert.deepEqual(keyChanges([], before), { added: before.map(g => g.key), removed: [] });
  });
  it('isInside: path prefix on whole segments', () => {
    assert.equal(isInside('/work/app', ['/work/app']), true);
    assert.equal(isInside('/work/app/sub', ['/work/app/']), true);
    assert.equal(isInside('/work/application', ['/work/app']), false);
    assert.equal(isInside('', ['/work']), false);
  });
});
