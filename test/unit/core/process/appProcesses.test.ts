// The application's own processes, on a real process tree built like VS Code's server: a root,
// two extension hosts, a pty host with a shell and a dev server in its terminal, a file watcher,
// and a child that an extension started. All run the same executable (this Node), as the server's
// processes do; only the shell runs another.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { ancestorPids } from '../../../../src/core/process/ancestry';
import { applicationPids } from '../../../../src/core/process/appProcesses';
import { linuxOnly } from '../../support/skip';

interface Node { pid: number; child?: Node }
interface Tree { root: number; extA: Node; extB: Node; pty: Node; watcher: number }

const LEAF = "console.log(JSON.stringify({ pid: process.pid })); setInterval(() => {}, 1 << 30);";
/** A process that starts `argv` and prints {pid, child} once the child printed its own line. */
const PARENT = (argv: string[]) => `
  const c = require('child_process').spawn(${JSON.stringify(argv[0])} === 'node' ? process.execPath : ${JSON.stringify(argv[0])}, ${JSON.stringify(argv.slice(1))}, { stdio: ['ignore', 'pipe', 'inherit'] });
  c.stdout.once('data', d => console.log(JSON.stringify({ pid: process.pid, child: JSON.parse(String(d)) })));
  setInterval(() => {}, 1 << 30);`;
const ROOT = `
  const cp = require('child_process');
  const start = args => new Promise(res => { const c = cp.spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }); c.stdout.once('data', d => res(JSON.parse(String(d)))); });
  (async () => {
    const [extA, extB, pty, watcher] = await Promise.all([
      start(['-e', ${JSON.stringify(PARENT(['node', '-e', LEAF]))}, '--', '--type=extensionHost']),
      start(['-e', ${JSON.stringify(PARENT(['node', '-e', LEAF]))}, '--', '--type=extensionHost']),
      start(['-e', ${JSON.stringify(PARENT(['sh', '-c', '"$0" -e "$1"; :', process.execPath, LEAF]))}, '--', '--type=ptyHost']),
      start(['-e', ${JSON.stringify(LEAF)}, '--', '--type=fileWatcher']),
    ]);
    console.log(JSON.stringify({ root: process.pid, extA, extB, pty, watcher: watcher.pid }));
  })();
  setInterval(() => {}, 1 << 30);`;

describe('applicationPids', function () {
  this.timeout(30000);
  let group: ChildProcess;
  let tree: Tree;
  const collector = new ProcfsCollector();
  before(async function () {
    linuxOnly(this);
    // A shell above the root, so the root is the topmost process running this executable.
    group = spawn('sh', ['-c', '"$0" -e "$1"; :', process.execPath, ROOT], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    tree = await new Promise<Tree>((resolve, reject) => {
      let buf = '';
      group.stdout!.on('data', d => { buf += d; if (buf.includes('\n')) { resolve(JSON.parse(buf) as Tree); } });
      group.once('exit', c => reject(new Error(`tree exited (${c})`)));
    });
  });
  after(() => { if (group?.pid) { try { process.kill(-group.pid, 'SIGKILL'); } catch { /* gone */ } } });

  it('from an extension host: the root, the other extension host, the pty host and the watcher; not what extensions or terminals started', async () => {
    const start = tree.extA.pid;
    const found = new Set(applicationPids(start, await ancestorPids(start, collector), { startIsApplication: true }));
    const terminalShell = (await collector.processInfo(tree.pty.child!.pid))!.ppid;
    for (const pid of [tree.root, tree.extA.pid, tree.extB.pid, tree.pty.pid, tree.watcher]) { assert.ok(found.has(pid), `${pid} protected`); }
    for (const pid of [tree.extA.child!.pid, tree.extB.child!.pid, tree.pty.child!.pid, terminalShell, group.pid!, process.pid]) {
      assert.ok(!found.has(pid), `${pid} is not the application's`);
    }
    assert.equal(found.size, 5, [...found].join(' '));
  });

  it('from a program in the integrated terminal: the application is found through the pty host', async () => {
    const start = tree.pty.child!.pid;
    const found = new Set(applicationPids(start, await ancestorPids(start, collector), { startIsApplication: false }));
    assert.deepEqual([...found].sort((a, b) => a - b), [tree.root, tree.extA.pid, tree.extB.pid, tree.pty.pid, tree.watcher].sort((a, b) => a - b));
  });

  it('outside any application (no helper among the ancestors): nothing beyond the ancestors', async () => {
    assert.deepEqual(applicationPids(process.pid, await ancestorPids(process.pid, collector), { startIsApplication: false }), []);
  });
});
