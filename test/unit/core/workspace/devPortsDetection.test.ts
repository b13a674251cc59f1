import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { detectDevPorts, devPortFilesGlob, DEV_PORT_FILES } from '../../../../src/core/workspace/detectDevPorts';
import type { Detection } from '../../../../src/core/workspace/devPortTypes';
import { readDevPortFiles } from '../../../../src/core/workspace/readDevPortFiles';
import { parseJsonc } from '../../../../src/core/workspace/jsonc';
import { envFilePorts } from '../../../../src/core/workspace/envFilePorts';
import { composePorts } from '../../../../src/core/workspace/composePorts';
import { viteConfigPorts } from '../../../../src/core/workspace/viteConfigPorts';
import { launchJsonPorts, packageJsonPorts } from '../../../../src/core/workspace/jsonFilePorts';
import { repoRoot } from '../../support/paths';
import { skipUnless } from '../../support/skip';

const FIXTURES = path.join(repoRoot, 'test/fixtures/devports');

/** "port/proto file:line kind" rows, sorted: compact enough to compare whole detections. */
function rows(d: Detection): string[] {
  return d.ports.map(p => `${p.port}/${p.protocol} ${p.file}:${p.line} ${p.kind}`).sort();
}

async function detectFixture(name: string): Promise<Detection> {
  return detectDevPorts(await readDevPortFiles(path.join(FIXTURES, name)));
}

