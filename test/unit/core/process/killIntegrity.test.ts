// What kill by port must never do: signal a client whose connection merely leaves from that port
// number, signal a pid that was reused between two signals, trust pids read from another pid
// namespace's /proc, call a port released while a socket without a visible owner still holds it.
// Every process signalled here is one this test started.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { killPortOwner } from '../../../../src/core/process/kill';
import { pidNamespaceMismatch } from '../../../../src/core/process/pidNamespace';
import { listenersOnPort, socketsOnPort } from '../../../../src/core/socketQueries';
import { runHolder, stopChild, TCP_CLIENT, TCP_LISTENER, type Holder } from '../../support/children';
import { AS_NOBODY, cliForNobody } from '../../support/nobody';
import { outRoot, repoRoot } from '../../support/paths';
import { linuxOnly, skipUnless } from '../../support/skip';
import { hasCommand } from '../../support/ss';

const cli = path.join(repoRoot, 'dist/cli.js');
const isRoot = process.getuid?.() === 0;
const alive = (h: Holder<unknown>) => h.child.exitCode === null && h.child.signalCode === null;

describe('kill integrity', function () {
  this.timeout(60000);
  before(function () { linuxOnly(this); });
  const collector = new ProcfsCollector();
  const holders: Holder<unknown>[] = [];
  after(async () => { for (const h of holders) { await h.stop(); } });

  async function startTimeOf(pid: number): Promise<number> {
    const info = await collector.processInfo(pid);
    assert.ok(info, `process ${pid} exists`);
    return info.startTime;
  }

  async function serverAndClient() {
    const server = await runHolder<{ port: number; pid: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(server);
    const client = await runHolder<{ localPort: number; pid: number }>(TCP_CLIENT(server.info.port));
    holders.push(client);
    return { server, client, ephemeral: client.info.localPort };
  }

  it('kill by port never signals a client whose only socket is an outbound connection from that port (engine)', async () => {
    const { server, client, ephemeral } = await serverAndClient();
    const snap = await collector.collect({ protocols: ['tcp'], fullWalk: true });
    assert.ok(socketsOnPort(snap.sockets, ephemeral).some(s => s.state === 'ESTABLISHED' && s.processes.some(p => p.pid === client.pid)), 'who still shows the connection');
    assert.deepEqual(listenersOnPort(snap.sockets, ephemeral), []);
    const result = await killPortOwner({ pid: client.pid, startTime: await startTimeOf(client.pid), port: ephemeral }, { collector, waitMs: 1000 });
    assert.equal(result.status, 'no-longer-holds-port', result.message);
    assert.equal(result.signal, undefined);
    assert.ok(alive(client) && alive(server), 'nobody was signalled');
  });

  it('`kill N --yes` with N a client\'s ephemeral port kills nothing and says so (CLI)', async () => {
    const { server, client, ephemeral } = await serverAndClient();
    const r = spawnSync(process.execPath, [cli, 'kill', String(ephemeral), '--yes', '--timeout', '1000'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Nothing listens on port ${ephemeral}; 1 connection\\(s\\) from that local port belong to clients and are not killed\\.\\n$`));
    assert.ok(alive(client) && alive(server), 'nobody was signalled');
  });

  it('PID 1 and this process are protected by the kill itself, without the caller passing them', async () => {
    // Their real start times: only the built-in set can stop these requests.
    for (const pid of [1, process.pid]) {
      const result = await killPortOwner({ pid, startTime: await startTimeOf(pid), port: 1 }, { collector, waitMs: 100 });
      assert.equal(result.status, 'protected', `pid ${pid}: ${result.message}`);
    }
  });

  it('refuses to signal when /proc belongs to another pid namespace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-procself-'));
    try {
      fs.symlinkSync(String(process.pid + 1), path.join(dir, 'self'));
      assert.match(pidNamespaceMismatch(dir) ?? '', new RegExp(`^Refusing to signal anything: .*\\(this process is pid ${process.pid} here but ${process.pid + 1} in `));
      fs.rmSync(path.join(dir, 'self'));
      fs.symlinkSync(String(process.pid), path.join(dir, 'self'));
      assert.equal(pidNamespaceMismatch(dir), undefined);
      assert.equal(pidNamespaceMismatch(), undefined, 'this test runs with its own /proc');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('under `unshare -pf` without a /proc of its own, kill refuses in one sentence and the holder lives', async function () {
    skipUnless(this, isRoot && hasCommand('unshare'), 'needs root and unshare (util-linux)');
    const h = await runHolder<{ port: number; pid: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const r = spawnSync('unshare', ['--pid', '--fork', process.execPath, cli, 'kill', String(h.info.port), '--yes', '--timeout', '1000'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^Refusing to signal anything: \/proc belongs to another pid namespace \(this process is pid 1 here but \d+ in \/proc\)/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(alive(h), 'the holder was not signalled');
    assert.ok((await collector.collect({ protocols: ['tcp'], listeningOnly: true, fullWalk: true })).sockets.some(s => s.localPort === h.info.port && s.processes.some(p => p.pid === h.pid)));
  });

  it('re-checks the start time before SIGKILL: a pid reused during the wait is not signalled', async function () {
    skipUnless(this, isRoot && hasCommand('unshare'), 'needs root and unshare (util-linux) for a pid namespace whose next pid the test sets');
    // In a pid namespace of its own (with its /proc), pid 1 starts a listener that ignores SIGTERM and
    // kills it with force; during the wait it ends that process and starts another with the same pid
    // (ns_last_pid) holding the same listening socket. The SIGKILL must not reach the newcomer.
    const script = `
      const out = ${JSON.stringify(path.join(outRoot, 'src'))};
      const { killPortOwner } = require(out + '/core/process/kill.js');
      const { ProcfsCollector } = require(out + '/core/collect/procfsCollector.js');
      const net = require('net'), cp = require('child_process'), fs = require('fs');
      const kid = "process.on('SIGTERM', () => {}); process.on('disconnect', () => {}); process.on('message', (m, h) => { if (h) { global.keep = h; } process.send('ok'); });";
      const server = net.createServer();
      const start = () => new Promise(res => { const c = cp.spawn(process.execPath, ['-e', kid], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }); c.once('message', () => res(c)); c.send('server', server); });
      server.listen(0, '127.0.0.1', async () => {
        const port = server.address().port;
        const real = new ProcfsCollector();
        const first = await start();
        const info = await real.processInfo(first.pid);
        let impostor, armed = false, swap;
        const swapped = new Promise(res => { swap = res; });
        // After the first poll that follows SIGTERM (the listed process still holds the port), that
        // process ends and the newcomer takes its pid; the next poll comes pollMs later.
        const swapNow = () => {
          first.once('exit', async () => {
            fs.writeFileSync('/proc/sys/kernel/ns_last_pid', String(first.pid - 1));
            impostor = await start();
            swap();
          });
          first.kill('SIGKILL');
        };
        const collector = {
          name: real.name,
          processInfo: pid => real.processInfo(pid),
          collect: async o => { const snap = await real.collect(o); if (armed) { armed = false; swapNow(); } return snap; },
        };
        const result = await killPortOwner({ pid: first.pid, startTime: info.startTime, port }, {
          collector, force: true, waitMs: 4000, pollMs: 4000,
          onWaiting: (pid, signal) => { if (signal === 'SIGTERM') { armed = true; } },
        });
        await swapped;
        // Alive = it answers; a signalled one exits instead (its exit may not be seen yet).
        const impostorAlive = await new Promise(res => { impostor.once('message', () => res(true)); impostor.once('exit', () => res(false)); impostor.once('error', () => res(false)); impostor.send('ping'); });
        console.log(JSON.stringify({ samePid: impostor.pid === first.pid, status: result.status, signal: result.signal ?? null, impostorAlive }));
        process.exit(0);
      });`;
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '-e', script], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as { samePid: boolean; status: string; signal: string | null; impostorAlive: boolean };
    assert.equal(got.samePid, true, 'the newcomer got the listed pid');
    assert.deepEqual(got, { samePid: true, status: 'not-same-process', signal: 'SIGTERM', impostorAlive: true });
  });

  it('a listener that stays with no visible owner after its visible owner exits is still held, never "released"', async function () {
    skipUnless(this, isRoot && hasCommand('setpriv'), 'needs root and setpriv (to run the kill as nobody)');
    // root listens and shares the socket with a child running as nobody; nobody's kill sees only
    // the child. When the child exits, the socket lives on in root's process: not released.
    const { dir, cli: nobodyCli } = await cliForNobody('pi-kill-hidden-');
    const kid = "process.on('disconnect', () => {}); process.on('message', (m, h) => { global.keep = h; process.send('ok'); });";
    const code = `
      const s = require('net').createServer();
      s.listen(0, '127.0.0.1', () => {
        const c = require('child_process').spawn('setpriv', [${AS_NOBODY.map(a => JSON.stringify(a)).join(', ')}, process.execPath, '-e', ${JSON.stringify(kid)}], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        c.once('message', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid, kid: c.pid })));
        c.send('server', s);
      });
      setInterval(() => {}, 1 << 30);`;
    const root = await runHolder<{ port: number; pid: number; kid: number }>(code, dir);
    holders.push(root);
    try {
      const r = await new Promise<{ code: number | null; out: string; err: string }>(resolve => {
        const c = spawn('setpriv', [...AS_NOBODY, process.execPath, nobodyCli, 'kill', String(root.info.port), '--yes', '--timeout', '1000'], { cwd: dir });
        let out = '', err = '';
        c.stdout.on('data', d => { out += d; });
        c.stderr.on('data', d => { err += d; });
        c.once('exit', code => resolve({ code, out, err }));
      });
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, new RegExp(`Sent SIGTERM to ${root.info.kid}`), 'the visible owner was signalled');
      assert.doesNotMatch(r.out, /released/);
      assert.match(r.out, new RegExp(`\\(pid ${root.info.kid}\\) is gone, but port ${root.info.port} is still held`));
      assert.ok(alive(root), 'root\'s process keeps the port');
    } finally {
      await stopChild(root.child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
