// Bound interface and IPv6-only against `ss -tulnpe`, in a network namespace built like a desktop:
// a veth interface with a LAN address (198.18.9.1) and a link-local one, sockets bound to it with
// SO_BINDTODEVICE (a python3 child: Node cannot set that option), IPv6-only and dual-stack
// wildcards (Node's ipv6Only), one port held on 127.0.0.1, ::1 and 127.0.1.1 by three processes,
// and an nftables REJECT in front of a bound listener. Scans of 127.0.0.1, ::1 and the LAN address
// run inside that namespace only. Needs root.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { netnsUnavailable, cliPath } from '../scan/support/netns';
import { skipUnless } from '../../support/skip';
import { unixTool } from '../../../../src/core/platform/systemTools';

const NS = `pi-sock-${process.pid}`;
const LAN = 'lan0';
const LAN_V4 = '198.18.9.1';
const LINK_LOCAL = 'fe80::5ca:1';

function inNs(cmd: string, args: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'pipe'] });
}

const PY = `
import socket, sys, time
S = []
def mk(fam, typ, addr, dev=None):
    s = socket.socket(fam, typ)
    if dev: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    s.bind(addr)
    if typ == socket.SOCK_STREAM: s.listen()
    S.append(s)
mk(socket.AF_INET, socket.SOCK_DGRAM, ('0.0.0.0', 37000), '${LAN}')
mk(socket.AF_INET, socket.SOCK_STREAM, ('0.0.0.0', 37001), '${LAN}')
mk(socket.AF_INET6, socket.SOCK_DGRAM, ('${LINK_LOCAL}', 37002, 0, socket.if_nametoindex('${LAN}')))
print('ready', flush=True)
time.sleep(600)
`;

const node = (body: string) => `const net = require('net'), dgram = require('dgram');
const listen = o => new Promise(r => net.createServer(c => c.on('error', () => {})).listen(o, r));
(async () => { ${body}; console.log('ready'); })(); setInterval(() => {}, 1e6);`;

