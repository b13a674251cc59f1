import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runHolder, TCP_LISTENER, type Holder } from '../support/children';
import { endpoint, localEndpoint, socketTable, sortForListing, table, SOCKET_HEADER } from '../../../src/cli/format';
import type { SocketEntry } from '../../../src/core/model';
import { ProcfsCollector } from '../../../src/core/collect/procfsCollector';
import * as fc from 'fast-check';
import { repoRoot } from '../support/paths';
import { linuxOnly } from '../support/skip';

const cli = path.join(repoRoot, 'dist/cli.js');
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('port-inspector CLI', function () {
  let holder: Holder<{ port: number; pid: number }>;
  before(async function () {
    linuxOnly(this);
    holder = await runHolder(TCP_LISTENER('127.0.0.1'));
  });
  after(async () => { await holder?.stop(); });

  for (const [args, message] of [
    [['who', '80a'], /"80a" is not a port number/],
    [['who', '70000'], /70000 is out of range/],
    [['who'], /missing PORT/],
    [['who', '80', '81'], /unexpected argument "81"/],
    [['list', '--bogus'], /unknown option --bogus/],
    [['kill', '-1'], /unknown option -1|not a port number/],
    [['kill', '80', '--timeout', 'soon'], /--timeout must be a number/],
    [['kill', '80', '--timeout', '1e3'], /--timeout must be a number of milliseconds \(0–600000\), not "1e3"/],
    [['kill', '80', '--timeout', '0x10'], /--timeout must be a number of milliseconds \(0–600000\), not "0x10"/],
    [['kill', '80', '--timeout', '600001'], /--timeout must be a number/],
    [['list', '--backend', 'carrier-pigeon'], /unknown back end/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ] as [string[], RegExp][]) {
    it(`rejects ${args.join(' ')} with one line and exit 2`, () => {
      const r = run(...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    });
  }

  it('kill: -9 is the short name of --force', () => {
    const r = run('kill', String(holder.info.port), '-9');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /stdin is not a terminal/);
    assert.equal(holder.child.exitCode, null);
  });

  it('list into a full device exits non-zero with one sentence', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [cli, 'list'], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'], timeout: 20000 });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /^port-inspector.*ENOSPC.*\n$/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    } finally { fs.closeSync(full); }
  });

  it('documents every command in --help', () => {
    const r = run('--help');
    assert.equal(r.code, 0);
    for (const c of ['list', 'who', 'kill', 'scan']) { assert.match(r.stdout, new RegExp(`port-inspector ${c}`)); }
    assert.match(run('kill', '--help').stdout, /--force/);
  });

  it('who: exit 0 with the owner when the port is held, exit 1 when free', () => {
    const held = run('who', String(holder.info.port));
    assert.equal(held.code, 0, held.stderr);
    assert.match(held.stdout, new RegExp(`\\b${holder.info.pid}\\b`));
    assert.match(held.stdout, /LISTEN/);
    const json = JSON.parse(run('who', String(holder.info.port), '--json').stdout);
    assert.deepEqual(json.map((s: { localPort: number; processes: { pid: number }[] }) => [s.localPort, s.processes.map(p => p.pid)]), [[holder.info.port, [holder.info.pid]]]);
    const other = run('who', String(holder.info.port), '--udp');
    assert.equal(other.code, 1);
    assert.match(other.stdout, /is free \(udp\)/);
  });

  it('list --json --listening carries the documented fields', () => {
    const r = run('list', '--listening', '--tcp', '--json');
    assert.equal(r.code, 0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const mine = rows.find(s => s.localPort === holder.info.port);
    assert.ok(mine);
    assert.deepEqual(Object.keys(mine), ['protocol', 'family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'inode', 'uid', 'user', 'boundDevice', 'ipv6Only', 'ownerVisible', 'processes', 'container', 'service']);
    assert.equal(mine.state, 'LISTEN');
    // a plain Node listener: no container behind it, no unit or supervisor (the test runner is not one)
    assert.equal(mine.container, null);
    assert.equal(mine.ownerVisible, true);
    const [p] = mine.processes as Record<string, unknown>[];
    assert.deepEqual(Object.keys(p), ['pid', 'ppid', 'name', 'commandLine', 'cwd', 'user', 'startTime', 'fd']);
    assert.equal(p.pid, holder.info.pid);
    assert.ok(rows.every(s => s.protocol === 'tcp' && s.state === 'LISTEN'));
  });

  it('kill: refuses without --yes when stdin is not a terminal, then kills with --yes', async () => {
    const h = await runHolder(TCP_LISTENER('127.0.0.1'));
    try {
      const refused = run('kill', String(h.info.port));
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /stdin is not a terminal/);
      assert.equal(h.child.exitCode, null);
      const killed = run('kill', String(h.info.port), '--yes');
      assert.equal(killed.code, 0, killed.stderr);
      assert.match(killed.stdout, /released port/);
      assert.equal(run('who', String(h.info.port)).code, 1);
    } finally { await h.stop(); }
  });
});

/** The reference for socketTable: one row per (socket, owner), through the generic table(). */
function socketRows(sockets: readonly SocketEntry[]): string[][] {
  const rows: string[][] = [];
  for (const s of sockets) {
    const base = [s.protocol + (s.family === 6 ? '6' : ''), localEndpoint(s), endpoint(s.remoteAddress, s.remotePort, s.family), s.state];
    if (s.processes.length === 0) {
      const why = s.state === 'TIME_WAIT' ? '-' : `(owner not visible, uid ${s.user || s.uid})`;
      rows.push([...base, why, '', s.user]);
    } else {
      for (const p of s.processes) { rows.push([...base, p.name, String(p.pid), p.user]); }
    }
  }
  return rows;
}

describe('CLI table formatting', () => {
  it('socketTable prints exactly what the generic table prints', async function () {
    linuxOnly(this);
    const sockets = (await new ProcfsCollector().collect()).sockets;
    assert.ok(sockets.length > 0);
    assert.equal(socketTable(sockets), table(SOCKET_HEADER, socketRows(sockets)));
  });

  it('socketTable matches the generic table for any sockets: wide and non-ASCII names, hidden owners, empty users (fast-check)', () => {
    const name = fc.oneof(
      fc.constantFrom('node', 'nginx: worker', 'Ünïcödé-srv', '日本語', 'a'.repeat(40), '', 'tab\t', 'nbsp\u00a0', 'ideo\u3000', '127.0.0.1', '[::1]:', 'x  ', '\x1b[2K\x1b[1Asshd', 'bidi\u202e', '\x9b31m'),
      fc.string({ maxLength: 12 }), fc.string({ maxLength: 6, unit: 'binary' }));
    const owner = fc.record({ pid: fc.integer({ min: 1, max: 4194304 }), name, user: name });
    const address = fc.constantFrom('127.0.0.1', '0.0.0.0', '::', '::1', '10.1.2.3', 'fe80::1:2', '2001:db8::abcd:ef01');
    const socket = fc.record({
      protocol: fc.constantFrom('tcp' as const, 'udp' as const), family: fc.constantFrom(4 as const, 6 as const),
      localAddress: address, localPort: fc.integer({ min: 0, max: 65535 }), remoteAddress: address, remotePort: fc.integer({ min: 0, max: 65535 }),
      state: fc.constantFrom('LISTEN' as const, 'ESTABLISHED' as const, 'TIME_WAIT' as const, 'UNCONN' as const), uid: fc.integer({ min: 0, max: 70000 }),
      user: name, owners: fc.array(owner, { maxLength: 3 }),
      boundDevice: fc.constantFrom(null, '', 'enp0s3'), ipv6Only: fc.constantFrom(null, true, false),
    }).map(({ owners, ...r }): SocketEntry => ({
      ...r, inode: 1, ownerVisible: owners.length > 0,
      processes: owners.map(o => ({ ...o, ppid: 1, commandLine: o.name, cwd: '/', startTime: 0, fd: 3 })),
    }));
    fc.assert(fc.property(fc.array(socket, { maxLength: 25 }), sockets => {
      assert.equal(socketTable(sockets), table(SOCKET_HEADER, socketRows(sockets)));
    }), { numRuns: 300 });
  });
});

describe('CLI listing order', () => {
  it('sorts by protocol, local port, family, remote port, keeping kernel order on ties', () => {
    const mk = (protocol: 'tcp' | 'udp', localPort: number, family: 4 | 6, remotePort: number, inode: number) =>
      ({ protocol, family, localAddress: '', localPort, remoteAddress: '', remotePort, state: 'LISTEN' as const, inode, uid: 0, boundDevice: null, ipv6Only: null, user: '', ownerVisible: false, processes: [] });
    const input = [mk('udp', 53, 4, 0, 1), mk('tcp', 8080, 6, 0, 2), mk('tcp', 80, 4, 5000, 3), mk('tcp', 80, 4, 0, 4), mk('tcp', 80, 6, 0, 5), mk('tcp', 8080, 4, 0, 6), mk('tcp', 80, 4, 0, 7), mk('tcp', 65535, 6, 65535, 8)];
    assert.deepEqual(sortForListing(input).map(s => s.inode), [4, 7, 3, 5, 6, 2, 8, 1]);
  });
});
