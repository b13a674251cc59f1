// The pure parts of the owner lookup (cgroup text, holder command lines, engine endpoints, engine
// JSON, the texts), and the lookup itself against real processes: one put into a systemd-named
// cgroup by the test, one whose parent is a supervisor, and an engine socket with no engine behind.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { AS_NOBODY } from '../../support/nobody';
import { parseCgroup } from '../../../../src/core/owners/cgroupParser';
import { holderRole } from '../../../../src/core/owners/holderRole';
import { engineSockets } from '../../../../src/core/owners/engineEndpoints';
import { parseContainerList, publishes } from '../../../../src/core/owners/engineJson';
import { OwnerEnricher } from '../../../../src/core/owners/ownerEnricher';
import { readProcessFacts, supervisorOf } from '../../../../src/core/owners/processFacts';
import { containerQuestion } from '../../../../src/core/owners/containerControl';
import { ownerCell, restartWarning } from '../../../../src/core/owners/ownerText';
import { ProcfsCollector } from '../../../../src/core/collect/procfsCollector';
import { listenersOnPort } from '../../../../src/core/socketQueries';
import { killPortOwner } from '../../../../src/core/process/kill';
import type { ContainerOwner, SocketEntry } from '../../../../src/core/model';
import { repoRoot } from '../../support/paths';
import { runHolder, TCP_LISTENER, type Holder } from '../../support/children';
import { linuxOnly, skipUnless } from '../../support/skip';

const fixture = (name: string) => fs.readFileSync(path.join(repoRoot, 'test/fixtures/cgroup', name), 'utf8');
const DOCKER_ID = 'd5469378a86559ee8a1cfffef3eb7edc9757b9ac294b4ec491173d761370aa51';
const PODMAN_ID = '7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

describe('owners: /proc/PID/cgroup', () => {
  const cases: [string, ReturnType<typeof parseCgroup>][] = [
    ['docker-cgroupfs-v1.txt', { container: { engine: 'docker', id: DOCKER_ID }, unit: null }],
    ['docker-systemd-v2.txt', { container: { engine: 'docker', id: '3f4c2b1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b' }, unit: null }],
    ['podman-rootless-v2.txt', { container: { engine: 'podman', id: PODMAN_ID }, unit: null }],
    ['podman-conmon-v2.txt', { container: { engine: 'podman', id: PODMAN_ID }, unit: null }],
    ['nginx-system-v1.txt', { container: null, unit: { name: 'nginx.service', user: false, uid: 0 } }],
    ['nginx-system-v2.txt', { container: null, unit: { name: 'nginx.service', user: false, uid: 0 } }],
    ['user-unit-v2.txt', { container: null, unit: { name: 'vite-dev.service', user: true, uid: 1000 } }],
    ['login-session-v2.txt', { container: null, unit: null }],
    ['user-manager-v2.txt', { container: null, unit: null }],
    ['sandbox-memory-only-v1.txt', { container: null, unit: null }],
  ];
  for (const [file, expected] of cases) {
    it(file, () => assert.deepEqual(parseCgroup(fixture(file)), expected));
  }

  it('does not take a shorter hex id, or an id inside another word, for a container', () => {
    assert.equal(parseCgroup(`0::/docker/${DOCKER_ID.slice(0, 40)}\n`).container, null);
    assert.equal(parseCgroup(`0::/mydocker-${DOCKER_ID}.scope\n`).container, null);
    assert.equal(parseCgroup('garbage\n\n::\n').container, null);
  });
});

