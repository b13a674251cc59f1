// Collector.probePorts(): the status bar's check of watched ports, answered by every back end
// from the same engine (on Linux from the procfs collector's own fd-owner index, in the worker).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import { spawnSync } from 'node:child_process';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { LsofCollector } from '../../../../src/core/collect/lsofCollector';
import { WindowsCollector } from '../../../../src/core/collect/windowsCollector';
import { WorkerCollector } from '../../../../src/extension/shared/collector/workerCollector';
import { bindUdp, closeServer, listenTcp, portOf, runHolder, SHARED_LISTENER, type Holder } from '../../support/children';
import { outRoot } from '../../support/paths';
import { skipUnless, linuxOnly } from '../../support/skip';

// the worker as transpiled 1:1 by esbuild --tests
const WORKER = path.join(outRoot, 'src/extension/shared/collector/worker.js');
const FIXTURES = path.resolve(__dirname, '../../../../../test/fixtures');

/** A port nothing listens on right now (bound and released by us). */
async function freePort(): Promise<number> {
  const s = await listenTcp('127.0.0.1');
  const p = portOf(s);
  await closeServer(s);
  return p;
}

const LISTENER = (port: number) => `const s = require('net').createServer().listen(${port}, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));`;

describe('ProcfsCollector.probePorts on live sockets', function () {
  before(function () { linuxOnly(this); });

  it('reports a port held by a child (IPv4 and IPv6 sockets, one holder with its command line and cwd) and a free port', async () => {
    const holder: Holder<{ port: number }> = await runHolder(`
      const net = require('net');
      const a = net.createServer().listen(0, '127.0.0.1', () => {
        const port = a.address().port;
        net.createServer().listen(port, '::1', () => console.log(JSON.stringify({ port })));
      }); // devports-check-marker`, os.tmpdir());
    const free = await freePort();
    try {
      const collector = new ProcfsCollector();
      const [taken, idle] = await collector.probePorts([{ port: holder.info.port, protocol: 'tcp' }, { port: free, protocol: 'tcp' }]);
      assert.equal(taken.port, holder.info.port);
      assert.deepEqual(taken.sockets.map(s => `${s.family}:${s.address}`).sort(), ['4:127.0.0.1', '6:::1']);
      assert.deepEqual(taken.holders.map(h => h.pid), [holder.child.pid]);
      assert.match(taken.holders[0].commandLine, /devports-check-marker/);
      assert.equal(taken.holders[0].cwd, os.tmpdir());
      assert.equal(taken.holderHidden, false);
      assert.deepEqual({ sockets: idle.sockets, holders: idle.holders }, { sockets: [], holders: [] });
      assert.equal(collector.probeStats.tablesRead, 2, 'only the TCP tables are read when only TCP is watched');
      assert.equal(collector.probeStats.fullWalks, 1);

      // Second check: owners come from the index (one readlink per owner), no walk of every process.
      const again = await collector.probePorts([{ port: holder.info.port, protocol: 'tcp' }]);
      assert.deepEqual(again[0].holders.map(h => h.pid), [holder.child.pid]);
      assert.equal(collector.probeStats.fullWalks, 1);

      await holder.stop();
      const after = await collector.probePorts([{ port: holder.info.port, protocol: 'tcp' }]);
      assert.deepEqual(after[0].sockets, []);
      assert.deepEqual(after[0].holders, []);
    } finally {
      await holder.stop();
    }
  });

  it('finds every process sharing one listening socket (no stop at the first owner)', async () => {
    // A pre-fork server: the parent and two children hold one listening socket.
    const holder: Holder<{ port: number; pid: number; children: number[] }> = await runHolder(SHARED_LISTENER(2));
    try {
      const [r] = await new ProcfsCollector().probePorts([{ port: holder.info.port, protocol: 'tcp' }]);
      assert.equal(r.sockets.length, 1);
      assert.deepEqual(r.holders.map(h => h.pid), [holder.child.pid!, ...holder.info.children].sort((a, b) => a - b));
    } finally {
      // SIGTERM lets the parent take its children down; then make sure (they are this test's processes).
      const exited = new Promise(r => holder.child.once('exit', r));
      holder.child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 2000))]);
      await holder.stop();
      for (const kid of holder.info.children) { try { process.kill(kid, 'SIGKILL'); } catch { /* already gone */ } }
    }
  });

  it('a replaced owner is noticed: the cached owner no longer holds the socket, so it walks again', async () => {
    const first: Holder<{ port: number }> = await runHolder(LISTENER(0));
    const collector = new ProcfsCollector();
    const port = first.info.port;
    try {
      assert.deepEqual((await collector.probePorts([{ port, protocol: 'tcp' }]))[0].holders.map(h => h.pid), [first.child.pid]);
    } finally {
      await first.stop();
    }
    const second: Holder<{ port: number }> = await runHolder(LISTENER(port));
    try {
      const [r] = await collector.probePorts([{ port, protocol: 'tcp' }]);
      assert.deepEqual(r.holders.map(h => h.pid), [second.child.pid]);
      assert.equal(collector.probeStats.fullWalks, 2);
    } finally {
      await second.stop();
    }
  });

  it('UDP: a bound socket of this process; the UDP tables are read only when UDP is watched', async () => {
    const sock = await bindUdp('udp4', '127.0.0.1');
    try {
      const collector = new ProcfsCollector();
      const [r] = await collector.probePorts([{ port: portOf(sock), protocol: 'udp' }]);
      assert.deepEqual(r.holders.map(h => h.pid), [process.pid]);
      assert.equal(collector.probeStats.tablesRead, 2);
      // The same port number over TCP is free: protocols are not mixed up.
      const [t] = await collector.probePorts([{ port: portOf(sock), protocol: 'tcp' }]);
      assert.deepEqual(t.sockets, []);
    } finally {
      sock.close();
    }
  });

  it('an established connection on a watched port number is not "taken" (only listeners are)', async () => {
    const server: net.Server = await listenTcp('127.0.0.1');
    const holder: Holder<{ local: number }> = await runHolder(`
      const c = require('net').connect(${portOf(server)}, '127.0.0.1', () => console.log(JSON.stringify({ local: c.localPort })));`);
    try {
      const [r] = await new ProcfsCollector().probePorts([{ port: holder.info.local, protocol: 'tcp' }]);
      assert.deepEqual(r.sockets, []);
    } finally {
      await holder.stop();
      await closeServer(server);
    }
  });

  it('idle (every watched port free): reads the tables and walks no process at all', async () => {
    const collector = new ProcfsCollector();
    const ports = [await freePort(), await freePort()];
    for (let i = 0; i < 3; i++) {
      const results = await collector.probePorts(ports.map(port => ({ port, protocol: 'tcp' as const })));
      assert.deepEqual(results.map(r => [r.port, r.sockets.length, r.holders.length]), ports.map(p => [p, 0, 0]));
    }
    assert.deepEqual(collector.probeStats, { tablesRead: 6, fullWalks: 0, processesWalked: 0 });
  });

  it('shares the view\'s owner index: after a collection, a probe of a taken port walks no process', async () => {
    const holder: Holder<{ port: number }> = await runHolder(LISTENER(0));
    try {
      const collector = new ProcfsCollector();
      const snap = await collector.collect({ listeningOnly: true });
      assert.deepEqual(snap.sockets.filter(s => s.localPort === holder.info.port).flatMap(s => s.processes.map(p => p.pid)), [holder.child.pid]);
      const [r] = await collector.probePorts([{ port: holder.info.port, protocol: 'tcp' }]);
      assert.deepEqual(r.holders.map(h => h.pid), [holder.child.pid]);
      assert.equal(r.holders[0].startTime, snap.sockets.find(s => s.localPort === holder.info.port)!.processes[0].startTime);
      assert.equal(collector.probeStats.fullWalks, 0, 'the index already knew the socket');
    } finally {
      await holder.stop();
    }
  });

  it('a forked child that starts sharing a known socket is found without a full walk', async () => {
    const holder: Holder<{ port: number }> = await runHolder(`
      const net = require('net'), cp = require('child_process');
      const server = net.createServer().listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
      process.on('SIGUSR2', () => {
        const kid = cp.spawn(process.execPath, ['-e', "process.on('message', (m, s) => { global.keep = s; process.send('ok'); })"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        kid.on('message', () => console.log(JSON.stringify({ kid: kid.pid })));
        kid.send('server', server);
        process.on('SIGTERM', () => { kid.kill('SIGKILL'); process.exit(0); });
      });`);
    let kid: number | undefined;
    try {
      const collector = new ProcfsCollector();
      const spec = [{ port: holder.info.port, protocol: 'tcp' as const }];
      assert.deepEqual((await collector.probePorts(spec))[0].holders.map(h => h.pid), [holder.child.pid]);
      const walks = collector.probeStats.fullWalks;
      kid = await new Promise<number>(resolve => {
        holder.child.stdout!.on('data', d => { const m = /"kid":(\d+)/.exec(String(d)); if (m) { resolve(Number(m[1])); } });
        holder.child.kill('SIGUSR2');
      });
      const [r] = await collector.probePorts(spec);
      assert.deepEqual(r.holders.map(h => h.pid), [holder.child.pid!, kid].sort((a, b) => a - b));
      assert.equal(collector.probeStats.fullWalks, walks);
    } finally {
      await holder.stop();
      if (kid) { try { process.kill(kid, 'SIGKILL'); } catch { /* gone with its parent */ } }
    }
  });
});

