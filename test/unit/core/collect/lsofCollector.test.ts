import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import type * as dgram from 'node:dgram';
import { LsofCollector } from '../../../../src/core/collect/lsofCollector';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import type { Snapshot, SocketEntry } from '../../../../src/core/model';
import { bindUdp, closeServer, connectTcp, listenTcp, portOf, runHolder, SHARED_LISTENER, TCP_LISTENER, type Holder } from '../../support/children';
import { AS_NOBODY, cliForNobody, listenerAsNobody } from '../../support/nobody';
import { killPortOwners } from '../../../../src/core/process/kill';
import { hasCommand } from '../../support/ss';
import { repoRoot } from '../../support/paths';
import { linuxOnly, skipUnless } from '../../support/skip';

const unix = process.platform !== 'win32';
const FIXTURES = path.join(repoRoot, 'test/fixtures/lsof');

/** A listener in a child whose title has spaces and non-ASCII letters, and that forks two workers sharing it. */

function key(s: SocketEntry): string {
  return `${s.protocol} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort} ${s.state} [${s.processes.map(p => p.pid).sort((a, b) => a - b).join(',')}]`;
}

/** The test's own sockets: on its ports and held by a process (ownerless TIME_WAIT rows exist only in /proc). */
function ours(snap: Snapshot, ports: Set<number>): string[] {
  return snap.sockets.filter(s => (ports.has(s.localPort) || ports.has(s.remotePort)) && s.processes.length > 0).map(key).sort();
}