describe('owners: who holds a port for someone else', () => {
  it('docker-proxy: both ends from its command line', () => {
    assert.deepEqual(holderRole('docker-proxy', '/usr/sbin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 18080 -container-ip 198.18.240.2 -container-port 80'), {
      kind: 'docker-proxy', engine: 'docker', protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 18080, containerIp: '198.18.240.2', containerPort: 80,
    });
    assert.equal((holderRole('docker-proxy', '/usr/bin/docker-proxy -proto udp -host-ip 0.0.0.0 -host-port 53') as { protocol: string }).protocol, 'udp');
  });

  it('dockerd with its API sockets; Podman helpers; conmon names its container', () => {
    assert.deepEqual(holderRole('dockerd', '/usr/sbin/dockerd -H unix:///run/a.sock --host=tcp://0.0.0.0:2375 -H fd://'), { kind: 'engine', engine: 'docker', name: 'dockerd', hosts: ['/run/a.sock'] });
    assert.deepEqual(holderRole('conmon', `/usr/bin/conmon --api-version 1 -c ${PODMAN_ID} -u ${PODMAN_ID} -n web`), { kind: 'proxy', engine: 'podman', name: 'conmon', id: PODMAN_ID });
    for (const [name, cmd] of [['rootlessport', 'rootlessport'], ['pasta.avx2', '/usr/bin/pasta.avx2 --config-net -t 8080'], ['slirp4netns', 'slirp4netns --disable-host-loopback 4242 tap0']]) {
      assert.equal(holderRole(name, cmd)?.engine, 'podman', name);
    }
  });

  it('ordinary processes, and names that only contain the words, are not proxies', () => {
    assert.equal(holderRole('node', 'node server.js --docker-proxy'), undefined);
    assert.equal(holderRole('my-dockerd', '/opt/my-dockerd'), undefined);
    assert.equal(holderRole('pastaserver', 'pastaserver'), undefined);
  });

  it('a supervisor parent: pm2, supervisord, nodemon run by node', () => {
    assert.equal(supervisorOf('PM2 v5.3.0: God', 'PM2 v5.3.0: God Daemon (/root/.pm2)', 10)?.manager, 'pm2');
    assert.equal(supervisorOf('supervisord', '/usr/bin/python3 /usr/bin/supervisord -n', 11)?.manager, 'supervisord');
    assert.deepEqual(supervisorOf('node', '/usr/bin/node /app/node_modules/.bin/nodemon server.js', 12), { manager: 'nodemon', unit: 'nodemon', user: false, pid: 12, stopCommand: 'kill 12' });
    assert.equal(supervisorOf('bash', '-bash', 13), null);
  });

  it('a parent that Node >= 24 names "MainThread" is read by its argv[0] (nodemon run by node)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-proc-'));
    try {
      fs.mkdirSync(path.join(root, '200'));
      fs.writeFileSync(path.join(root, '200', 'comm'), 'MainThread\n');
      fs.writeFileSync(path.join(root, '200', 'cmdline'), '/usr/bin/node\0/app/node_modules/.bin/nodemon\0server.js\0');
      fs.mkdirSync(path.join(root, '201'));
      fs.writeFileSync(path.join(root, '201', 'cgroup'), '0::/user.slice/user-0.slice/session-1.scope\n');
      const facts = readProcessFacts(root, { pid: 201, ppid: 200, name: 'node', commandLine: 'node server.js' }, 1);
      assert.deepEqual(facts.service, { manager: 'nodemon', unit: 'nodemon', user: false, pid: 200, stopCommand: 'kill 200' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('owners: where to ask the engine', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-docker-home-'));
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it('DOCKER_HOST first, then the defaults; tcp:// is not asked', () => {
    assert.deepEqual(engineSockets('docker', { env: { DOCKER_HOST: 'unix:///tmp/x.sock', XDG_RUNTIME_DIR: '/run/user/1000' }, home }), ['/tmp/x.sock', '/var/run/docker.sock', '/run/user/1000/docker.sock']);
    assert.deepEqual(engineSockets('docker', { env: { DOCKER_HOST: 'tcp://10.0.0.1:2375' }, home }), ['/var/run/docker.sock']);
    assert.deepEqual(engineSockets('docker', { env: {}, home }, ['/run/own.sock']), ['/run/own.sock', '/var/run/docker.sock']);
  });

  it('the current docker context from ~/.docker/config.json and its meta.json', () => {
    const dir = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update('colima').digest('hex'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///home/u/.colima/docker.sock' } } }));
    assert.deepEqual(engineSockets('docker', { env: {}, home }), ['/home/u/.colima/docker.sock', '/var/run/docker.sock']);
    // DOCKER_CONTEXT=default overrides the file, as the docker CLI does
    assert.deepEqual(engineSockets('docker', { env: { DOCKER_CONTEXT: 'default' }, home }), ['/var/run/docker.sock']);
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), '{ not json');
    assert.deepEqual(engineSockets('docker', { env: {}, home }), ['/var/run/docker.sock']);
  });

  it('Podman: CONTAINER_HOST, the rootless socket, the system one', () => {
    assert.deepEqual(engineSockets('podman', { env: { XDG_RUNTIME_DIR: '/run/user/1000' }, home }), ['/run/user/1000/podman/podman.sock', '/run/podman/podman.sock']);
  });
});

describe('owners: the engine\'s container list', () => {
  const list = JSON.stringify([
    { Id: DOCKER_ID, Names: ['/shop-db'], Image: 'postgres:16', State: 'running', Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' },
      Ports: [{ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' }, { PrivatePort: 9000, Type: 'tcp' }] },
    { Id: 'x', Names: 7, Ports: 'no', Labels: null },
    null,
  ]);

  it('parses what it needs and skips what is malformed', () => {
    const [a, b] = parseContainerList(list);
    assert.deepEqual(a, { id: DOCKER_ID, name: 'shop-db', image: 'postgres:16', state: 'running', labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' },
      ports: [{ ip: '127.0.0.1', privatePort: 5432, publicPort: 5432, protocol: 'tcp' }] });
    assert.deepEqual(b, { id: 'x', name: '', image: '', state: '', labels: {}, ports: [] });
    assert.deepEqual(parseContainerList('<html>'), []);
  });

  it('matches a published port by protocol, number and address (wildcards match any)', () => {
    const p = { ip: '127.0.0.1', privatePort: 80, publicPort: 8080, protocol: 'tcp' as const };
    assert.ok(publishes(p, 'tcp', 8080, '127.0.0.1'));
    assert.ok(!publishes(p, 'tcp', 8080, '127.0.0.2'));
    assert.ok(!publishes(p, 'udp', 8080, '127.0.0.1'));
    assert.ok(!publishes(p, 'tcp', 80, '127.0.0.1'));
    assert.ok(publishes({ ...p, ip: '0.0.0.0' }, 'tcp', 8080, '::'));
  });
});

describe('owners: texts', () => {
  const c: ContainerOwner = { engine: 'docker', id: DOCKER_ID, name: 'shop-db', image: 'postgres:16', compose: null, via: 'proxy', holder: 'docker-proxy', endpoint: '/var/run/docker.sock' };
  const entry = (extra: Partial<SocketEntry>): SocketEntry => ({
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5432, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', inode: 1, uid: 0, boundDevice: null, ipv6Only: null,
    user: 'root', ownerVisible: true, processes: [], ...extra,
  });

  it('the confirmation names container, image and port', () => {
    assert.equal(containerQuestion('stop', c, 5432), 'Stop container shop-db (image postgres:16)? It publishes port 5432.');
    assert.equal(containerQuestion('restart', { ...c, image: '' }, 5432), 'Restart container shop-db? It publishes port 5432.');
  });

  it('owner cells: via a proxy, inside a container, engine not reachable, a unit', () => {
    assert.equal(ownerCell(entry({ container: c }), 'docker-proxy'), 'shop-db (postgres:16) via docker-proxy');
    assert.equal(ownerCell(entry({ container: { ...c, via: 'inside' } }), 'postgres'), 'postgres in shop-db (postgres:16)');
    assert.equal(ownerCell(entry({ container: { ...c, name: '', image: '', error: 'engine not reachable: no permission on /var/run/docker.sock' } }), 'docker-proxy'),
      'docker-proxy · container (engine not reachable: no permission on /var/run/docker.sock)');
    const svc = { manager: 'systemd' as const, unit: 'nginx.service', user: false, pid: 0, stopCommand: 'systemctl stop nginx.service' };
    assert.equal(ownerCell(entry({ service: svc }), 'nginx'), 'nginx · systemd unit nginx.service');
    assert.equal(restartWarning(entry({ service: svc }), 'nginx'), 'nginx runs in systemd unit nginx.service, which may start it again after a kill; "systemctl stop nginx.service" stops it for good.');
    assert.equal(restartWarning(entry({}), 'nginx'), '');
  });
});

/** Where a test may create a cgroup whose name systemd would give a unit: v1's name=systemd hierarchy, or v2's root. */
function systemdHierarchy(): string | undefined {
  if (fs.existsSync('/sys/fs/cgroup/systemd/cgroup.procs')) { return '/sys/fs/cgroup/systemd'; }
  if (fs.existsSync('/sys/fs/cgroup/cgroup.procs') && fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) { return '/sys/fs/cgroup'; }
  return undefined;
}

describe('owners: real processes', function () {
  before(function () { linuxOnly(this); });
  let holder: Holder<{ port: number; pid: number }> | undefined;
  let cgroupDir = '';
  afterEach(async () => {
    await holder?.stop();
    holder = undefined;
    if (cgroupDir) { try { fs.rmdirSync(cgroupDir); } catch { /* still has a process: the holder's exit ends it */ } cgroupDir = ''; }
  });

  it('a listener in a cgroup named like a systemd service shows that unit and the command that stops it', async function () {
    const root = systemdHierarchy();
    skipUnless(this, process.getuid?.() === 0 && root, 'creating a cgroup needs root and a writable cgroup hierarchy (run npm test as root, as CI does)');
    holder = await runHolder(TCP_LISTENER('127.0.0.1'));
    const unit = `pi-docker-test-${process.pid}.service`;
    cgroupDir = path.join(root!, unit);
    fs.mkdirSync(cgroupDir);
    fs.writeFileSync(path.join(cgroupDir, 'cgroup.procs'), String(holder.pid));
    const snap = await new OwnerEnricher().enrich(new ProcfsCollector().collectSync({ listeningOnly: true }));
    const [s] = listenersOnPort(snap.sockets, holder.info.port, 'tcp');
    assert.equal(s.processes[0].pid, holder.pid);
    assert.equal(s.container, null);
    assert.deepEqual(s.service, { manager: 'systemd', unit, user: false, pid: 0, stopCommand: `systemctl stop ${unit}` });
    // move it back before it exits, so the cgroup can be removed
    fs.writeFileSync(path.join(root!, 'cgroup.procs'), String(holder.pid));
  });

  it('a listener started by nodemon names nodemon as what restarts it', async () => {
    // the parent is a Node script called nodemon (as `node …/.bin/nodemon` runs), which starts the listener
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-docker-nodemon-'));
    const script = path.join(dir, 'nodemon');
    fs.writeFileSync(script, `const { spawn } = require('node:child_process');
const c = spawn(process.execPath, ['-e', ${JSON.stringify(TCP_LISTENER('127.0.0.1'))}], { stdio: ['ignore', 'pipe', 'inherit'] });
c.stdout.once('data', d => process.stdout.write(JSON.stringify({ ...JSON.parse(String(d)), child: c.pid }) + '\\n'));
process.on('SIGTERM', () => { c.kill('SIGKILL'); process.exit(0); });
setInterval(() => {}, 1000);`);
    const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const info = await new Promise<{ port: number; child: number }>((resolve, reject) => {
        parent.stdout.once('data', d => resolve(JSON.parse(String(d)) as { port: number; child: number }));
        parent.once('exit', c => reject(new Error(`parent exited ${c}`)));
      });
      const snap = await new OwnerEnricher().enrich(new ProcfsCollector().collectSync({ listeningOnly: true }));
      const [s] = listenersOnPort(snap.sockets, info.port, 'tcp');
      assert.equal(s.processes[0].pid, info.child);
      assert.deepEqual(s.service, { manager: 'nodemon', unit: 'nodemon', user: false, pid: parent.pid, stopCommand: `kill ${parent.pid}` });
    } finally {
      const exited = new Promise(r => parent.once('exit', r));
      parent.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kill never signals a process that holds a port for a container (docker-proxy by its command line)', async () => {
    const child = spawn(process.execPath, ['-e', TCP_LISTENER('127.0.0.1'), '--', '-proto', 'tcp', '-host-port', '1'], { argv0: 'docker-proxy', stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const info = await new Promise<{ port: number }>(resolve => child.stdout.once('data', d => resolve(JSON.parse(String(d)) as { port: number })));
      const collector = new ProcfsCollector();
      const [s] = listenersOnPort((await collector.collect({ listeningOnly: true })).sockets, info.port, 'tcp');
      assert.match(s.processes[0].commandLine, /^docker-proxy /);
      const r = await killPortOwner({ pid: child.pid!, startTime: s.processes[0].startTime, port: info.port, protocol: 'tcp' }, { collector, waitMs: 500 });
      assert.equal(r.status, 'refused');
      assert.match(r.message, /holds the port for a container; stop the container instead/);
      assert.equal(child.exitCode, null);
      process.kill(child.pid!, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('an engine socket with nothing behind it is reported once and not asked again until retryMs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-docker-sock-'));
    const sock = path.join(dir, 'docker.sock');
    // a socket file whose server is gone (as after dockerd crashed): connect() is refused. A
    // process that binds it and exits leaves the file; Node's own server would unlink it on close.
    execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', sock]);
    assert.ok(fs.statSync(sock).isSocket(), 'the stale socket file is there');
    try {
      let now = 1000;
      const e = new OwnerEnricher({ env: { DOCKER_HOST: `unix://${sock}` }, home: dir, now: () => now, retryMs: 5000 });
      const proxy = { pid: 999999, ppid: 1, name: 'docker-proxy', commandLine: '/usr/sbin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 5432 -container-ip 198.18.240.2 -container-port 5432', cwd: '', user: 'root', startTime: 1, fd: 4 };
      const snap = () => ({ takenAt: 0, backend: 'test', stats: { malformedLines: 0, vanishedProcesses: 0, unreadableEntries: 0, processesWalked: 0, fullWalk: false },
        sockets: [{ protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort: 5432, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' as const, inode: 7, uid: 0, boundDevice: null, ipv6Only: null, user: 'root', ownerVisible: true, processes: [proxy] }] });
      const a = await e.enrich(snap());
      assert.match(a.sockets[0].container?.error ?? '', /^engine not reachable: no engine answers at .*docker\.sock$/);
      assert.equal(a.sockets[0].container?.holder, 'docker-proxy');
      const asked = e.requests;
      assert.ok(asked >= 1);
      await e.enrich(snap());
      assert.equal(e.requests, asked, 'asked again within retryMs');
      now += 6000;
      await e.enrich(snap());
      assert.ok(e.requests > asked, 'not asked again after retryMs');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('owners: an engine socket without permission', function () {
  before(function () { linuxOnly(this); });

  it('says "no permission on …" with what to do, as a user outside the docker group would see it', async function () {
    skipUnless(this, process.getuid?.() === 0, 'checking another user\'s view of a root-only socket needs root (run npm test as root, as CI does)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-docker-perm-'));
    fs.chmodSync(dir, 0o755);
    const sock = path.join(dir, 'docker.sock');
    const server = net.createServer(c => { c.on('error', () => undefined); c.once('data', () => c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]')); });
    await new Promise<void>(r => server.listen(sock, r));
    fs.chmodSync(sock, 0o600);
    try {
      // the engine client, bundled where nobody can read it, asked as nobody
      const esbuild = await import('esbuild');
      const script = path.join(dir, 'ask.js');
      await esbuild.build({
        stdin: { contents: `import { engineRequest, engineErrorText } from ${JSON.stringify(path.join(repoRoot, 'src/core/owners/engineClient.ts'))};
engineRequest(process.argv[2], 'GET', '/containers/json').then(r => console.log('answered ' + r.status), e => console.log(engineErrorText(process.argv[2], e)));`, resolveDir: repoRoot, loader: 'ts' },
        bundle: true, platform: 'node', outfile: script, logLevel: 'silent',
      });
      fs.chmodSync(script, 0o644);
      const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, script, sock], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.stdout.trim(), `no permission on ${sock} (add yourself to the docker group, or run as root)`, r.stderr);
      // root is let in: the same socket answers (asynchronously: the server runs in this process)
      const ok = await promisify(execFile)(process.execPath, [script, sock], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(ok.stdout.trim(), 'answered 200');
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('owners: what a pass changed', () => {
  // The collector worker answers "unchanged" when it gets back the very same entry objects; the
  // enricher writes onto those objects, so it must say when a pass changed what they hold.
  const stats = { malformedLines: 0, vanishedProcesses: 0, unreadableEntries: 0, processesWalked: 0, fullWalk: false };
  const entry = (): SocketEntry => ({
    protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5432, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN',
    inode: 9, uid: 0, boundDevice: null, ipv6Only: null, user: 'root', ownerVisible: false, processes: [],
  });

  it('a first pass fills the fields and says so; the same entries again change nothing', async () => {
    const e = new OwnerEnricher({ env: {}, home: os.tmpdir() });
    const s = entry();
    await e.enrich({ takenAt: 0, backend: 'test', stats, sockets: [s] });
    assert.equal(e.changedInLastPass, true);
    assert.equal(s.container, null);
    assert.equal(s.service, null);
    await e.enrich({ takenAt: 0, backend: 'test', stats, sockets: [s] });
    assert.equal(e.changedInLastPass, false);
  });

  it('an entry whose container was set by an earlier pass and is now gone counts as changed', async () => {
    const e = new OwnerEnricher({ env: {}, home: os.tmpdir() });
    const s = entry();
    s.container = { engine: 'docker', id: 'a'.repeat(64), name: 'old', image: 'x', compose: null, via: 'proxy', holder: 'docker-proxy', endpoint: '/nowhere' };
    s.service = null;
    await e.enrich({ takenAt: 0, backend: 'test', stats, sockets: [s] });
    assert.equal(e.changedInLastPass, true);
    assert.equal(s.container, null);
  });
});
