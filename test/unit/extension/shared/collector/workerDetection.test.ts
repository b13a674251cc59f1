// Dev-port detection reads and parses a repository's files; it runs in the collector worker, so
// the extension host's thread never parses them. The worker's answer must be the in-thread one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkerCollector } from '../../../../../src/extension/shared/collector/workerCollector';
import { detectDevPortsInFolder } from '../../../../../src/core/workspace/readDevPortFiles';
import { outRoot } from '../../../support/paths';

const WORKER = path.join(outRoot, 'src/extension/shared/collector/worker.js');

describe('dev-port detection in the collector worker', () => {
  let dir: string;
  const collectors: WorkerCollector[] = [];
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devports-worker-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { dev: 'vite --port 5201', api: 'PORT=4100 node api.js' } }, null, 2));
    // A hostile file next to a good one: the worker answers for both, with a note for the bad one.
    fs.writeFileSync(path.join(dir, 'vite.config.ts'), 'server:{port:('.repeat(5000));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    ports:\n      - "8088:80"\n');
  });
  after(() => { collectors.forEach(c => c.dispose()); fs.rmSync(dir, { recursive: true, force: true }); });

  it('answers in a worker thread, with exactly what the in-thread detection finds', async () => {
    const c = new WorkerCollector({ scriptPath: WORKER, onFallback: r => assert.fail(`fell back: ${r}`) });
    collectors.push(c);
    const d = await c.detectDevPorts(dir);
    assert.equal(c.starts, 1, 'the request started the worker');
    assert.ok(c.threadId !== undefined && c.threadId > 0);
    assert.deepEqual(d.ports.map(p => `${p.port} ${p.file}:${p.line}`).sort(), ['4100 package.json:4', '5201 package.json:3', '8088 compose.yaml:4']);
    assert.ok(d.notes.some(n => n.file === 'vite.config.ts' && /nested more than/.test(n.message)), JSON.stringify(d.notes));
    assert.deepEqual(d, await detectDevPortsInFolder(dir));
  });

  it('without a worker script it detects on the calling thread and says why', async () => {
    const reasons: string[] = [];
    const c = new WorkerCollector({ scriptPath: path.join(__dirname, 'no-such-worker.js'), onFallback: r => reasons.push(r) });
    collectors.push(c);
    const d = await c.detectDevPorts(dir);
    assert.equal(c.starts, 0);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0], /worker script not found/);
    assert.deepEqual(d, await detectDevPortsInFolder(dir));
  });
});