describe('LsofCollector on live sockets', function () {
  const closers: (() => Promise<void> | void)[] = [];
  let tcp4: net.Server, tcp6: net.Server, tcpAny: net.Server;
  let udp4: dgram.Socket, udp6: dgram.Socket, udpConnected: dgram.Socket;
  let client: net.Socket;
  let shared: Holder<{ port: number; pid: number; children: number[] }>;
  let cwd: string;
  let ports: Set<number>;
  const lsof = new LsofCollector();

  before(async function () {
    skipUnless(this, unix, 'lsof back end: Unix only', 'other-platform');
    skipUnless(this, hasCommand('lsof'), 'lsof is not installed');
    tcp4 = await listenTcp('127.0.0.1');
    tcp6 = await listenTcp('::1');
    tcpAny = await listenTcp('::');
    udp4 = await bindUdp('udp4', '127.0.0.1');
    udp6 = await bindUdp('udp6', '::1');
    udpConnected = await bindUdp('udp4', '127.0.0.1');
    await new Promise<void>(r => udpConnected.connect(portOf(udp4), '127.0.0.1', () => r()));
    client = await connectTcp('127.0.0.1', portOf(tcp4));
    for (const s of [tcp4, tcp6, tcpAny]) { closers.push(() => closeServer(s)); }
    for (const u of [udp4, udp6, udpConnected]) { closers.push(() => { u.close(); }); }
    closers.push(() => { client.destroy(); });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-lsof-cwd-'));
    closers.push(() => fs.rmSync(cwd, { recursive: true, force: true }));
    shared = await runHolder(SHARED_LISTENER(2, 'dev server — café'), cwd);
    closers.push(() => shared.stop());
    closers.push(async () => { for (const c of shared.info.children) { try { process.kill(c, 'SIGKILL'); } catch { /* gone */ } } });
    ports = new Set([tcp4, tcp6, tcpAny, udp4, udp6, udpConnected].map(portOf).concat(shared.info.port));
    // The accepted side of `client` must exist before we look.
    await new Promise(r => setTimeout(r, 100));
  });
  after(async () => { for (const c of closers.reverse()) { await c(); } });

  it('sees this process\'s TCP and UDP sockets, IPv4 and IPv6, with the model\'s states', async () => {
    const snap = await lsof.collect();
    assert.equal(snap.backend, 'lsof');
    // Owned rows at exactly our address and port: the loopback is shared (a stranger's TIME_WAIT, or a
    // socket of ours on another address, may carry the same port number).
    const mine = (protocol: string, address: string, port: number) =>
      snap.sockets.filter(s => s.protocol === protocol && s.localAddress === address && s.localPort === port && s.processes.length > 0);
    const t4 = mine('tcp', '127.0.0.1', portOf(tcp4)).find(s => s.state === 'LISTEN');
    assert.deepEqual([t4?.family, t4?.processes.map(p => p.pid)], [4, [process.pid]]);
    assert.deepEqual(mine('tcp', '::1', portOf(tcp6)).map(s => [s.family, s.state]), [[6, 'LISTEN']]);
    assert.deepEqual(mine('tcp', '::', portOf(tcpAny)).map(s => [s.family, s.state]), [[6, 'LISTEN']]);
    assert.deepEqual(mine('udp', '127.0.0.1', portOf(udp4)).map(s => [s.family, s.state]), [[4, 'UNCONN']]);
    assert.deepEqual(mine('udp', '::1', portOf(udp6)).map(s => [s.family, s.state]), [[6, 'UNCONN']]);
    const connected = mine('udp', '127.0.0.1', portOf(udpConnected));
    assert.deepEqual(connected.map(s => [s.state, s.remoteAddress, s.remotePort]), [['ESTABLISHED', '127.0.0.1', portOf(udp4)]]);
    const at = (a: string, p: number) => a === '127.0.0.1' && p === portOf(tcp4);
    const est = snap.sockets.filter(s => s.protocol === 'tcp' && s.state === 'ESTABLISHED' && s.processes.length > 0 && (at(s.localAddress, s.localPort) || at(s.remoteAddress, s.remotePort)));
    assert.equal(est.length, 2);
    const owner = t4!.processes[0];
    assert.equal(owner.ppid, process.ppid);
    assert.equal(fs.realpathSync(owner.cwd), fs.realpathSync(process.cwd()));
    assert.ok(owner.fd >= 0);
    assert.ok(owner.commandLine.includes(path.basename(process.execPath)), owner.commandLine);
  });

  it('reports one socket with three owners for a listener shared with forked workers, name with spaces and unicode intact', async () => {
    const snap = await lsof.collect({ listeningOnly: true });
    // By address too: a listener of ours on ::1 may have drawn the same port number.
    const entries = snap.sockets.filter(s => s.localAddress === '127.0.0.1' && s.localPort === shared.info.port && s.state === 'LISTEN');
    assert.equal(entries.length, 1);
    const pids = entries[0].processes.map(p => p.pid);
    assert.deepEqual(pids, [shared.info.pid, ...shared.info.children].sort((a, b) => a - b));
    const parent = entries[0].processes.find(p => p.pid === shared.info.pid)!;
    if (process.platform === 'linux') {
      // Linux: the title replaces argv (ps args) and the first 15 bytes of comm (lsof's command name).
      assert.equal(parent.commandLine, 'dev server — café');
      assert.equal(parent.name, 'dev server — ');
    } else {
      // macOS keeps the executable's name as the process name; the title shows in ps where libuv could write it.
      assert.ok(parent.name.length > 0 && parent.commandLine.length > 0, JSON.stringify(parent));
    }
    assert.equal(fs.realpathSync(parent.cwd), fs.realpathSync(cwd));
    for (const kid of entries[0].processes.filter(p => p.pid !== shared.info.pid)) { assert.equal(kid.ppid, shared.info.pid); }
  });

  it('filters: listening only, one protocol', async () => {
    const listening = await lsof.collect({ listeningOnly: true });
    assert.ok(listening.sockets.every(s => (s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN')));
    assert.ok(listening.sockets.some(s => s.localPort === portOf(udp4)));
    const udpOnly = await lsof.collect({ protocols: ['udp'] });
    assert.ok(udpOnly.sockets.length > 0 && udpOnly.sockets.every(s => s.protocol === 'udp'));
    const bare = await lsof.collect({ owners: false });
    const t4 = bare.sockets.find(s => s.localPort === portOf(tcp4) && s.state === 'LISTEN');
    assert.deepEqual([t4?.ownerVisible, t4?.processes.length], [false, 0]);
  });

  it('gives a start time that compares equal with itself and processInfo for the pid-reuse check', async () => {
    const snap = await lsof.collect({ listeningOnly: true });
    const owner = snap.sockets.find(s => s.localAddress === '127.0.0.1' && s.localPort === shared.info.port && s.state === 'LISTEN')!.processes.find(p => p.pid === shared.info.pid)!;
    const info = await lsof.processInfo(shared.info.pid);
    assert.ok(info);
    assert.equal(info.startTime, owner.startTime);
    assert.ok(Math.abs(info.startTime - Date.now()) < 10 * 60_000, `start time ${new Date(info.startTime).toISOString()} is not recent`);
    assert.equal(info.commandLine, owner.commandLine);
    assert.equal(await lsof.processInfo(2 ** 22 + 12345), undefined);
  });

  it('drives the careful kill: start time from ps, port check from lsof', async () => {
    const holder = await runHolder<{ port: number; pid: number }>(TCP_LISTENER('127.0.0.1'));
    try {
      const info = await lsof.processInfo(holder.info.pid);
      assert.ok(info);
      // The whole command line (node -e <a few hundred characters>), not ps's 79-column cut.
      assert.ok(info.commandLine.length > 200 && info.commandLine.includes('process.exit(0)'), info.commandLine);
      const stale = await killPortOwners([{ pid: holder.info.pid, startTime: info.startTime - 1000, port: holder.info.port }], { collector: lsof });
      assert.equal(stale[0].status, 'not-same-process');
      const [result] = await killPortOwners([{ pid: holder.info.pid, startTime: info.startTime, port: holder.info.port, protocol: 'tcp' }],
        { collector: lsof, waitMs: 10_000, protectedPids: [process.pid] });
      assert.equal(result.status, 'released', result.message);
      const after = await lsof.collect({ listeningOnly: true });
      assert.ok(!after.sockets.some(s => s.localPort === holder.info.port));
    } finally {
      await holder.stop();
    }
  });

  it('CLI: who PORT --backend lsof gives the owners the /proc back end gives', function () {
    linuxOnly(this);
    const cli = path.join(repoRoot, 'dist/cli.js');
    const who = (backend: string) => {
      const r = spawnSync(process.execPath, [cli, 'who', String(shared.info.port), '--json', '--backend', backend], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as SocketEntry[]).filter(s => s.processes.length > 0).map(s => `${s.protocol} ${s.localAddress}:${s.localPort} ${s.state} ${s.processes.map(p => `${p.pid}/${p.ppid}`).join(',')}`);
    };
    const viaLsof = who('lsof').sort();
    assert.deepEqual(viaLsof, who('procfs').sort());
    const pids = [shared.info.pid, ...shared.info.children].sort((a, b) => a - b);
    assert.ok(viaLsof.includes(`tcp 127.0.0.1:${shared.info.port} LISTEN ${pids.map(p => `${p}/${p === shared.info.pid ? process.pid : shared.info.pid}`).join(',')}`), viaLsof.join('\n'));
    const bad = spawnSync(process.execPath, [cli, 'list', '--backend', 'windows'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 3);
    assert.equal(bad.stderr.trim(), 'port-inspector list: the windows back end is not available on linux');
  });

  it('unprivileged: other users\' sockets are listed as "owner not visible" (from the kernel table), the user\'s own with owner', async function () {
    linuxOnly(this);
    skipUnless(this, process.getuid?.() === 0 && hasCommand('setpriv'), 'needs root and setpriv');
    this.timeout(60_000);
    const { dir, cli } = await cliForNobody('pi-lsof-nobody-');
    const own = await listenerAsNobody(dir);
    try {
      const out = execFileSync('setpriv', [...AS_NOBODY, process.execPath, cli, 'list', '--listening', '--tcp', '--json', '--backend', 'lsof'], { encoding: 'utf8', cwd: dir });
      const rows = JSON.parse(out) as SocketEntry[];
      // lsof cannot inspect root's processes; /proc/net still lists the socket, without owner.
      const rootRow = rows.find(r => r.localAddress === '127.0.0.1' && r.localPort === portOf(tcp4) && r.state === 'LISTEN');
      assert.deepEqual([rootRow?.ownerVisible, rootRow?.processes, rootRow?.user], [false, [], 'root']);
      assert.deepEqual(rows.filter(r => r.localAddress === '127.0.0.1' && r.localPort === shared.info.port && r.state === 'LISTEN').map(r => [r.ownerVisible, r.processes.length]), [[false, 0]]);
      const ownRow = rows.find(r => r.localPort === own.info.port);
      assert.deepEqual(ownRow?.processes.map(p => [p.pid, p.user]), [[own.info.pid, 'nobody']]);
      assert.equal(ownRow?.user, 'nobody');
    } finally {
      await own.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with the /proc back end on (protocol, local, remote, state, pids) of the test\'s own sockets', async function () {
    linuxOnly(this);
    const [a, b] = [await new ProcfsCollector().collect(), await lsof.collect()];
    const fromProc = ours(a, ports);
    const fromLsof = ours(b, ports);
    assert.ok(fromProc.length >= 9, fromProc.join('\n'));
    assert.deepEqual(fromLsof, fromProc);
  });
});

describe('LsofCollector with stand-in lsof/ps commands', function () {
  let dir: string;
  before(function () {
    skipUnless(this, unix, 'stand-in commands are shell scripts', 'other-platform');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-fake-lsof-'));
  });
  after(() => { if (dir) { fs.rmSync(dir, { recursive: true, force: true }); } });

  function script(name: string, body: string): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  }

  it('treats lsof exit code 1 (nothing matched) as an empty snapshot', async () => {
    const snap = await new LsofCollector({ lsofPath: script('lsof-none', 'exit 1'), socketTable: 'none' }).collect();
    assert.deepEqual(snap.sockets, []);
  });

  it('runs lsof with C-locale dates and UTF-8 text, whatever the user\'s locale', async () => {
    const out = path.join(dir, 'env.txt');
    const saved = process.env.LC_ALL;
    process.env.LC_ALL = 'de_DE.ISO-8859-1';
    try {
      await new LsofCollector({ socketTable: 'none', lsofPath: script('lsof-env', `echo "[$LC_ALL] [$LC_TIME] [$LC_CTYPE]" > "${out}"; exit 1`) }).collect();
    } finally {
      if (saved === undefined) { delete process.env.LC_ALL; } else { process.env.LC_ALL = saved; }
    }
    assert.equal(fs.readFileSync(out, 'utf8').trim(), `[] [C] [${process.platform === 'darwin' ? 'UTF-8' : 'C.UTF-8'}]`);
  });

  it('stops a hung lsof and says so in one sentence', async () => {
    const started = Date.now();
    const c = new LsofCollector({ lsofPath: script('lsof-hang', 'exec sleep 30'), timeoutMs: 300 });
    await assert.rejects(c.collect(), (e: Error) => /lsof-hang did not finish within 0\.3 s and was stopped/.test(e.message) && !e.message.includes('\n'));
    assert.ok(Date.now() - started < 10_000);
  });

  it('names a missing lsof, and a failing one with its first stderr line', async () => {
    await assert.rejects(new LsofCollector({ lsofPath: path.join(dir, 'no-such-lsof') }).collect(), /no-such-lsof is not installed or not on PATH/);
    const failing = script('lsof-fail', 'echo "lsof: status error on /proc: Permission denied" >&2\necho more >&2\nexit 2');
    await assert.rejects(new LsofCollector({ lsofPath: failing }).collect(), /lsof-fail failed \(exit 2\): lsof: status error on \/proc: Permission denied$/);
  });

  it('macOS without sudo: sockets lsof cannot attribute come from netstat as "owner not visible", the rest are not doubled', async () => {
    const lsofPath = script('lsof-mac-user', `case "$*" in *cwd*) exit 1;; esac\ncat "${FIXTURES}/macos-user-sockets.F0"`);
    const psPath = script('ps-mac-user', `cat "${FIXTURES}/macos-ps.txt"`);
    const netstatPath = script('netstat-mac', `case "$*" in *udp*) cat "${FIXTURES}/macos-netstat-udp.txt";; *) cat "${FIXTURES}/macos-netstat-tcp.txt";; esac`);
    const snap = await new LsofCollector({ lsofPath, psPath, netstatPath, socketTable: 'netstat' }).collect();
    assert.equal(snap.stats.malformedLines, 0);
    const hidden = snap.sockets.filter(s => !s.ownerVisible).map(s => `${s.protocol} ${s.localAddress}:${s.localPort} ${s.state}`).sort();
    assert.deepEqual(hidden, [
      'tcp 0.0.0.0:22 LISTEN', 'tcp 0.0.0.0:8080 LISTEN', 'tcp 127.0.0.1:52410 TIME_WAIT', 'tcp :::22 LISTEN',
      'udp 0.0.0.0:138 UNCONN', 'udp 0.0.0.0:5353 UNCONN', 'udp :::5353 UNCONN',
    ]);
    // 28 netstat rows = 21 sockets lsof attributed + 7 ownerless.
    assert.equal(snap.sockets.length, 28);
    assert.deepEqual(snap.sockets.filter(s => s.localPort === 3000 && s.state === 'LISTEN').map(s => s.processes.map(p => p.pid)), [[4521]]);
    const listening = await new LsofCollector({ lsofPath, psPath, netstatPath, socketTable: 'netstat' }).collect({ listeningOnly: true, protocols: ['tcp'] });
    assert.deepEqual(listening.sockets.map(s => s.state), new Array(14).fill('LISTEN'));
    // owners: false answers from netstat alone, without lsof.
    const bare = await new LsofCollector({ lsofPath: path.join(dir, 'no-lsof-needed'), netstatPath, socketTable: 'netstat' }).collect({ owners: false });
    assert.equal(bare.sockets.length, 28);
  });

  it('merges macOS lsof output with ps details; a pid gone before ps is left out and counted', async () => {
    // ps answers for every pid but 5120 (the Python server exited in between).
    const lsofPath = script('lsof-mac', `case "$*" in *cwd*) printf 'p4521\\0\\nfcwd\\0n/Users/alice/src/shop\\0\\n'; exit 0;; esac\ncat "${FIXTURES}/macos-sudo-sockets.F0"`);
    const psPath = script('ps-mac', `grep -v '^ 5120 ' "${FIXTURES}/macos-ps.txt"`);
    const snap = await new LsofCollector({ lsofPath, psPath, socketTable: 'none' }).collect();
    assert.equal(snap.stats.malformedLines, 0);
    assert.equal(snap.stats.vanishedProcesses, 1);
    const nginx = snap.sockets.filter(s => s.localPort === 8080);
    assert.equal(nginx.length, 1);
    assert.deepEqual(nginx[0].processes.map(p => [p.pid, p.user, p.commandLine]), [
      [2210, 'root', 'nginx: master process /opt/homebrew/opt/nginx/bin/nginx -g daemon off;'],
      [2211, 'nobody', 'nginx: worker process'],
      [2212, 'nobody', 'nginx: worker process'],
    ]);
    assert.equal(nginx[0].user, 'root');
    assert.equal(nginx[0].uid, 0);
    const vite = snap.sockets.find(s => s.localPort === 3000 && s.state === 'LISTEN')!;
    assert.deepEqual([vite.family, vite.localAddress], [6, '::']);
    assert.equal(vite.processes[0].cwd, '/Users/alice/src/shop');
    assert.equal(vite.processes[0].startTime, new Date(2026, 10, 25, 9, 14, 27).getTime());
    assert.equal(vite.processes[0].ppid, 4519);
    const python = snap.sockets.filter(s => s.localPort === 8000);
    assert.ok(python.length === 2 && python.every(s => s.processes.length === 0 && !s.ownerVisible));
    const chrome = snap.sockets.find(s => s.processes[0]?.pid === 4602 && s.state === 'CLOSE_WAIT');
    assert.equal(chrome?.processes[0].name, 'Google Chrome Helper');
  });
});
