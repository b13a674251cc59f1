// The Ports view with more ports than it builds rows for at one level: the ports are split into
// chunks of CHUNK_ROWS (the first expanded), every port is still listed exactly once with its owner,
// a port in a later chunk can be revealed, and group by process chunks the process's ports the same way.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { runHolder, type Holder } from '../unit/support/children';
import { flatten, portsApi, tree } from './helpers/portsApi';
import { CHUNK_ROWS } from '../../src/extension/ports/portsTree';

const COUNT = CHUNK_ROWS + 150;

/** Holds `n` TCP listeners on 127.0.0.1 and prints {ports}. */
const MANY_LISTENERS = (n: number) => `
  const net = require('net');
  (async () => {
    const ports = [];
    for (let i = 0; i < ${n}; i++) {
      ports.push(await new Promise((res, rej) => { const s = net.createServer(); s.once('error', rej); s.listen(0, '127.0.0.1', () => res(s.address().port)); }));
    }
    console.log(JSON.stringify({ ports }));
  })();
  setInterval(() => {}, 1 << 30);`;

describe('Ports view with many ports', function () {
  this.timeout(60000);
  let h: Holder<{ ports: number[] }>;
  before(async () => {
    h = await runHolder<{ ports: number[] }>(MANY_LISTENERS(COUNT));
    await vscode.commands.executeCommand('portInspector.ports.focus');
  });
  after(async () => {
    await h?.stop();
    await vscode.commands.executeCommand('portInspector.groupByPort');
  });

  it('splits the ports into chunks, lists each once with its owner, and reveals one in a later chunk', async () => {
    const roots = await tree();
    assert.ok(roots.length >= 2 && roots.every(r => r.contextValue === 'chunk'), `roots: ${roots.map(r => r.label).join(', ')}`);
    assert.ok(roots.every(r => r.children.length <= CHUNK_ROWS), 'a chunk holds at most CHUNK_ROWS ports');
    const rows = flatten(roots).filter(i => /^port\/tcp:\d+$/.test(i.id));
    for (const port of h.info.ports) {
      const found = rows.filter(r => r.id === `port/tcp:${port}`);
      assert.strictEqual(found.length, 1, `port ${port} listed ${found.length} times`);
      assert.match(found[0].description, new RegExp(`node · pid ${h.pid} · 127\\.0\\.0\\.1$`));
    }
    // chunks are in port order and their labels name their first and last port
    const firsts = roots.map(r => Number(/^ports (\d+)–(\d+)$/.exec(r.label)![1]));
    assert.deepStrictEqual([...firsts].sort((a, b) => a - b), firsts);
    const last = roots[roots.length - 1];
    const lastPort = Number(/^(\d+)/.exec(last.children[last.children.length - 1].label)![1]);
    assert.strictEqual(Number(/–(\d+)$/.exec(last.label)![1]), lastPort);
    assert.strictEqual(await (await portsApi()).revealPort('tcp', lastPort), true);
  });

  it('group by process: the process row chunks its ports too', async () => {
    await vscode.commands.executeCommand('portInspector.groupByProcess');
    const roots = await (await portsApi()).renderTree();
    const proc = roots.find(r => r.id.startsWith(`proc/${h.pid}@`));
    assert.ok(proc, 'the holder\'s process row');
    assert.match(proc.description, new RegExp(`^pid ${h.pid} · `));
    assert.ok(proc.children.length >= 2 && proc.children.every(c => c.contextValue === 'chunk'), proc.children.map(c => c.label).join(', '));
    const ports = proc.children.flatMap(c => c.children).map(p => Number(/^(\d+)\s+tcp$/.exec(p.label)![1]));
    assert.deepStrictEqual(ports.sort((a, b) => a - b), [...h.info.ports].sort((a, b) => a - b));
  });
});
