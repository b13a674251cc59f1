import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import type * as dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import type { SocketEntry } from '../../../../src/core/model';
import { bindUdp, closeServer, connectTcp, listenTcp, portOf, runHolder, SHARED_LISTENER, stopChild, TCP_LISTENER, type Holder } from '../../support/children';
import { hasCommand, socketKey, ssRows } from '../../support/ss';
import { AS_NOBODY, cliForNobody, listenerAsNobody } from '../../support/nobody';
import { linuxOnly, skipUnless } from '../../support/skip';

const linux = process.platform === 'linux';
const fdOf = (h: net.Server | dgram.Socket | net.Socket) => (h as unknown as { _handle: { fd: number } })._handle.fd;

function find(sockets: SocketEntry[], protocol: string, address: string, port: number, state?: string): SocketEntry[] {
  return sockets.filter(s => s.protocol === protocol && s.localAddress === address && s.localPort === port && (!state || s.state === state));
}

describe('ProcfsCollector on live sockets', function () {
  before(function () { linuxOnly(this); });

  const closers: (() => Promise<void> | void)[] = [];
  after(async () => { for (const c of closers.reverse()) { await c(); } });

  let tcp4: net.Server, tcp6: net.Server, tcpAny4: net.Server, tcpAny6: net.Server;
  let udp4: dgram.Socket, udp6: dgram.Socket, udpAny4: dgram.Socket, udpAny6: dgram.Socket;
  let client: net.Socket;
  let child: Holder<{ port: number; pid: number }>;
  let shared: Holder<{ port: number; pid: number; children: number[] }>;
  let cwd: string;

  before(async function () {
    if (!linux) { return; }
    tcp4 = await listenTcp('127.0.0.1');
    tcp6 = await listenTcp('::1');
    tcpAny4 = await listenTcp('0.0.0.0');
    tcpAny6 = await listenTcp('::');
    udp4 = await bindUdp('udp4', '127.0.0.1');
    udp6 = await bindUdp('udp6', '::1');
    udpAny4 = await bindUdp('udp4', '0.0.0.0');
    udpAny6 = await bindUdp('udp6', '::');
    client = await connectTcp('127.0.0.1', portOf(tcp4));
    for (const s of [tcp4, tcp6, tcpAny4, tcpAny6]) { closers.push(() => closeServer(s)); }
    for (const u of [udp4, udp6, udpAny4, udpAny6]) { closers.push(() => { u.close(); }); }
    closers.push(() => { client.destroy(); });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-holder-'));
    child = await runHolder(TCP_LISTENER('127.0.0.1'), cwd);
    closers.push(() => child.stop());
    shared = await runHolder(SHARED_LISTENER(3));
    closers.push(async () => {
      const exited = new Promise(r => shared.child.once('exit', r));
      shared.child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 2000))]);
      await stopChild(shared.child);
    });
    // The server side of the client connection must be accepted before the table shows it.
    await new Promise(r => setTimeout(r, 50));
  });

  it('reports TCP listeners on 127.0.0.1, ::1 and both wildcards with this process and its fd', async () => {
    const snap = await new ProcfsCollector().collect();
    for (const [server, addr] of [[tcp4, '127.0.0.1'], [tcp6, '::1'], [tcpAny4, '0.0.0.0'], [tcpAny6, '::']] as const) {
      const rows = find(snap.sockets, 'tcp', addr, portOf(server), 'LISTEN');
      assert.equal(rows.length, 1, `one LISTEN row for ${addr}`);
      assert.equal(rows[0].family, addr.includes(':') ? 6 : 4);
      assert.deepEqual(rows[0].processes.map(p => [p.pid, p.fd]), [[process.pid, fdOf(server)]]);
      assert.equal(rows[0].ownerVisible, true);
      assert.equal(rows[0].user, os.userInfo().username);
    }
  });

  it('reports UDP sockets as UNCONN with this process', async () => {
    const snap = await new ProcfsCollector().collect({ protocols: ['udp'] });
    for (const [sock, addr] of [[udp4, '127.0.0.1'], [udp6, '::1'], [udpAny4, '0.0.0.0'], [udpAny6, '::']] as const) {
      const rows = find(snap.sockets, 'udp', addr, portOf(sock), 'UNCONN');
      assert.equal(rows.length, 1, `one UNCONN row for ${addr}`);
      assert.deepEqual(rows[0].processes.map(p => [p.pid, p.fd]), [[process.pid, fdOf(sock)]]);
    }
    assert.ok(snap.sockets.every(s => s.protocol === 'udp'));
  });

  it('reports both ends of an established connection', async () => {
    const snap = await new ProcfsCollector().collect();
    const clientSide = snap.sockets.filter(s => s.localPort === client.localPort && s.remotePort === portOf(tcp4));
    assert.equal(clientSide.length, 1);
    assert.equal(clientSide[0].state, 'ESTABLISHED');
    assert.deepEqual(clientSide[0].processes.map(p => [p.pid, p.fd]), [[process.pid, fdOf(client)]]);
    const serverSide = snap.sockets.filter(s => s.localPort === portOf(tcp4) && s.remotePort === client.localPort);
    assert.equal(serverSide.length, 1);
    assert.equal(serverSide[0].state, 'ESTABLISHED');
    assert.deepEqual(serverSide[0].processes.map(p => p.pid), [process.pid]);
  });

  it('reports a child process with its command line, cwd, parent and start time', async () => {
    const snap = await new ProcfsCollector().collect({ listeningOnly: true });
    const rows = find(snap.sockets, 'tcp', '127.0.0.1', child.info.port, 'LISTEN');
    assert.equal(rows.length, 1);
    const [owner] = rows[0].processes;
    assert.equal(owner.pid, child.child.pid);
    assert.equal(owner.ppid, process.pid);
    assert.equal(owner.name, 'node');
    assert.ok(owner.commandLine.startsWith(`${process.execPath} -e`), owner.commandLine);
    assert.equal(owner.cwd, fs.realpathSync(cwd));
    const stat = fs.readFileSync(`/proc/${owner.pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const btime = Number(/btime (\d+)/.exec(fs.readFileSync('/proc/stat', 'utf8'))![1]);
    assert.equal(owner.startTime, btime * 1000 + ticks * 10);
    assert.ok(Math.abs(owner.startTime - Date.now()) < 120_000, 'started moments ago');
  });

  it('lists every owner of a listening socket shared by a parent and its children', async () => {
    const snap = await new ProcfsCollector().collect({ listeningOnly: true });
    const rows = find(snap.sockets, 'tcp', '127.0.0.1', shared.info.port, 'LISTEN');
    assert.equal(rows.length, 1, 'one socket');
    const pids = rows[0].processes.map(p => p.pid);
    assert.deepEqual(pids, [shared.info.pid, ...shared.info.children].sort((a, b) => a - b));
  });

  it('matches ss -tunap for the test\'s own sockets', async function () {
    skipUnless(this, hasCommand('ss'), 'ss (iproute2) is not installed');
    const ours = new Set([tcp4, tcp6, tcpAny4, tcpAny6, udp4, udp6, udpAny4, udpAny6].map(portOf).concat([child.info.port, shared.info.port]));
    const mine = (lp: number, rp: number) => ours.has(lp) || ours.has(rp);
    const snap = await new ProcfsCollector().collect();
    const engine = new Map<string, string>();
    for (const s of snap.sockets) {
      if (!mine(s.localPort, s.remotePort)) { continue; }
      engine.set(socketKey(s.protocol, s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state === 'UNCONN' ? 'UNCONN' : s.state), JSON.stringify([...new Set(s.processes.map(p => p.pid))].sort((a, b) => a - b)));
    }
    const ss = new Map<string, string>();
    for (const r of ssRows()) { if (mine(r.localPort, r.remotePort)) { ss.set(r.key, JSON.stringify(r.pids)); } }
    assert.ok(engine.size >= 12, `expected our sockets, got ${engine.size}`);
    assert.deepEqual(Object.fromEntries([...engine].sort()), Object.fromEntries([...ss].sort()));
  });

  it('keeps a warm cache that sees new and closed sockets without walking every process', async () => {
    const collector = new ProcfsCollector();
    const cold = await collector.collect();
    assert.equal(cold.stats.fullWalk, true);
    const warm = await collector.collect();
    assert.equal(warm.stats.fullWalk, false);
    assert.ok(warm.stats.processesWalked < cold.stats.processesWalked, `warm walked ${warm.stats.processesWalked} of ${cold.stats.processesWalked}`);
    // A socket opened by an already-cached process…
    const extra = await listenTcp('127.0.0.1');
    const afterOpen = await collector.collect({ listeningOnly: true });
    assert.deepEqual(find(afterOpen.sockets, 'tcp', '127.0.0.1', portOf(extra)).flatMap(s => s.processes.map(p => p.pid)), [process.pid]);
    // …and one opened by a new process.
    const late = await runHolder(TCP_LISTENER('::1'));
    try {
      const afterChild = await collector.collect({ listeningOnly: true });
      assert.deepEqual(find(afterChild.sockets, 'tcp', '::1', late.info.port).flatMap(s => s.processes.map(p => p.pid)), [late.child.pid]);
    } finally {
      await late.stop();
    }
    const port = portOf(extra);
    await closeServer(extra);
    const afterClose = await collector.collect({ listeningOnly: true });
    assert.equal(find(afterClose.sockets, 'tcp', '127.0.0.1', port).length, 0);
    assert.equal(find(afterClose.sockets, 'tcp', '::1', late.info.port).length, 0, 'the exited child\'s socket is gone');
  });

  it('shows another user\'s sockets as "owner not visible" when run unprivileged', async function () {
    skipUnless(this, process.getuid?.() === 0 && hasCommand('setpriv'), 'needs root and setpriv');
    const { dir, cli } = await cliForNobody('pi-nobody-');
    const own = await listenerAsNobody(dir);
    try {
      const out = execFileSync('setpriv', [...AS_NOBODY, process.execPath, cli, 'list', '--listening', '--tcp', '--json'], { encoding: 'utf8', cwd: dir });
      const rows = JSON.parse(out) as { localAddress: string; localPort: number; ownerVisible: boolean; processes: { pid: number }[]; user: string }[];
      const rootRow = rows.find(r => r.localAddress === '127.0.0.1' && r.localPort === portOf(tcp4));
      assert.ok(rootRow, 'root\'s listener is listed');
      assert.equal(rootRow.ownerVisible, false);
      assert.deepEqual(rootRow.processes, []);
      assert.equal(rootRow.user, 'root');
      const childRow = rows.find(r => r.localPort === child.info.port);
      assert.equal(childRow?.ownerVisible, false, 'a root child is not visible either');
      const ownRow = rows.find(r => r.localPort === own.info.port);
      assert.deepEqual(ownRow?.processes.map(p => p.pid), [own.info.pid]);
      assert.equal(ownRow?.user, 'nobody');
    } finally {
      await own.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
