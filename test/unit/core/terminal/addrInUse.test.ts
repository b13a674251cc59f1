import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import * as fc from 'fast-check';
import { commandLinePorts, plainText, recogniseAddrInUse } from '../../../../src/core/terminal/addrInUse';
import { repoRoot } from '../../support/paths';

const FIXTURES = path.join(repoRoot, 'test/fixtures/eaddrinuse');

interface Fixture { source: string; command: string; output: string }

/** `source: …` / `command: …` / `----` / the captured output. */
function fixture(name: string): Fixture {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const m = /^source: (.+)\ncommand: (.*)\n----\n([\s\S]*)$/.exec(text);
  assert.ok(m, `${name}: header missing`);
  return { source: m[1], command: m[2], output: m[3] };
}

/** What the recogniser says, compactly: "tool source ports/protocol". */
function verdict(name: string): string {
  const f = fixture(name);
  const r = recogniseAddrInUse(f.output, f.command);
  return r ? `${r.tool} ${r.source} ${r.ports.join(',') || '-'}/${r.protocol}` : 'none';
}

describe('recogniseAddrInUse on captured and composed messages', () => {
  const expected: Record<string, string> = {
    'node-wildcard.txt': 'node message 39001/tcp',
    'node-ipv4.txt': 'node message 39001/tcp',
    'node-port-30001.txt': 'node message 30001/tcp',
    'webpack-dev-server.txt': 'node message 8080/tcp',
    'vite-strict-port.txt': 'vite/angular message 5173/tcp',
    'angular-cli.txt': 'vite/angular message 4200/tcp',
    'spring-boot.txt': 'spring message 8081/tcp',
    'flask-werkzeug.txt': 'werkzeug message 5001/tcp',
    'uvicorn.txt': 'uvicorn message 8002/tcp',
    'go-net-http.txt': 'go message 8080/tcp',
    'go-udp.txt': 'go message 5353/udp',
    'puma-rails.txt': 'ruby message 3001/tcp',
    'php-builtin.txt': 'php message 8000/tcp',
    'kestrel.txt': 'kestrel message 5000/tcp',
    'docker-allocated.txt': 'docker message 8080/tcp',
    'docker-userland-proxy.txt': 'go message 9090/tcp',
    'ssh-local-forward.txt': 'ssh message 8080/tcp',
    // no port in the message: the command line's (positional http.server port, runserver host:port)
    'python-http-server.txt': 'python command 39001/tcp',
    'django-runserver.txt': 'django command 8001/tcp',
    // recognised, but neither the message nor the command line names a port
    'java-serversocket.txt': 'java command -/tcp',
    'rust-tcplistener.txt': 'rust command -/tcp',
    // no conflict: the server moved to another port, or there never was one
    'vite-fallback.txt': 'none',
    'next-fallback.txt': 'none',
    'healthy-server.txt': 'none',
  };

  it('every fixture has an expectation and says where its text comes from', () => {
    const files = fs.readdirSync(FIXTURES).filter(f => f.endsWith('.txt')).sort();
    assert.deepEqual(files, Object.keys(expected).sort());
    for (const f of files) { assert.ok(fixture(f).source.length > 20, `${f}: source too short`); }
  });

  for (const [name, want] of Object.entries(expected)) {
    it(name, () => assert.equal(verdict(name), want));
  }

  it('names the line that matched, without escape sequences', () => {
    const f = fixture('vite-strict-port.txt');
    assert.ok(f.output.includes('\x1b['), 'the fixture carries colour codes');
    assert.equal(recogniseAddrInUse(f.output, f.command)?.line, 'Error: Port 5173 is already in use');
    assert.equal(recogniseAddrInUse(fixture('node-ipv4.txt').output)?.line, 'Error: listen EADDRINUSE: address already in use 0.0.0.0:39001');
  });
});

describe('recogniseAddrInUse: ports are exact', () => {
  it('a port with more than five digits or out of range is no port; the command line then decides', () => {
    const r = recogniseAddrInUse('Error: listen EADDRINUSE: address already in use 0.0.0.0:300001', 'node app.js --port 3000');
    assert.deepEqual([r?.source, r?.ports], ['command', [3000]]);
    const big = recogniseAddrInUse('Error: Port 70000 is already in use', 'vite --port 5173');
    assert.equal(big, undefined, 'vite wording with an impossible port and nothing else recognisable');
  });

  it('a message port is never read out of a longer number in the command line', () => {
    const r = recogniseAddrInUse('OSError: [Errno 98] Address already in use', 'python3 -m http.server 18000');
    assert.deepEqual(r?.ports, [18000]);
  });

  it('the earliest message wins when several name ports', () => {
    const r = recogniseAddrInUse('listen tcp :7000: bind: address already in use\nError: Port 7001 is already in use');
    assert.deepEqual([r?.tool, r?.ports], ['go', [7000]]);
  });

  it('carriage returns and CRLF split lines (Windows consoles, progress bars)', () => {
    const r = recogniseAddrInUse('building...\rError: listen EADDRINUSE: address already in use :::4100\r\n');
    assert.deepEqual([r?.ports, r?.line], [[4100], 'Error: listen EADDRINUSE: address already in use :::4100']);
  });

  it('a Unix socket path in a Node message names no port', () => {
    const r = recogniseAddrInUse('Error: listen EADDRINUSE: address already in use /tmp/app.sock', 'node app.js');
    assert.deepEqual([r?.source, r?.ports], ['command', []]);
  });

  it('the port found in a message is one of the numbers the message contains, as a whole number (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 9 }), (port, extra) => {
      const r = recogniseAddrInUse(`Error: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
      assert.deepEqual(r?.ports, [port]);
      // one more digit makes another number: never the original port
      const longer = recogniseAddrInUse(`Error: listen EADDRINUSE: address already in use 127.0.0.1:${port}${extra}`);
      assert.ok(!longer?.ports.includes(port));
    }));
  });

  it('plainText drops colours, titles and shell-integration marks', () => {
    assert.equal(plainText('\x1b]633;C\x07\x1b[1;31mred\x1b[0m\x1b]0;title\x07 ok'), 'red ok');
  });

  it('commandLinePorts prefers explicit ports over a tool default', () => {
    assert.deepEqual(commandLinePorts('PORT=4001 npx next dev'), { ports: [4001], protocol: 'tcp' });
    assert.deepEqual(commandLinePorts('npx next dev'), { ports: [3000], protocol: 'tcp' });
    assert.deepEqual(commandLinePorts('ls -la'), { ports: [], protocol: 'tcp' });
  });
});

describe('recogniseAddrInUse on a live failure', () => {
  it("Node's own message when a child listens on a port another child holds", async function () {
    this.timeout(20000);
    const holder = await new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const stderr = await new Promise<string>(resolve => {
        execFile(process.execPath, ['-e', `require('net').createServer().listen(${port}, '127.0.0.1')`], { timeout: 15000 }, (_e, _out, err) => resolve(err));
      });
      const r = recogniseAddrInUse(stderr, `node server.js --port ${port}`);
      assert.deepEqual([r?.tool, r?.source, r?.ports], ['node', 'message', [port]]);
    } finally {
      await new Promise(r => holder.close(r));
    }
  });
});
