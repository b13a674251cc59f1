// A real Docker engine for the container tests, in a network namespace of its own: its own data
// root, exec root, API socket and pidfile under a temp dir, and a bridge from 198.18.240.0/24 (RFC
// 2544's benchmarking range), so nothing touches the machine's own network or another engine. Images
// come from the machine's static busybox through `docker import` (no registry is reachable).
//
// `ip netns exec` gives its command a fresh /sys without cgroup mounts, and dockerd then refuses to
// start ("Devices cgroup isn't mounted"): the hierarchies are mounted again inside that private
// mount namespace before dockerd is exec'd. Sockets in the namespace are invisible from /proc/net
// outside it, so the code under test runs there too (exec()).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DOCKERD = '/usr/sbin/dockerd';
/** Debian's client, matching its daemon; a newer one in /usr/local/bin may refuse an older API. */
const DOCKER_CLI = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const BUSYBOX = '/bin/busybox';
export const TEST_IMAGE = 'local/pi-busybox:1';
const BUSYBOX_LINKS = ['sh', 'httpd', 'sleep', 'nc', 'cat', 'ls', 'true'];

// Constant text: the daemon's path and flags reach it as "$@", never spliced into the script.
const MOUNT_CGROUPS = [
  'mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup',
  'for s in cpu cpuacct cpuset memory devices freezer blkio pids; do mkdir -p /sys/fs/cgroup/$s; mount -t cgroup -o $s cgroup /sys/fs/cgroup/$s || exit 1; done',
  'mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified',
  'mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd',
  'mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified',
  'exec "$@"',
].join('\n');