describe('dev-port detection on fixture workspaces', () => {
  it('finds every source in a workspace that uses them all, each with file and line', async () => {
    const d = await detectFixture('full');
    assert.deepEqual(rows(d), [
      '15432/tcp docker-compose.yml:16 explicit',
      '3000/tcp .devcontainer/devcontainer.json:4 explicit',
      '3000/tcp package.json:11 default', // concurrently "next dev" …
      '3900/tcp package.json:11 explicit', // … "json-server --port 3900 db.json"
      '4000/tcp .env:2 explicit',
      '4001/tcp package.json:8 explicit', // cross-env PORT=4001
      '4002/tcp .env.local:2 explicit', // export PORT="4002" # comment
      '4003/tcp .vscode/launch.json:17 explicit', // env PORT
      '4004/tcp .vscode/launch.json:18 explicit', // args --port 4004
      '4180/tcp package.json:6 explicit', // vite preview --port 4180
      '5200/tcp .vscode/launch.json:9 explicit', // url http://localhost:5200
      '5200/tcp vite.config.ts:9 explicit', // server.port, not hmr.port, not the commented one
      '5353/udp docker-compose.yml:11 explicit',
      '6007/tcp package.json:9 explicit',
      '7000/tcp docker-compose.yml:19 explicit',
      '7001/tcp docker-compose.yml:19 explicit',
      '7002/tcp docker-compose.yml:19 explicit',
      '7100/tcp docker-compose.yml:19 explicit', // ${WEB_PORT:-7100}
      '8080/tcp docker-compose.yml:5 explicit',
      '8100/tcp package.json:10 explicit', // python3 -m http.server 8100
      '8443/tcp docker-compose.yml:6 explicit',
      '9999/tcp .devcontainer/devcontainer.json:4 explicit',
    ]);
    // `vite` alone would be 5173, but vite.config.ts sets server.port: the default must not appear.
    assert.ok(!d.ports.some(p => p.port === 5173));
    // The attach config's port 9229 belongs to the debuggee; "9000" publishes a random host port.
    assert.ok(!d.ports.some(p => p.port === 9229 || p.port === 9000 || p.port === 24678 || p.port === 1111));
    assert.deepEqual(d.notes, []);
    const dev = d.ports.find(p => p.port === 3000 && p.kind === 'default');
    assert.match(dev?.detail ?? '', /^script "both": .*next dev \(default port\)$/);
  });

  it('the integration fixture: "dev": "vite --port 5173" and .env PORT=4000', async () => {
    const d = await detectFixture('minimal');
    assert.deepEqual(rows(d), ['4000/tcp .env:1 explicit', '5173/tcp package.json:5 explicit']);
    assert.equal(d.ports.find(p => p.port === 5173)?.detail, 'script "dev": vite --port 5173');
    assert.equal(d.ports.find(p => p.port === 4000)?.detail, 'PORT=4000');
  });

  it('broken files are skipped with a note and the other sources still count', async () => {
    const d = await detectFixture('broken');
    assert.deepEqual(rows(d), ['3100/tcp compose.yaml:5 explicit', '4000/tcp .env:1 explicit']);
    const notes = d.notes.map(n => `${n.file}:${n.line ?? '-'} ${n.message}`).sort();
    assert.equal(notes.length, 5, notes.join('\n'));
    assert.match(notes[0], /^\.env:2 2 line\(s\) are not KEY=value/);
    assert.match(notes[1], /^\.env:5 SERVER_PORT=eighty is not a port number/);
    assert.match(notes[2], /^compose\.yaml:4 published port \$\{APP_PORT\}:3000 uses a variable without a default/);
    assert.match(notes[3], /^package\.json:6 not valid JSON \(.*end of file\); skipped$/);
    assert.match(notes[4], /^vite\.config\.ts:- cannot read \(it is a directory\); skipped$/);
  });

  it('angular.json serve ports replace the ng serve default', async () => {
    const d = await detectFixture('angular');
    assert.deepEqual(rows(d), ['4300/tcp angular.json:8 explicit', '4301/tcp angular.json:9 explicit']);
    const plain = detectDevPorts(new Map([['package.json', { text: '{ "scripts": { "start": "ng serve" } }' }]]));
    assert.deepEqual(rows(plain), ['4200/tcp package.json:1 default']);
  });

  it('a file that cannot be read never blocks or throws: FIFO, unreadable, too large', async function () {
    // Windows has no mkfifo, and symlinks need admin there.
    skipUnless(this, process.platform !== 'win32', 'needs mkfifo and symlinks, Unix only', 'other-platform');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devports-'));
    try {
      execFileSync('mkfifo', [path.join(dir, 'package.json')]);
      fs.writeFileSync(path.join(dir, '.env'), `PORT=4000\n${'x'.repeat(2 << 20)}\n`);
      fs.mkdirSync(path.join(dir, '.vscode'));
      fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, '.vscode', 'launch.json'));
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  a:\n    ports: ["3100:3000"]\n');
      const files = await readDevPortFiles(dir);
      assert.deepEqual(files.get('package.json'), { error: 'not a regular file' });
      assert.deepEqual(files.get('.env'), { error: 'larger than 1 MiB' });
      assert.deepEqual(files.get('.vscode/launch.json'), { error: 'a symbolic link (not followed)' }, 'a link, even a dangling one, is never followed');
      const d = detectDevPorts(files);
      assert.deepEqual(rows(d), ['3100/tcp compose.yaml:3 explicit']);
      assert.equal(d.notes.length, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the watcher glob names every file detection reads', () => {
    const glob = devPortFilesGlob();
    for (const { file } of DEV_PORT_FILES) { assert.ok(glob.includes(file), file); }
    assert.ok(glob.startsWith('{') && glob.endsWith('}'));
  });
});

