// The fd-owner index re-reads only what may have changed in a process with many fds: fds that
// are new since the last walk, and those that were sockets. These tests change such a process
// between two refreshes and check that every owner is still right.
import * as assert from 'node:assert/strict';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { packFds, unpackFds, validCacheEntry } from '../../../../src/core/collect/ownerCacheData';
import { FD_LIST_MIN } from '../../../../src/core/collect/procFiles';
import type { Snapshot } from '../../../../src/core/model';
import { runHolder, type Holder } from '../../support/children';
import { linuxOnly } from '../../support/skip';


// Holds FD_LIST_MIN + 100 open files and a listener it shares with a child. On SIGUSR2 it closes
// its own copy of the listener (the child keeps it open), opens two files (the first takes the
// listener's fd number) and a second listener; then prints the new state.
const BIG = (files: number) => `
  const net = require('net'), fs = require('fs'), cp = require('child_process');
  const files = Array.from({ length: ${files} }, () => fs.openSync('/dev/null', 'r'));
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const kid = cp.spawn(process.execPath, ['-e', "process.on('disconnect', () => process.exit(0)); process.on('message', (m, s) => { global.keep = s; process.send('ok'); })"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    kid.on('message', () => console.log(JSON.stringify({ port: server.address().port, fd: server._handle.fd, kid: kid.pid })));
    kid.send('server', server);
    process.on('SIGTERM', () => { kid.kill('SIGKILL'); process.exit(0); });
    process.on('SIGUSR2', () => {
      server.close(() => {
        const reused = fs.openSync('/dev/null', 'r');
        files.push(reused, fs.openSync('/dev/null', 'r'));
        const second = net.createServer().listen(0, '127.0.0.1', () => console.log(JSON.stringify({ reused, second: second.address().port, fd: second._handle.fd })));
      });
    });
  });`;

function ownersOn(snap: Snapshot, port: number): string[] {
  return snap.sockets.filter(s => s.protocol === 'tcp' && s.localPort === port && s.state === 'LISTEN').flatMap(s => s.processes.map(p => `${p.pid}:${p.fd}`)).sort();
}

function nextLine<T>(h: Holder<unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the holder did not answer')), 10_000);
    h.child.stdout!.once('data', d => { clearTimeout(timer); resolve(JSON.parse(String(d).trim().split('\n')[0]) as T); });
  });
}

describe('fd-owner index: partial re-read of a process with many fds', function () {
  before(function () { linuxOnly(this); });

  for (const via of ['in memory', 'through the exported cache'] as const) {
    it(`${via}: a dropped socket fd and a new socket are both seen, without a full walk`, async () => {
      const holder: Holder<{ port: number; fd: number; kid: number }> = await runHolder(BIG(FD_LIST_MIN + 100));
      try {
        const first = new ProcfsCollector({ fullWalkMs: 3_600_000 });
        const cold = first.collectSync({ listeningOnly: true, protocols: ['tcp'] });
        const pid = holder.child.pid!;
        assert.deepEqual(ownersOn(cold, holder.info.port).map(o => o.split(':')[0]).sort(), [String(pid), String(holder.info.kid)].sort());
        assert.ok(ownersOn(cold, holder.info.port).includes(`${pid}:${holder.info.fd}`));
        let c = first;
        if (via === 'through the exported cache') {
          const data = JSON.parse(JSON.stringify(first.index.exportCache())) as { pids: unknown[][] };
          const mine = data.pids.find(e => e[0] === pid)!;
          assert.equal(mine.length, 6, 'the fd numbers of a process with many fds are kept');
          assert.ok(validCacheEntry(mine));
          c = new ProcfsCollector({ fullWalkMs: 3_600_000 });
          assert.equal(c.index.importCache(data), true);
        }
        const changed = nextLine<{ reused: number; second: number; fd: number }>(holder);
        holder.child.kill('SIGUSR2');
        const after = await changed;
        assert.equal(after.reused, holder.info.fd, 'the closed listener\'s fd number now names a file');
        const warm = c.collectSync({ listeningOnly: true, protocols: ['tcp'] });
        assert.equal(warm.stats.fullWalk, false);
        assert.deepEqual(ownersOn(warm, holder.info.port).map(o => o.split(':')[0]), [String(holder.info.kid)], 'only the child still holds the first listener');
        assert.deepEqual(ownersOn(warm, after.second), [`${pid}:${after.fd}`]);
        // A full walk reads every fd and agrees.
        const full = new ProcfsCollector().collectSync({ listeningOnly: true, protocols: ['tcp'] });
        assert.deepEqual(ownersOn(warm, holder.info.port), ownersOn(full, holder.info.port));
        assert.deepEqual(ownersOn(warm, after.second), ownersOn(full, after.second));
      } finally {
        const exited = new Promise(r => holder.child.once('exit', r));
        holder.child.kill('SIGTERM');
        await Promise.race([exited, new Promise(r => setTimeout(r, 2000))]);
        await holder.stop();
      }
    });
  }

  it('fd numbers are packed as runs and unpacked to the same list', () => {
    for (const fds of [[], [0, 1, 2, 3], [0, 1, 2, 7, 8, 20], [5], [3, 1, 2]]) {
      assert.deepEqual(unpackFds(packFds(fds)), fds);
    }
    assert.deepEqual(packFds([0, 1, 2, 7, 8, 20]), [0, 3, 7, 2, 20, 1]);
    const info = { pid: 9, ppid: 1, name: 'x', commandLine: 'x', cwd: '/', user: 'u', startTime: 1 };
    assert.equal(validCacheEntry([9, 1, 6, [], info, [0, 3, 7, 2, 20, 1]]), true);
    assert.equal(validCacheEntry([9, 1, 6, [], info, [0, 1e12]]), false, 'runs that do not add up to the fd count');
    assert.equal(validCacheEntry([9, 1, -1, [], info, [0, 1e12]]), false, 'no more fds than a table can hold');
    assert.equal(validCacheEntry([9, 1, 6, [], info, [0, 'x']]), false);
  });
});