describe('WorkerCollector.probePorts', function () {
  before(function () { linuxOnly(this); });

  it('is answered in the worker thread, with the same holder as the in-thread collector', async () => {
    const server = await listenTcp('127.0.0.1');
    const c = new WorkerCollector({ scriptPath: WORKER, onFallback: r => assert.fail(`fell back: ${r}`) });
    try {
      const free = await freePort();
      const specs = [{ port: portOf(server), protocol: 'tcp' as const }, { port: free, protocol: 'tcp' as const }];
      const viaWorker = await c.probePorts(specs);
      assert.equal(c.starts, 1, 'the worker answered');
      const direct = await new ProcfsCollector().probePorts(specs);
      assert.deepEqual(viaWorker, direct);
      assert.deepEqual(viaWorker.map(r => [r.port, r.holders.map(h => h.pid), r.holderHidden]), [[portOf(server), [process.pid], false], [free, [], false]]);
    } finally {
      c.dispose();
      await closeServer(server);
    }
  });
});

describe('LsofCollector.probePorts', function () {
  before(function () {
    skipUnless(this, process.platform !== 'win32', 'lsof back end: Unix only', 'other-platform');
    skipUnless(this, !spawnSync('lsof', ['-v'], { stdio: 'ignore' }).error, 'lsof is not installed');
  });

  it('finds the holder of a taken port, and runs no lsof while every watched port is free', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-lsof-probe-'));
    const log = path.join(dir, 'calls.log');
    const real = spawnSync('sh', ['-c', 'command -v lsof'], { encoding: 'utf8' }).stdout.trim();
    const lsofPath = path.join(dir, 'lsof');
    fs.writeFileSync(lsofPath, `#!/bin/sh\necho "$*" >> "${log}"\nexec "${real}" "$@"\n`, { mode: 0o755 });
    const server = await listenTcp('127.0.0.1');
    try {
      const lsof = new LsofCollector({ lsofPath });
      const free = await freePort();
      const idle = await lsof.probePorts([{ port: free, protocol: 'tcp' }]);
      assert.deepEqual(idle.map(r => [r.port, r.sockets.length]), [[free, 0]]);
      assert.equal(fs.existsSync(log), false, 'the kernel table answered alone');
      const [taken] = await lsof.probePorts([{ port: portOf(server), protocol: 'tcp' }]);
      assert.deepEqual(taken.holders.map(h => h.pid), [process.pid]);
      assert.equal(taken.holderHidden, false);
      const calls = fs.readFileSync(log, 'utf8');
      assert.match(calls, new RegExp(`-iTCP:${portOf(server)}(\\s|$)`), 'lsof is asked for the taken port only');
    } finally {
      await closeServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WindowsCollector.probePorts with stand-in Windows commands', function () {
  let dir: string;
  before(function () {
    skipUnless(this, process.platform !== 'win32', 'stand-in Windows commands are shell scripts', 'other-platform');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-win-probe-'));
    fs.writeFileSync(path.join(dir, 'powershell.exe'), `#!/bin/sh\necho "$*" | tr '\\n' ' ' >> "${dir}/calls.log"\necho >> "${dir}/calls.log"\ncat "${path.join(FIXTURES, 'powershell/collect.json')}"\n`, { mode: 0o755 });
  });
  after(() => { if (dir) { fs.rmSync(dir, { recursive: true, force: true }); } });
  const calls = () => (fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);

  it('asks for processes only when a watched port is taken', async () => {
    const c = new WindowsCollector({ binDir: dir });
    const free = await c.probePorts([{ port: 4999, protocol: 'tcp' }]);
    assert.deepEqual(free.map(r => [r.port, r.sockets.length, r.holderHidden]), [[4999, 0, false]]);
    assert.equal(calls().length, 1);
    assert.doesNotMatch(calls()[0], /Win32_Process/, 'no process query while every port is free');
    const [vite, dns] = await c.probePorts([{ port: 3000, protocol: 'tcp' }, { port: 5353, protocol: 'udp' }]);
    assert.deepEqual(vite.holders.map(h => [h.pid, h.name]), [[14820, 'node.exe']]);
    assert.deepEqual(vite.sockets.map(s => s.address), ['127.0.0.1'], 'the established connection on port 3000 is not a listener');
    assert.deepEqual(dns.holders.map(h => [h.pid, h.name]), [[7312, 'msedge.exe']]);
    assert.deepEqual(dns.sockets.map(s => s.address).sort(), ['0.0.0.0', '::']);
    assert.equal(calls().length, 3);
    assert.match(calls()[2], /Win32_Process/);
  });
});
