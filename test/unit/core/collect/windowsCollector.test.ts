import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as net from 'node:net';
import type * as dgram from 'node:dgram';
import { WindowsCollector } from '../../../../src/core/collect/windowsCollector';
import { taskkill } from '../../../../src/core/process/windowsKill';
import { killPortOwners } from '../../../../src/core/process/kill';
import { bindUdp, closeServer, listenTcp, portOf, runHolder, TCP_LISTENER } from '../../support/children';
import { repoRoot } from '../../support/paths';
import { skipUnless } from '../../support/skip';

const FIXTURES = path.join(repoRoot, 'test/fixtures');


// Stand-ins are shell scripts named like the Windows programs, so the collector's own code —
// command choice, fallback, code-page detection, decoding, merging — runs on Linux and macOS.
describe('WindowsCollector with stand-in Windows commands', function () {
  let dir: string;
  before(function () {
    skipUnless(this, process.platform !== 'win32', 'stand-ins are shell scripts; on Windows the real commands are tested below', 'other-platform');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-fake-win-'));
  });
  after(() => { if (dir) { fs.rmSync(dir, { recursive: true, force: true }); } });

  function bin(name: string, tools: Record<string, string>): string {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    for (const [exe, body] of Object.entries(tools)) {
      // Every call is logged (one line each, the multi-line script folded), to see which commands ran.
      fs.writeFileSync(path.join(d, exe), `#!/bin/sh\necho "${exe} $*" | tr '\\n' ' ' >> "${d}/calls.log"\necho >> "${d}/calls.log"\n${body}\n`, { mode: 0o755 });
    }
    return d;
  }
  const calls = (d: string) => (fs.existsSync(path.join(d, 'calls.log')) ? fs.readFileSync(path.join(d, 'calls.log'), 'utf8').trim().split('\n').map(l => l.trim()) : []);
  const cat = (rel: string) => `cat "${path.join(FIXTURES, rel)}"`;
  const germanFallback = {
    'cmd.exe': cat('netstat/chcp-german-cp850.txt'),
    'netstat.exe': cat('netstat/german-cp850.txt'),
    'tasklist.exe': cat('tasklist/german-cp850.csv'),
  };

  it('uses one PowerShell call and maps its JSON to the model', async () => {
    const d = bin('ps-ok', { 'powershell.exe': cat('powershell/collect.json') });
    const c = new WindowsCollector({ binDir: d });
    const snap = await c.collect();
    assert.equal(snap.backend, 'windows');
    assert.equal(c.fallbackReason, '');
    assert.deepEqual(calls(d).map(l => l.split(' ')[0]), ['powershell.exe']);
    assert.match(calls(d)[0], /-NoProfile -NonInteractive .*-Command/);
    const vite = snap.sockets.find(s => s.localPort === 3000 && s.state === 'LISTEN')!;
    assert.deepEqual(vite.processes.map(p => [p.pid, p.name, p.ppid, p.startTime]), [[14820, 'node.exe', 14796, 1764053100789]]);
    const timeWait = snap.sockets.find(s => s.state === 'TIME_WAIT')!;
    assert.deepEqual([timeWait.ownerVisible, timeWait.processes.length], [false, 0]);
    const relay = snap.sockets.filter(s => s.localPort === 3001).map(s => `${s.localAddress} ${s.processes[0].name}`);
    assert.deepEqual(relay, ['::1 wslrelay.exe', '127.0.0.1 wslrelay.exe']);
    const listening = await c.collect({ listeningOnly: true, protocols: ['tcp'] });
    assert.ok(listening.sockets.length === 16 && listening.sockets.every(s => s.protocol === 'tcp' && s.state === 'LISTEN'));
    assert.match(calls(d)[1], /Get-NetTCPConnection -State Listen/);
  });

  it('falls back to netstat + tasklist in the console code page when PowerShell fails, and stays there for a while', async () => {
    const d = bin('ps-broken', {
      'powershell.exe': "echo \"Get-NetTCPConnection : The term 'Get-NetTCPConnection' is not recognized\" >&2; exit 1",
      ...germanFallback,
    });
    const c = new WindowsCollector({ binDir: d });
    const snap = await c.collect();
    assert.equal(snap.backend, 'windows (netstat)');
    assert.match(c.fallbackReason, /powershell\.exe failed \(exit 1\): Get-NetTCPConnection : The term/);
    const vite = snap.sockets.filter(s => s.localPort === 3000);
    assert.deepEqual(vite.map(s => [s.state, s.processes[0]?.name, s.processes[0]?.startTime]), [['LISTEN', 'node.exe', 0], ['ESTABLISHED', 'node.exe', 0]]);
    assert.equal(snap.sockets.filter(s => s.state === 'LISTEN').length, 16);
    assert.equal(snap.sockets.find(s => s.localPort === 50123)?.state, 'TIME_WAIT');
    await c.collect();
    // PowerShell is not retried on the second refresh; chcp ran once (cached).
    assert.deepEqual(calls(d).map(l => l.split(' ')[0]), ['powershell.exe', 'cmd.exe', 'netstat.exe', 'tasklist.exe', 'netstat.exe', 'tasklist.exe']);
    assert.match(calls(d)[1], /^cmd\.exe \/d \/c chcp$/);
  });

  it('falls back when PowerShell hangs, after its timeout', async () => {
    const d = bin('ps-hang', { 'powershell.exe': 'exec sleep 30', ...germanFallback });
    const c = new WindowsCollector({ binDir: d, powershellTimeoutMs: 300 });
    const snap = await c.collect();
    assert.equal(snap.backend, 'windows (netstat)');
    assert.match(c.fallbackReason, /did not finish within 0\.3 s/);
  });

  it('in powershell-only mode reports the failure instead of falling back', async () => {
    const d = bin('ps-only', { 'powershell.exe': 'echo garbage' });
    await assert.rejects(new WindowsCollector({ binDir: d, mode: 'powershell' }).collect(), /PowerShell output is not JSON/);
  });

  it('reads the OEM code page from the registry when chcp gives none (Japanese, Shift-JIS)', async () => {
    const d = bin('ja', {
      'cmd.exe': 'exit 1',
      'reg.exe': "printf '\\r\\nHKEY_LOCAL_MACHINE\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Nls\\\\CodePage\\r\\n    OEMCP    REG_SZ    932\\r\\n\\r\\n'",
      'netstat.exe': cat('netstat/japanese-cp932.txt'),
      'tasklist.exe': cat('tasklist/japanese-cp932.csv'),
    });
    const c = new WindowsCollector({ binDir: d, mode: 'netstat' });
    const snap = await c.collect();
    assert.equal(snap.sockets.filter(s => s.state === 'LISTEN').length, 16);
    assert.ok(calls(d).some(l => /^reg\.exe query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage \/v OEMCP$/.test(l)), calls(d).join('\n'));
    const info = await c.processInfo(15020);
    assert.equal(info?.name, 'テスト用サーバー.exe');
    assert.match(calls(d).at(-1) ?? '', /^tasklist\.exe \/fo csv \/nh \/fi PID eq 15020$/);
  });

  it('asks PowerShell for one process with the pid in the environment, never in the script', async () => {
    const d = bin('ps-info', {
      'powershell.exe': 'printf \'{"tcp":[],"udp":[],"processes":[{"ProcessId":%s,"ParentProcessId":1,"Name":"node.exe","CommandLine":"node x.js","CreationDate":1764053100789}]}\' "$PORT_INSPECTOR_PID"',
    });
    const c = new WindowsCollector({ binDir: d });
    const info = await c.processInfo(4242);
    assert.deepEqual(info, { pid: 4242, ppid: 1, name: 'node.exe', commandLine: 'node x.js', cwd: '', user: '', startTime: 1764053100789 });
    assert.doesNotMatch(calls(d)[0], /4242/);
    assert.equal(await c.processInfo(-1), undefined);
  });

  it('taskkill: exit codes decide the outcome (its messages are localised)', async () => {
    const d = bin('taskkill', { 'taskkill.exe': 'exit "$TASKKILL_EXIT"' });
    const exe = path.join(d, 'taskkill.exe');
    const run = async (code: number, force: boolean) => {
      process.env.TASKKILL_EXIT = String(code);
      try { return await taskkill(4242, force, exe); } finally { delete process.env.TASKKILL_EXIT; }
    };
    assert.equal(await run(0, false), 'sent');
    assert.equal(await run(128, true), 'gone');
    assert.equal(await run(1, false), 'sent');
    assert.equal(await run(1, true), 'permission-denied');
    assert.deepEqual(calls(d), ['taskkill.exe /PID 4242 /T', 'taskkill.exe /PID 4242 /T /F', 'taskkill.exe /PID 4242 /T', 'taskkill.exe /PID 4242 /T /F']);
    await assert.rejects(taskkill(0, true, exe), /invalid pid/);
  });
});