function hasCommand(file: string, versionFlag = '--version'): boolean {
  try { execFileSync(file, [versionFlag], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** Why a test engine cannot start here, or undefined when it can. */
export function dockerUnavailable(): string | undefined {
  if (process.platform !== 'linux') { return 'the container tests start dockerd, which is Linux-only'; }
  if (process.getuid?.() !== 0) { return 'starting a Docker engine in a network namespace needs root (run npm test as root, as CI does)'; }
  if (!hasCommand('ip', '-V')) { return '"ip" is not installed (apt-get install iproute2)'; }
  if (!fs.existsSync(DOCKERD) || !hasCommand(DOCKER_CLI)) { return 'Docker is not installed (apt-get install docker.io)'; }
  try { execFileSync('ldd', [BUSYBOX], { stdio: 'ignore' }); return `${BUSYBOX} is not a static binary (apt-get install busybox-static)`; } catch { /* static, or missing: */ }
  if (!fs.existsSync(BUSYBOX)) { return 'busybox is not installed (apt-get install busybox-static)'; }
  return undefined;
}

export interface EngineOptions {
  /** dockerd --userland-proxy=false: no docker-proxy, dockerd keeps a placeholder listener. */
  userlandProxy?: boolean;
}

/**
 * For a process that already runs in a network namespace of its own (the integration run): dockerd
 * in this namespace, in a private mount namespace with a /sys of this namespace and its cgroups.
 */
const SAME_NETNS = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `umount -l /sys && mount -t sysfs sysfs /sys || exit 1\n${MOUNT_CGROUPS}`, 'sh'];

export interface ExecResult { code: number; stdout: string; stderr: string }

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class TestEngine {
  readonly netns: string;
  readonly dir: string;
  readonly socket: string;
  private daemon: ChildProcess | undefined;
  private daemonLog = '';
  private readonly containers = new Set<string>();

  /**
   * `sameNetns`: run dockerd in the caller's own network namespace instead of a new one; only for a
   * caller that is alone in a namespace of its own (the integration run moves itself into one).
   */
  constructor(tag: string, private readonly sameNetns = false) {
    // pid in the names: parallel runs and leftovers of a crashed run never collide
    this.netns = sameNetns ? '' : `pi-docker-${tag}-${process.pid}`;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `pi-docker-${tag}-`));
    this.socket = path.join(this.dir, 'docker.sock');
  }

  /** DOCKER_HOST for the code under test: the engine as its CLI would be told where it is. */
  get dockerHost(): string { return `unix://${this.socket}`; }

  async start(options: EngineOptions = {}): Promise<void> {
    if (!this.sameNetns) {
      execFileSync('ip', ['netns', 'add', this.netns]);
      execFileSync('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
    }
    const args = [
      '--data-root', path.join(this.dir, 'data'), '--exec-root', path.join(this.dir, 'exec'),
      '--pidfile', path.join(this.dir, 'dockerd.pid'), '-H', this.dockerHost, '--storage-driver=overlay2',
      '--bip', '198.18.240.1/24', '--default-address-pool', 'base=198.18.241.0/24,size=28',
      `--userland-proxy=${options.userlandProxy === false ? 'false' : 'true'}`,
    ];
    const [cmd, ...prefix] = this.sameNetns ? SAME_NETNS : ['ip', 'netns', 'exec', this.netns, 'sh', '-c', MOUNT_CGROUPS, 'sh'];
    const child = spawn(cmd, [...prefix, DOCKERD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    this.daemon = child;
    const keep = (d: Buffer) => { this.daemonLog = (this.daemonLog + String(d)).slice(-4000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) { throw new Error(`dockerd exited (${child.exitCode}): ${this.daemonLog.trim().split('\n').slice(-3).join(' | ')}`); }
      if (fs.existsSync(this.socket) && (await this.docker(['version', '--format', '{{.Server.Version}}'])).code === 0) { break; }
      if (Date.now() > deadline) { throw new Error(`dockerd did not answer within 30 s: ${this.daemonLog.trim().split('\n').slice(-3).join(' | ')}`); }
      await sleep(100);
    }
    await this.importImage();
  }

  private async importImage(): Promise<void> {
    const rootfs = path.join(this.dir, 'rootfs');
    fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(rootfs, 'www'), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin/busybox'));
    fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
    for (const l of BUSYBOX_LINKS) { fs.symlinkSync('busybox', path.join(rootfs, 'bin', l)); }
    fs.writeFileSync(path.join(rootfs, 'www/index.html'), 'pi-docker test page\n');
    const tar = path.join(this.dir, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    const r = await this.docker(['import', tar, TEST_IMAGE]);
    if (r.code !== 0) { throw new Error(`docker import failed: ${r.stderr.trim()}`); }
  }

  /** Runs the engine's CLI against this engine (the client needs no namespace: the socket is a path). */
  docker(args: string[], timeoutMs = 60_000): Promise<ExecResult> {
    return run(DOCKER_CLI, args, { ...process.env, DOCKER_HOST: this.dockerHost }, timeoutMs);
  }

  /**
   * `docker run -d` of the test image; returns the container's id. `args` go before the image
   * (-p, --name, --label, --network), `command` after it (default: busybox httpd on port 80).
   */
  async run(args: string[], command: string[] = ['httpd', '-f', '-p', '80', '-h', '/www']): Promise<string> {
    const r = await this.docker(['run', '-d', ...args, TEST_IMAGE, ...command]);
    if (r.code !== 0) { throw new Error(`docker run failed: ${r.stderr.trim()}`); }
    const id = r.stdout.trim();
    this.containers.add(id);
    return id;
  }

  async inspect(id: string): Promise<{ State: { Status: string; Pid: number }; Name: string }> {
    const r = await this.docker(['inspect', id]);
    if (r.code !== 0) { throw new Error(`docker inspect failed: ${r.stderr.trim()}`); }
    return (JSON.parse(r.stdout) as { State: { Status: string; Pid: number }; Name: string }[])[0];
  }

  /** Runs a command inside the engine's network namespace with DOCKER_HOST set (and `env`). */
  exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<ExecResult> {
    if (this.sameNetns) { return run(cmd, args, { ...process.env, DOCKER_HOST: this.dockerHost, ...env }, timeoutMs); }
    return run('ip', ['netns', 'exec', this.netns, cmd, ...args], { ...process.env, DOCKER_HOST: this.dockerHost, ...env }, timeoutMs);
  }

  /** Removes every container it started, stops the daemon, deletes the namespace and what dockerd left. */
  async destroy(): Promise<void> {
    if (this.daemon && this.daemon.exitCode === null) {
      if (this.containers.size > 0) { await this.docker(['rm', '-f', ...this.containers], 30_000); }
      const exited = new Promise(r => this.daemon!.once('exit', r));
      const pid = readPid(path.join(this.dir, 'dockerd.pid'));
      // the daemon's own pid: containerd, the shims and docker-proxy exit with it
      try { process.kill(pid ?? this.daemon.pid!, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, sleep(20_000)]);
      if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
        try { process.kill(-this.daemon.pid!, 'SIGKILL'); } catch { /* gone */ }
      }
    }
    this.containers.clear();
    if (this.netns) { try { execFileSync('ip', ['netns', 'del', this.netns], { stdio: 'ignore' }); } catch { /* not there */ } }
    removeEmptyDockerCgroups();
    // overlay mounts under the data root are gone with the daemon's mount namespace
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function readPid(file: string): number | undefined {
  try { const n = Number(fs.readFileSync(file, 'utf8').trim()); return n > 1 ? n : undefined; } catch { return undefined; }
}

/** dockerd leaves an empty `docker` cgroup in each hierarchy; rmdir only removes empty ones. */
function removeEmptyDockerCgroups(): void {
  let hierarchies: string[] = [];
  try { hierarchies = fs.readdirSync('/sys/fs/cgroup'); } catch { return; }
  for (const h of hierarchies) {
    const dir = path.join('/sys/fs/cgroup', h, 'docker');
    try {
      for (const sub of fs.readdirSync(dir)) {
        const p = path.join(dir, sub);
        if (fs.statSync(p).isDirectory()) { try { fs.rmdirSync(p); } catch { /* busy: someone else's */ } }
      }
      fs.rmdirSync(dir);
    } catch { /* not there, or not empty: left alone */ }
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ExecResult> {
  return new Promise(resolve => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
