// The CLI against a real Docker engine that the test starts in a network namespace of its own
// (support/dockerEngine.ts): who owns a published port, what `kill` does about it. The CLI runs
// inside that namespace, where the engine's sockets are; it finds the engine from DOCKER_HOST as
// Docker's own CLI would. Only containers these tests started are stopped.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { waitFor } from '../support/children';
import { repoRoot } from '../support/paths';
import { skipUnless } from '../support/skip';
import { dockerUnavailable, TestEngine, TEST_IMAGE, type ExecResult } from '../support/dockerEngine';

const cli = path.join(repoRoot, 'dist/cli.js');

interface JsonSocket {
  localPort: number; localAddress: string; state: string;
  processes: { name: string; pid: number }[];
  container: { engine: string; id: string; name: string; image: string; compose: { project: string; service: string } | null; via: string; holder: string; error?: string } | null;
}

/** A port from the test's own range: the namespace is empty, the numbers only need to differ per test. */
const basePort = 20000 + (process.pid % 2000) * 10;

async function portInspector(engine: TestEngine, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ExecResult> {
  return engine.exec(process.execPath, [cli, ...args], env);
}

async function whoJson(engine: TestEngine, port: number): Promise<JsonSocket[]> {
  const r = await portInspector(engine, ['who', String(port), '--json']);
  return JSON.parse(r.stdout) as JsonSocket[];
}

async function engineRunning(engine: TestEngine): Promise<boolean> {
  return (await engine.docker(['version', '--format', '{{.Server.Version}}'])).code === 0;
}

describe('containers as port owners (real dockerd, userland proxy)', function () {
  this.timeout(120_000);
  let engine: TestEngine;
  let shopDb = '';
  const published = basePort + 1, hostNet = basePort + 2;

  before(async function () {
    this.timeout(180_000);
    const why = dockerUnavailable();
    skipUnless(this, !why, why ?? '');
    engine = new TestEngine('cli');
    await engine.start();
    shopDb = await engine.run(['--name', 'shop-db', '--stop-timeout', '2', '-p', `127.0.0.1:${published}:80`,
      '--label', 'com.docker.compose.project=shop', '--label', 'com.docker.compose.service=db']);
    await engine.run(['--name', 'hostnet', '--stop-timeout', '2', '--network', 'host'], ['httpd', '-f', '-p', `127.0.0.1:${hostNet}`, '-h', '/www']);
  });
  after(async function () {
    this.timeout(60_000);
    await engine?.destroy();
  });

  it('who --json names the container behind docker-proxy, with its image and compose labels', async () => {
    const sockets = await whoJson(engine, published);
    const listener = sockets.find(s => s.state === 'LISTEN');
    assert.ok(listener, JSON.stringify(sockets));
    assert.equal(listener.processes[0].name, 'docker-proxy');
    assert.deepEqual(listener.container, {
      engine: 'docker', id: shopDb, name: 'shop-db', image: TEST_IMAGE,
      compose: { project: 'shop', service: 'db' }, via: 'proxy', holder: 'docker-proxy', endpoint: engine.socket,
    });
  });

  it('the list table and who show "name (image) via docker-proxy"', async () => {
    const list = await portInspector(engine, ['list', '-l', '--tcp']);
    const row = list.stdout.split('\n').find(l => l.includes(`127.0.0.1:${published}`));
    assert.match(row ?? '', new RegExp(`shop-db \\(${TEST_IMAGE}\\) via docker-proxy`));
    const who = await portInspector(engine, ['who', String(published)]);
    assert.match(who.stdout, /stops the container/);
    assert.match(who.stdout, /compose project shop, service db/);
  });

  it('a host-network container\'s own process is shown inside its container', async () => {
    const [s] = (await whoJson(engine, hostNet)).filter(x => x.state === 'LISTEN');
    assert.equal(s?.processes[0].name, 'httpd');
    assert.equal(s.container?.name, 'hostnet');
    assert.equal(s.container?.via, 'inside');
    assert.equal(s.container?.compose, null);
  });

  it('an engine that cannot be reached leaves the owner as it was, with the reason', async () => {
    // The engine runs; this CLI is told of a socket where nothing answers, and its daemon's own -H is
    // not consulted for a process inside a container (only for dockerd's placeholders).
    const r = await portInspector(engine, ['who', String(hostNet), '--json'], { DOCKER_HOST: `unix://${engine.dir}/nothing.sock` });
    const [s] = (JSON.parse(r.stdout) as JsonSocket[]).filter(x => x.state === 'LISTEN');
    assert.equal(s.processes[0].name, 'httpd');
    assert.equal(s.container?.name, '');
    assert.match(s.container?.error ?? '', /engine not reachable: no engine answers at .*nothing\.sock/);
  });

  it('kill PORT --yes stops the container through the engine: exited, port free, engine still up', async () => {
    const proxy = (await whoJson(engine, published)).find(s => s.state === 'LISTEN')!.processes[0];
    const r = await portInspector(engine, ['kill', String(published), '--yes']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`Container shop-db \\(${TEST_IMAGE}\\) stopped; port ${published} is free`));
    assert.match(r.stderr, /publishes port \d+ through docker-proxy/);
    assert.equal((await engine.inspect(shopDb)).State.Status, 'exited');
    assert.deepEqual((await whoJson(engine, published)).filter(s => s.state === 'LISTEN'), []);
    assert.ok(await engineRunning(engine));
    const again = await portInspector(engine, ['kill', String(published), '--yes']);
    assert.match(again.stdout, /is free; nothing to kill/);
    // the engine ended docker-proxy with the container (the kill never signals a proxy)
    const gone = () => { try { process.kill(proxy.pid, 0); return false; } catch (e) { return (e as NodeJS.ErrnoException).code === 'ESRCH'; } };
    assert.equal(await waitFor(gone, 10000), true, `docker-proxy (pid ${proxy.pid}) still runs`);
  });

  it('kill without --yes and without a terminal refuses and stops nothing', async () => {
    const r = await portInspector(engine, ['kill', String(hostNet)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Refusing to stop a container without confirmation/);
    assert.equal((await engine.inspect('hostnet')).State.Status, 'running');
  });

  it('kill of a host-network container\'s port stops that container', async () => {
    const r = await portInspector(engine, ['kill', String(hostNet), '--yes']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((await engine.inspect('hostnet')).State.Status, 'exited');
    assert.ok(await engineRunning(engine));
  });

  it('who PORT outside the namespace names a port the engine forwards with no socket here', async () => {
    // Outside the engine's namespace its published port has no socket at all, as with a DNAT-only
    // port; the engine's own list still says where it goes.
    const port = basePort + 3;
    await engine.run(['--name', 'forwarded', '-p', `127.0.0.1:${port}:80`]);
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [cli, 'who', String(port)], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine.dockerHost }, timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Port ${port}/tcp has no socket on this machine: it is forwarded by Docker to container forwarded \\(${TEST_IMAGE}\\), port 80`));
  });
});

describe('containers as port owners (real dockerd, --userland-proxy=false)', function () {
  this.timeout(120_000);
  let engine: TestEngine;
  let id = '';
  const port = basePort + 5;

  before(async function () {
    this.timeout(180_000);
    const why = dockerUnavailable();
    skipUnless(this, !why, why ?? '');
    engine = new TestEngine('nup');
    await engine.start({ userlandProxy: false });
    id = await engine.run(['--name', 'placeholder', '--stop-timeout', '2', '-p', `127.0.0.1:${port}:80`]);
  });
  after(async function () {
    this.timeout(60_000);
    await engine?.destroy();
  });

  it('dockerd\'s placeholder listener is attributed to the container', async () => {
    const [s] = (await whoJson(engine, port)).filter(x => x.state === 'LISTEN');
    assert.equal(s?.processes[0].name, 'dockerd');
    assert.equal(s.container?.id, id);
    assert.equal(s.container?.name, 'placeholder');
    assert.equal(s.container?.via, 'engine');
  });

  it('kill stops the container; dockerd is not signalled and keeps running', async () => {
    const dockerd = (await whoJson(engine, port)).find(x => x.state === 'LISTEN')!.processes[0].pid;
    const r = await portInspector(engine, ['kill', String(port), '--yes']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((await engine.inspect(id)).State.Status, 'exited');
    assert.deepEqual((await whoJson(engine, port)).filter(x => x.state === 'LISTEN'), []);
    assert.ok(await engineRunning(engine));
    process.kill(dockerd, 0); // throws when dockerd is gone
  });
});