// On a Windows machine (the CI's windows runner): the real PowerShell, netstat and taskkill.
describe('WindowsCollector on live Windows sockets', function () {
  let tcp: net.Server, udp: dgram.Socket;
  before(async function () {
    skipUnless(this, process.platform === 'win32', 'needs Windows (PowerShell, netstat, taskkill)', 'other-platform');
    tcp = await listenTcp('127.0.0.1');
    udp = await bindUdp('udp4', '127.0.0.1');
  });
  after(async () => {
    if (tcp) { await closeServer(tcp); }
    if (udp) { udp.close(); }
  });

  for (const mode of ['powershell', 'netstat'] as const) {
    it(`${mode}: finds this process's TCP listener and UDP socket with its pid`, async function () {
      this.timeout(120_000);
      const c = new WindowsCollector({ mode });
      const snap = await c.collect();
      const t = snap.sockets.filter(s => s.protocol === 'tcp' && s.localPort === portOf(tcp) && s.state === 'LISTEN');
      assert.deepEqual(t.map(s => [s.localAddress, s.processes.map(p => p.pid)]), [['127.0.0.1', [process.pid]]]);
      assert.match(t[0].processes[0].name, /^node(\.exe)?$/i);
      const u = snap.sockets.filter(s => s.protocol === 'udp' && s.localPort === portOf(udp));
      assert.deepEqual(u.map(s => [s.state, s.processes.map(p => p.pid)]), [['UNCONN', [process.pid]]]);
      if (mode === 'powershell') {
        const info = await c.processInfo(process.pid);
        assert.equal(info?.startTime, t[0].processes[0].startTime);
        assert.ok(Math.abs((info?.startTime ?? 0) - (Date.now() - process.uptime() * 1000)) < 60_000);
      }
    });
  }

  it('kills a listener child through taskkill after the start-time check', async function () {
    this.timeout(120_000);
    const holder = await runHolder<{ port: number; pid: number }>(TCP_LISTENER('127.0.0.1'));
    try {
      const collector = new WindowsCollector();
      const info = await collector.processInfo(holder.info.pid);
      assert.ok(info);
      const [result] = await killPortOwners([{ pid: holder.info.pid, startTime: info.startTime, port: holder.info.port, protocol: 'tcp' }],
        { collector, force: true, waitMs: 20_000, protectedPids: [process.pid] });
      assert.equal(result.status, 'released', result.message);
    } finally {
      await holder.stop();
    }
  });
});