describe('socket attributes from ss in a namespace (root)', function () {
  this.timeout(120_000);
  const why = netnsUnavailable();
  const children: ChildProcess[] = [];
  const pids: Record<string, number> = {};

  async function start(name: string, cmd: string, args: string[]): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', NS, cmd, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', c => reject(new Error(`${name} exited (${c})`)));
      child.stdout!.once('data', () => resolve());
    });
    pids[name] = child.pid!;
  }

  before(async function () {
    skipUnless(this, !why, `namespace tests: ${why}`);
    skipUnless(this, unixTool('ss'), 'iproute2 ss is not installed');
    try { execFileSync('python3', ['-c', '0']); } catch { skipUnless(this, false, 'python3 is not installed (it sets SO_BINDTODEVICE)'); }
    execFileSync('ip', ['netns', 'add', NS]);
    const ip = (...a: string[]) => execFileSync('ip', ['-n', NS, ...a]);
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', LAN, 'type', 'veth', 'peer', 'name', 'lan1');
    ip('addr', 'add', `${LAN_V4}/24`, 'dev', LAN);
    ip('-6', 'addr', 'add', `${LINK_LOCAL}/64`, 'dev', LAN, 'nodad');
    ip('link', 'set', LAN, 'up');
    ip('link', 'set', 'lan1', 'up');
    inNs('nft', ['-f', '-'], 'table inet pisock {\n chain input {\n  type filter hook input priority 0;\n  tcp dport 37205 reject with tcp reset\n }\n}\n');
    await start('python3', 'python3', ['-c', PY]);
    await start('v4', process.execPath, ['-e', node(`await listen({ host: '127.0.0.1', port: 37100 })`)]);
    await start('v6', process.execPath, ['-e', node(`await listen({ host: '::1', port: 37100 })`)]);
    await start('dns', process.execPath, ['-e', node(`await listen({ host: '127.0.1.1', port: 37100 })`)]);
    await start('wild', process.execPath, ['-e', node(`
      await listen({ host: '::', port: 37200, ipv6Only: true }); await listen({ host: '::', port: 37201, ipv6Only: false });
      await new Promise(r => dgram.createSocket({ type: 'udp6', ipv6Only: true }).bind(37202, '::', r));
      await listen({ host: '0.0.0.0', port: 37203 }); await listen({ host: '${LAN_V4}', port: 37204 }); await listen({ host: '0.0.0.0', port: 37205 })`)]);
  });

  after(() => {
    for (const c of children) { c.kill('SIGKILL'); }
    if (!why) { try { execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' }); } catch { /* not made */ } }
  });

  /** What ss -tulnpe says, read here independently of the engine's parser: inode → facts. */
  function ssFacts(): Map<number, { boundDevice: string; ipv6Only: boolean | null; pids: number[] }> {
    const out = new Map<number, { boundDevice: string; ipv6Only: boolean | null; pids: number[] }>();
    for (const row of inNs('ss', ['-tulnpeH']).split('\n')) {
      const ino = /\bino:(\d+)/.exec(row);
      if (!ino) { continue; }
      const local = row.trim().split(/\s+/)[4];
      const dev = /%([^:\]]+):\d+$/.exec(local);
      const v6 = /\bv6only:(\d)/.exec(row);
      out.set(Number(ino[1]), { boundDevice: dev ? dev[1] : '', ipv6Only: v6 ? v6[1] === '1' : null, pids: [...row.matchAll(/pid=(\d+)/g)].map(m => Number(m[1])) });
    }
    return out;
  }

  it('boundDevice and ipv6Only equal what ss -tulnpe reports, for every socket; a warm refresh runs no ss; a rename gives the new name; without ss they are null', () => {
    const r = JSON.parse(inNs(process.execPath, [path.join(__dirname, 'support', 'attributesInNamespace.js'), LAN, 'lan9'])) as {
      first: { inode: number; protocol: string; localAddress: string; localPort: number; boundDevice: string | null; ipv6Only: boolean | null }[];
      warmSame: boolean; runsWarm: number; renamed: { inode: number; boundDevice: string | null }[]; withoutSs: { boundDevice: string | null; ipv6Only: boolean | null }[];
    };
    const ss = ssFacts();
    assert.equal(r.first.length, ss.size);
    for (const s of r.first) {
      const want = ss.get(s.inode);
      assert.ok(want, `socket ${s.inode} not in ss`);
      assert.deepEqual({ boundDevice: s.boundDevice, ipv6Only: s.ipv6Only }, { boundDevice: want.boundDevice, ipv6Only: want.ipv6Only }, `${s.protocol} ${s.localAddress}:${s.localPort}`);
    }
    const by = (port: number, protocol = 'tcp') => r.first.find(s => s.localPort === port && s.protocol === protocol)!;
    assert.deepEqual([by(37000, 'udp').boundDevice, by(37001).boundDevice, by(37002, 'udp').boundDevice], [LAN, LAN, LAN]);
    assert.deepEqual([by(37200).ipv6Only, by(37201).ipv6Only, by(37202, 'udp').ipv6Only, by(37203).ipv6Only], [true, false, true, null]);
    assert.equal(r.runsWarm, 1, 'the second collection found no new listener and ran no ss');
    assert.equal(r.warmSame, true);
    assert.deepEqual(r.renamed.filter(s => s.boundDevice !== '').map(s => s.boundDevice), ['lan9', 'lan9', 'lan9']);
    assert.equal(r.withoutSs.length, r.first.length);
    assert.ok(r.withoutSs.every(s => s.boundDevice === null && s.ipv6Only === null));
  });

  it('list shows the addresses as ss writes them', () => {
    const table = inNs(process.execPath, [cliPath(), 'list', '--listening', '--no-cache']);
    for (const text of ['0.0.0.0%lan0:37000', '0.0.0.0%lan0:37001', `[${LINK_LOCAL}]%lan0:37002`, '[::]:37200', '*:37201', '127.0.1.1:37100']) {
      assert.ok(table.includes(text), `${text} missing from:\n${table}`);
    }
  });

  type Local = { open: { port: number; processes: { pid: number }[] }[]; unreachable: { port: number; cause: string; state: string }[] };
  const scan = (target: string, ports: string, udp = false): Local =>
    (JSON.parse(inNs(process.execPath, [cliPath(), 'scan', target, '-p', ports, '--json', ...(udp ? ['--udp'] : [])])) as { local: Local }).local;
  const causes = (l: Local) => l.unreachable.map(u => `${u.port}:${u.cause}`);

  it('scan of 127.0.0.1: bound-device, other-family, other-address and firewall causes, and who answered', () => {
    const l = scan('127.0.0.1', '37001,37100,37200,37201,37203,37204,37205');
    assert.deepEqual(causes(l), ['37001:bound-device', '37200:other-family', '37204:other-address', '37205:firewall']);
    assert.deepEqual(l.open.map(o => o.port), [37100, 37201, 37203]);
    assert.deepEqual(l.open[0].processes.map(p => p.pid), [pids.v4], '127.0.0.1:37100 is the v4 holder, not the one on 127.0.1.1');
    const u = scan('127.0.0.1', '37000,37002,37202', true);
    assert.deepEqual(causes(u), ['37000:bound-device', '37002:other-family', '37202:other-family']);
  });

  it('scan of ::1 and of the LAN address', () => {
    const v6 = scan('::1', '37001,37100,37200,37201,37203,37204');
    assert.deepEqual(causes(v6), ['37001:other-family', '37203:other-family', '37204:other-family']);
    assert.deepEqual(v6.open.map(o => [o.port, o.processes.map(p => p.pid)]), [[37100, [pids.v6]], [37200, [pids.wild]], [37201, [pids.wild]]]);
    const lan = scan(LAN_V4, '37001,37100,37200,37201,37203,37204');
    // Delivered locally as if it came in on lan0, which holds the address: the lan0-bound socket gets it.
    assert.deepEqual(causes(lan), ['37100:other-address', '37200:other-family']);
    assert.deepEqual(lan.open.map(o => o.port), [37001, 37201, 37203, 37204]);
  });

  it('who: port 37100 is split between three processes, and localhost reaches the first address the resolver gives', () => {
    const out = inNs(process.execPath, [cliPath(), 'who', '37100', '--no-cache']);
    assert.match(out, new RegExp(`Port 37100/tcp is split between processes: .*127\\.0\\.0\\.1 by node \\(pid ${pids.v4}\\)`));
    assert.match(out, new RegExp(`\\[::1\\] by node \\(pid ${pids.v6}\\)`));
    assert.match(out, new RegExp(`127\\.0\\.1\\.1 by node \\(pid ${pids.dns}\\)`));
    const first = inNs(process.execPath, ['-e', "require('dns').lookup('localhost', { all: true, verbatim: true }, (e, a) => console.log(a[0].address))"]).trim();
    const holder = first === '::1' ? pids.v6 : pids.v4;
    assert.match(out, new RegExp(`localhost:37100 reaches ${first === '::1' ? '\\[::1\\]' : '127\\.0\\.0\\.1'} first, held by node \\(pid ${holder}\\)`));
  });
});