describe('dev-port file parsers', () => {
  it('.env: quoting, export, comments, CRLF; DB_PORT is a client port and is not watched', () => {
    const d = envFilePorts('.env', 'export PORT=3001\r\nDB_PORT=5432\r\nVITE_PORT = \'5175\' # vite\r\n# PORT=1\r\nPORT=0\r\nPORT=70000\r\n');
    assert.deepEqual(rows(d), ['3001/tcp .env:1 explicit', '5175/tcp .env:3 explicit']);
    assert.deepEqual(d.notes.map(n => n.line), [5, 6]);
  });

  it('vite config: literal, fallback of an expression, unknown expression noted, preview section', () => {
    const text = [
      'export default defineConfig(({ mode }) => ({',
      '  server: { port: Number(process.env.PORT) || 3333, proxy: { "/api": { target: "http://localhost:9999" } } },',
      '  preview: {',
      '    port: 4444,',
      '  },',
      '});',
      'const other = { server: { port: getPort() } };',
      'const s = "server: { port: 1 }";',
    ].join('\n');
    const d = viteConfigPorts('vite.config.ts', text);
    assert.deepEqual(rows(d), ['3333/tcp vite.config.ts:2 explicit', '4444/tcp vite.config.ts:4 explicit']);
    assert.equal(d.ports[1].defaultOf, 'vite-preview');
    assert.equal(d.notes.length, 1);
    assert.match(d.notes[0].message, /server\.port is an expression \(getPort\(\)\)/);
    assert.equal(d.notes[0].line, 7);
  });

  it('compose: flow list over lines, long syntax udp range, top-level ports outside services', () => {
    const text = [
      'services:',
      '  a:',
      '    ports: [',
      '      "8001:80", \'8002:80\' ]',
      '  b:',
      '    ports:',
      '    - published: "6000-6001"',
      '      target: 6000',
      '      protocol: udp',
      '    - 9090:9090 # comment',
      '    environment:',
      '      - "ports: 1234:1234"',
    ].join('\n');
    const d = composePorts('compose.yaml', text);
    assert.deepEqual(rows(d), ['6000/udp compose.yaml:7 explicit', '6001/udp compose.yaml:7 explicit', '8001/tcp compose.yaml:3 explicit', '8002/tcp compose.yaml:3 explicit', '9090/tcp compose.yaml:10 explicit']);
  });

  it('launch.json: JSONC with comments and trailing commas; attach ports and remote URLs are not watched', () => {
    const text = `{
      /* c */ "configurations": [
        { "name": "remote", "request": "launch", "url": "http://example.com:8080" }, // not ours
        { "name": "web", "request": "launch", "url": "http://127.0.0.1:3000/app" },
        { "name": "term", "type": "node-terminal", "request": "launch", "command": "npm run dev -- --port 3002" },
        { "name": "a", "request": "attach", "port": 9229, },
      ],
    }`;
    const d = launchJsonPorts('.vscode/launch.json', text);
    assert.deepEqual(rows(d), ['3000/tcp .vscode/launch.json:4 explicit', '3002/tcp .vscode/launch.json:5 explicit']);
  });

  it('package.json: not an object, scripts not an object, non-string scripts', () => {
    assert.deepEqual(packageJsonPorts('package.json', '[1,2]').notes.map(n => n.message), ['not a JSON object; skipped']);
    assert.deepEqual(rows(packageJsonPorts('package.json', '{"scripts": "vite"}')), []);
    assert.deepEqual(rows(packageJsonPorts('package.json', '{"scripts": {"a": 1, "b": ["vite"], "c": "vite"}}')), ['5173/tcp package.json:1 default']);
  });
});

describe('JSONC reader', () => {
  it('agrees with JSON.parse on any JSON value', () => {
    const toPlain = (n: ReturnType<typeof parseJsonc> & { ok: true }): unknown => plain(n.root);
    fc.assert(fc.property(fc.json(), text => {
      const r = parseJsonc(text);
      assert.ok(r.ok, text);
      assert.deepEqual(toPlain(r), JSON.parse(text));
    }), { numRuns: 300 });
  });

  it('reports where a broken document breaks, and never throws on arbitrary text', () => {
    const r = parseJsonc('{\n  "a": 1,\n  "b": tru\n}');
    assert.equal(r.ok, false);
    if (!r.ok) { assert.equal(r.offset, '{\n  "a": 1,\n  "b": '.length); }
    fc.assert(fc.property(fc.string({ maxLength: 200 }), text => { parseJsonc(text); }), { numRuns: 500 });
    assert.equal(parseJsonc('['.repeat(100_000)).ok, false, 'deep nesting is an error, not a stack overflow');
  });

  it('parsers never throw on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), text => {
      for (const { file, parse } of DEV_PORT_FILES) { parse(file, text); }
    }), { numRuns: 300 });
  });
});

function plain(n: import('../../../../src/core/workspace/jsonc').JsonNode): unknown {
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of n.props) { Object.defineProperty(o, p.key, { value: plain(p.value), enumerable: true, writable: true, configurable: true }); }
      return o;
    }
    case 'array': return n.items.map(plain);
    case 'null': return null;
    default: return n.value;
  }
}
