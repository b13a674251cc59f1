import * as assert from 'node:assert/strict';
import type { ProcessInfo } from '../../../../src/core/model';
import { describeHolder, isPortProxy, launchSentence, placeOf, runningFor, takenSentence } from '../../../../src/core/terminal/holderText';
import { launchConfigPorts } from '../../../../src/core/terminal/launchPorts';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const proc = (over: Partial<ProcessInfo> = {}): ProcessInfo =>
  ({ pid: 4242, ppid: 1, name: 'node', commandLine: 'node server.js', cwd: '/home/alice/api/src', user: 'alice', startTime: T0, ...over });
const folders = [{ name: 'api', path: '/home/alice/api' }, { name: 'web', path: '/home/alice/api/web' }];

describe('holder sentences', () => {
  it('runningFor: seconds, minutes, hours and days; nothing for an unknown or future start', () => {
    assert.equal(runningFor(T0, T0 + 45_000), '45 s');
    assert.equal(runningFor(T0, T0 + 12 * 60_000 + 59_000), '12 min');
    assert.equal(runningFor(T0, T0 + 3 * 3600_000), '3 h');
    assert.equal(runningFor(T0, T0 + 3 * 3600_000 + 5 * 60_000), '3 h 5 min');
    assert.equal(runningFor(T0, T0 + 50 * 3600_000), '2 d 2 h');
    assert.equal(runningFor(0, T0), undefined);
    assert.equal(runningFor(T0 + 1000, T0), undefined);
  });

  it('placeOf: the innermost workspace folder, never a folder whose name merely starts the same', () => {
    assert.equal(placeOf('/home/alice/api/src', folders), 'project "api"');
    assert.equal(placeOf('/home/alice/api/web/pages', folders), 'project "web"');
    assert.equal(placeOf('/home/alice/api2', folders), 'in /home/alice/api2');
    assert.equal(placeOf('', folders), undefined);
  });

  it('takenSentence names one holder with pid, user, place, extra and age; counts the rest', () => {
    assert.equal(takenSentence(3000, [proc()], T0 + 125 * 60_000, folders),
      'Port 3000 is taken by node (pid 4242, user alice, project "api", running for 2 h 5 min).');
    assert.equal(takenSentence(3000, [proc(), proc({ pid: 4243 }), proc({ pid: 4244 })], T0 + 5000, [], [], () => ['from task "dev"']),
      'Port 3000 is taken by node (pid 4242, user alice, in /home/alice/api/src, from task "dev", running for 5 s) and 2 more processes.');
    assert.equal(describeHolder(proc({ name: '', user: '', cwd: '', startTime: 0 }), T0), 'a process (pid 4242)');
    assert.equal(takenSentence(80, [], T0, [], ['root']), 'Port 80 is taken by a process of root that this window cannot see.');
  });

  it('a hostile name, user, directory, task name or command line cannot add a line, an escape sequence or a bidi override', () => {
    const hostile = proc({ name: 'x\nsshd', user: 'al\u202eice', cwd: '/tmp/\x1b]52;c;ZXZpbA==\x07' });
    assert.equal(takenSentence(3000, [hostile], T0 + 5000, [], [], () => ['from task "a\rb"']),
      'Port 3000 is taken by x\\x0asshd (pid 4242, user al\\u202eice, in /tmp/\\x1b]52;c;ZXZpbA==\\x07, from task "a\\x0db", running for 5 s).');
    assert.equal(takenSentence(80, [], T0, [], ['ro\x9bot']), 'Port 80 is taken by a process of ro\\x9bot that this window cannot see.');
    assert.equal(launchSentence('Launch\u2066 Server', 5995, [proc({ name: 'node', commandLine: 'node\x00-e\x00x\x1b[2K' })]),
      'Port 5995, which "Launch\\u2066 Server" will serve, is taken by node (pid 4242): node\\x00-e\\x00x\\x1b[2K.');
  });

  it('launchSentence counts the other owners and the other taken ports, and names a proxy', () => {
    assert.equal(launchSentence('srv', 5995, [proc(), proc({ pid: 4243 })], 2),
      'Port 5995, which "srv" will serve, is taken by node (pid 4242 and 1 more): node server.js (and 2 more ports).');
    assert.equal(launchSentence('srv', 8080, [proc({ name: 'docker-proxy', commandLine: '' })], 1),
      'Port 8080, which "srv" will serve, is taken by docker-proxy (pid 4242, a container engine\'s proxy): (command line not readable) (and 1 more port).');
  });

  it('a container engine\'s proxy is named as such (it is never offered for killing)', () => {
    const proxy = proc({ name: 'docker-proxy', user: 'root', cwd: '/', commandLine: 'docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080' });
    assert.equal(isPortProxy(proxy), true);
    assert.equal(isPortProxy(proc({ name: 'docker' })), false);
    // the kill engine's rule decides (it refuses these): dockerd's placeholder, Podman's conmon
    assert.equal(isPortProxy(proc({ name: 'dockerd', commandLine: '/usr/sbin/dockerd --userland-proxy=false' })), true);
    assert.equal(isPortProxy(proc({ name: 'conmon', commandLine: '/usr/bin/conmon --api-version 1 -c 0123' })), true);
    assert.equal(isPortProxy(proc({ name: 'gvproxy', commandLine: 'gvproxy -listen-vfkit unixgram:///tmp/x' })), true);
    assert.equal(takenSentence(8080, [proxy], T0 + 60_000),
      'Port 8080 is taken by docker-proxy (pid 4242, user root, in /, running for 1 min), which forwards it to a container (stop the container to free it).');
  });
});

describe('launchConfigPorts (the dev-port reading of launch.json, on a resolved configuration)', () => {
  it('env.PORT, url on this machine and runtimeArgs ports of a launch request', () => {
    const ports = launchConfigPorts({ type: 'node', request: 'launch', name: 'srv', env: { PORT: '5995' }, url: 'http://localhost:5996/', runtimeArgs: ['--port', '5997'] });
    assert.deepEqual(ports.map(p => p.port).sort(), [5995, 5996, 5997]);
  });

  it('attach requests, remote urls and configurations without a port give nothing', () => {
    assert.deepEqual(launchConfigPorts({ type: 'node', request: 'attach', name: 'a', port: 9229 }), []);
    assert.deepEqual(launchConfigPorts({ type: 'chrome', request: 'launch', name: 'b', url: 'https://example.com:8443/' }), []);
    assert.deepEqual(launchConfigPorts({ type: 'node', request: 'launch', name: 'c', program: 'x.js' }), []);
  });

  it('a port number inside a longer one is not a port (env.PORT 70000, 5995a)', () => {
    assert.deepEqual(launchConfigPorts({ type: 'node', request: 'launch', name: 'd', env: { PORT: '70000' } }), []);
    assert.deepEqual(launchConfigPorts({ type: 'node', request: 'launch', name: 'e', env: { PORT: '5995a' } }), []);
  });
});
