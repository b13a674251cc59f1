import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import type { Snapshot } from '../../../../src/core/model';
import { repoRoot } from '../../support/paths';

// A hand-built proc tree: the collector reads it exactly as it reads /proc, which lets the test
// stage what a live system does only by chance (a pid that vanished mid-walk, a garbage stat file).
function fakeProc(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-fakeproc-'));
  const fixtures = path.join(repoRoot, 'test/fixtures/proc');
  fs.mkdirSync(path.join(root, 'net'));
  for (const t of ['tcp', 'tcp6', 'udp', 'udp6']) { fs.copyFileSync(path.join(fixtures, t), path.join(root, 'net', t)); }
  fs.writeFileSync(path.join(root, 'stat'), 'cpu 0 0 0 0\nbtime 1700000000\n');
  const proc = (pid: number, comm: string, ppid: number, ticks: number, uid: number, fds: Record<string, string>) => {
    const d = path.join(root, String(pid));
    fs.mkdirSync(path.join(d, 'fd'), { recursive: true });
    fs.writeFileSync(path.join(d, 'stat'), `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${ticks} 0 0\n`);
    fs.writeFileSync(path.join(d, 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
    fs.writeFileSync(path.join(d, 'cmdline'), `${comm}\0--port\u00008080\0`);
    fs.symlinkSync('/srv/app', path.join(d, 'cwd'));
    for (const [fd, target] of Object.entries(fds)) { fs.symlinkSync(target, path.join(d, 'fd', fd)); }
  };
  proc(100, 'nginx', 1, 5000, 0, { 0: '/dev/null', 6: 'socket:[50002]' });
  proc(101, 'nginx: worker', 100, 5100, 33, { 6: 'socket:[50002]', 7: 'pipe:[9]' });
  proc(200, 'node app', 1, 6000, 1000, { 20: 'socket:[50001]', 21: 'socket:[50003]', 22: 'socket:[60001]' });
  // Vanished: the directory is listed but its files are gone.
  fs.mkdirSync(path.join(root, '300'));
  // Garbage stat file.
  fs.mkdirSync(path.join(root, '301'));
  fs.writeFileSync(path.join(root, '301', 'stat'), 'not a stat line');
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/false\ndev:x:1000:1000::/home/dev:/bin/bash\n');
  return root;
}

describe('ProcfsCollector on a staged proc tree', () => {
  let root: string;
  before(() => { root = fakeProc(); });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('attributes sockets to every holder, counts what vanished or was malformed, and never guesses', async () => {
    const c = new ProcfsCollector({ procRoot: root, passwdPath: path.join(root, 'passwd') });
    const snap = await c.collect();
    assert.equal(snap.stats.vanishedProcesses, 2, 'pid 300 (no files) and 301 (garbage stat)');
    assert.equal(snap.stats.malformedLines, 3, 'two in tcp, one in tcp6');
    const port80 = snap.sockets.find(s => s.localPort === 80 && s.state === 'LISTEN')!;
    assert.deepEqual(port80.processes.map(p => [p.pid, p.fd, p.name, p.user, p.ppid]), [[100, 6, 'nginx', 'root', 1], [101, 6, 'nginx: worker', 'www-data', 100]]);
    const app = snap.sockets.find(s => s.inode === 50001)!;
    assert.deepEqual(app.processes.map(p => [p.pid, p.commandLine, p.cwd, p.startTime]), [[200, 'node app --port 8080', '/srv/app', 1700000000 * 1000 + 6000 * 10]]);
    assert.equal(app.user, 'dev', 'the socket\'s uid 1000 is named from passwd');
    const v6 = snap.sockets.find(s => s.inode === 60001)!;
    assert.equal(v6.localAddress, '::1');
    assert.equal(v6.processes[0].pid, 200);
    const orphan = snap.sockets.find(s => s.inode === 50005)!;
    assert.equal(orphan.ownerVisible, false);
    assert.deepEqual(orphan.processes, []);
    assert.equal(orphan.user, 'dev');
    const udp = snap.sockets.find(s => s.protocol === 'udp' && s.localPort === 53)!;
    assert.equal(udp.user, '101', 'an unknown uid is shown as its number');
  });

  it('a second collect reuses the cache; a process that exits takes its ownership with it', async () => {
    const c = new ProcfsCollector({ procRoot: root, passwdPath: path.join(root, 'passwd') });
    const first = await c.collect();
    const second = await c.collect();
    assert.equal(second.stats.fullWalk, false);
    assert.equal(second.stats.processesWalked, 2, 'only the two broken entries are retried');
    assert.strictEqual(second.sockets.find(s => s.inode === 50002), first.sockets.find(s => s.inode === 50002), 'unchanged rows are the same entry');
    assert.equal(second.stats.malformedLines, first.stats.malformedLines, 'a table read again unchanged counts its malformed lines again');
    assert.deepEqual(second.sockets.map(s => s.inode), first.sockets.map(s => s.inode));
    // a check of what listens (no owners) in between must not cost the next refresh its entries
    const bare = await c.collect({ owners: false });
    assert.deepEqual(bare.sockets.find(s => s.inode === 50002)!.processes, []);
    assert.strictEqual((await c.collect()).sockets.find(s => s.inode === 50002), first.sockets.find(s => s.inode === 50002), 'the entry with owners is kept');
    fs.rmSync(path.join(root, '101'), { recursive: true });
    const third = await c.collect();
    assert.deepEqual(third.sockets.find(s => s.inode === 50002)!.processes.map(p => p.pid), [100]);
    assert.deepEqual(first.sockets.find(s => s.inode === 50002)!.processes.map(p => p.pid), [100, 101], 'earlier snapshots are not changed');
  });

  it('a refresh reuses the entry of every unchanged row wherever rows come and go, and sees every change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-rows-'));
    try {
      fs.cpSync(root, dir, { recursive: true, verbatimSymlinks: true });
      const passwdPath = path.join(dir, 'passwd');
      const tcpFile = path.join(dir, 'net', 'tcp');
      const [header, ...rows] = fs.readFileSync(tcpFile, 'utf8').split('\n');
      // Each step rewrites the table; the slot numbers ("  3:") are renumbered as the kernel does.
      const write = (body: string[]) => fs.writeFileSync(tcpFile, [header, ...body.map((r, i) => r.replace(/^ *\d+:/, `${String(i).padStart(4)}:`))].join('\n'));
      const changed = (r: string) => r.replace(' 0A ', ' 07 ');
      const queued = (r: string) => r.replace(' 00000000:00000000 ', ' 00000010:00000000 ');
      // New rows have no inode (TIME_WAIT), so no full walk re-reads every process and renews every entry.
      const fresh = (r: string, port: string) => r.replace('0100007F:C354', `0100007F:${port}`);
      const steps: [string, string[]][] = [
        ['unchanged', rows],
        ['a row inserted near the top', [rows[0], fresh(rows[7], 'C3FF'), ...rows.slice(1)]],
        ['a row removed', [rows[0], ...rows.slice(2)]],
        ['a row changed in place', [changed(rows[0]), ...rows.slice(1)]],
        ['only a counter changed (tx_queue)', [rows[0], queued(rows[1]), ...rows.slice(2)]],
        ['one removed and one added further down', [...rows.slice(0, 3), ...rows.slice(4, 8), fresh(rows[7], 'C3FE'), ...rows.slice(8)]],
        ['two rows swapped', [rows[1], rows[0], ...rows.slice(2)]],
        ['three rows inserted together', [rows[0], fresh(rows[7], 'C3F1'), fresh(rows[7], 'C3F2'), fresh(rows[7], 'C3F3'), ...rows.slice(1)]],
        ['three rows removed together', [rows[0], ...rows.slice(4)]],
        ['back to the start', rows],
      ];
      // The rows the collector keeps, in table order (the fixture's two malformed lines excluded).
      const valid = (body: string[]) => body.filter(r => r.trim() !== '' && !/garbage|ZZZZ/.test(r));
      const c = new ProcfsCollector({ procRoot: dir, passwdPath });
      const tcp4 = (snap: Snapshot) => snap.sockets.filter(s => s.protocol === 'tcp' && s.family === 4);
      let before = tcp4(c.collectSync());
      let beforeRows = valid(rows);
      for (const [what, body] of steps) {
        write(body);
        const snap = c.collectSync();
        const expected = new ProcfsCollector({ procRoot: dir, passwdPath }).collectSync();
        assert.deepEqual(snap.sockets, expected.sockets, `${what}: what a fresh collector sees`);
        assert.equal(snap.stats.malformedLines, expected.stats.malformedLines, what);
        assert.equal(snap.stats.fullWalk, false, what);
        // Row by row: an unchanged text keeps its entry object; any other text gets a new one.
        const after = tcp4(snap), afterRows = valid(body);
        assert.equal(after.length, afterRows.length, what);
        afterRows.forEach((row, i) => {
          const was = beforeRows.indexOf(row);
          if (was >= 0) {
            assert.strictEqual(after[i], before[was], `${what}: row ${i} is the same entry`);
          } else {
            assert.ok(!before.includes(after[i]), `${what}: row ${i} is a new entry`);
          }
        });
        before = after;
        beforeRows = afterRows;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a table with the same length but one byte changed is read again: the row with the new state is a new entry', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-rows-'));
    try {
      fs.cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
      const c = new ProcfsCollector({ procRoot: copy, passwdPath: path.join(copy, 'passwd') });
      const tcp = path.join(copy, 'net/tcp');
      const first = await c.collect({ listeningOnly: false });
      const listen = first.sockets.find(s => s.inode === 50002 && s.state === 'LISTEN');
      assert.ok(listen, 'the staged LISTEN row of inode 50002');
      const text = fs.readFileSync(tcp, 'latin1');
      const row = text.split('\n').find(l => /\s50002\s/.test(l))!;
      // state 0A (LISTEN) -> 07 (CLOSE): same length, different bytes
      fs.writeFileSync(tcp, text.replace(row, row.replace(/^(\s*\d+: \S+ \S+ )0A/, '$107')), 'latin1');
      assert.equal(fs.statSync(tcp).size, Buffer.byteLength(text, 'latin1'));
      const second = await c.collect({ listeningOnly: false });
      const now = second.sockets.find(s => s.inode === 50002)!;
      assert.equal(now.state, 'CLOSE');
      assert.notStrictEqual(now, listen);
      const third = await c.collect({ listeningOnly: false });
      assert.strictEqual(third.sockets.find(s => s.inode === 50002), now, 'read again unchanged: the same entry');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('reports an unreadable /proc/net table as one clear error', async () => {
    const c = new ProcfsCollector({ procRoot: path.join(root, 'missing') });
    await assert.rejects(c.collect(), /^Error: cannot read .*missing\/net\/tcp: ENOENT$/);
  });

  it('a kernel without IPv6 (no tcp6/udp6 tables) is not an error', async () => {
    const noV6 = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-nov6-'));
    try {
      fs.cpSync(root, noV6, { recursive: true, verbatimSymlinks: true });
      fs.rmSync(path.join(noV6, 'net', 'tcp6'));
      fs.rmSync(path.join(noV6, 'net', 'udp6'));
      const snap = await new ProcfsCollector({ procRoot: noV6, passwdPath: path.join(noV6, 'passwd') }).collect();
      assert.ok(snap.sockets.length > 0 && snap.sockets.every(s => s.family === 4));
    } finally {
      fs.rmSync(noV6, { recursive: true, force: true });
    }
  });
});
