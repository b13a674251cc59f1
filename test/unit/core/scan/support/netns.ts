// Network namespaces the scan tests (and bench:scan) build and tear down themselves: a scanner
// namespace and a target namespace joined by a veth pair, addressed from 198.18.0.0/30 (RFC 2544's
// benchmarking range) and fd00:5ca::/64, which exist only inside these namespaces. Firewall rules
// are nftables in the target namespace. Nothing is configured in the root namespace.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { TargetConfig } from './targetServer';
import { outRoot } from '../../../support/paths';

export const SCANNER_V4 = '198.18.0.1';
export const TARGET_V4 = '198.18.0.2';
export const TARGET_V6 = 'fd00:5ca::2';

/** Why namespaced tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') { return 'network namespaces are Linux-only'; }
  if (process.getuid?.() !== 0) { return 'creating network namespaces needs root (run npm test as root, as CI does)'; }
  for (const cmd of ['ip', 'nft']) {
    try { execFileSync(cmd, ['-V'], { stdio: 'ignore' }); } catch { return `"${cmd}" is not installed (apt-get install iproute2 nftables)`; }
  }
  return undefined;
}

export function hasNmap(): boolean {
  try { execFileSync('nmap', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export class TestNet {
  readonly scanner: string;
  readonly target: string;
  private children: ChildProcess[] = [];

  constructor(tag: string) {
    // pid in the names: parallel runs and leftovers of a crashed run never collide
    this.scanner = `pis_${tag}_${process.pid}`;
    this.target = `pit_${tag}_${process.pid}`;
  }

  create(): void {
    this.destroy();
    run('ip', ['netns', 'add', this.scanner]);
    run('ip', ['netns', 'add', this.target]);
    const vs = `vs${process.pid % 100000}`, vt = `vt${process.pid % 100000}`;
    run('ip', ['-n', this.scanner, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', this.target, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', this.scanner, 'link', 'add', vs, 'type', 'veth', 'peer', 'name', vt, 'netns', this.target]);
    run('ip', ['-n', this.scanner, 'addr', 'add', `${SCANNER_V4}/30`, 'dev', vs]);
    run('ip', ['-n', this.target, 'addr', 'add', `${TARGET_V4}/30`, 'dev', vt]);
    run('ip', ['-n', this.scanner, 'addr', 'add', 'fd00:5ca::1/64', 'dev', vs, 'nodad']);
    run('ip', ['-n', this.target, 'addr', 'add', `${TARGET_V6}/64`, 'dev', vt, 'nodad']);
    run('ip', ['-n', this.scanner, 'link', 'set', vs, 'up']);
    run('ip', ['-n', this.target, 'link', 'set', vt, 'up']);
  }

  /** nftables ruleset text for the target's input chain (replaces any previous one). */
  firewall(rules: string[]): void {
    try { run('ip', ['netns', 'exec', this.target, 'nft', 'delete', 'table', 'inet', 'pitest']); } catch { /* none yet */ }
    const text = `table inet pitest {\n chain input {\n  type filter hook input priority 0; policy accept;\n  ${rules.join('\n  ')}\n }\n}\n`;
    run('ip', ['netns', 'exec', this.target, 'nft', '-f', '-'], text);
  }

  clearFirewall(): void {
    try { run('ip', ['netns', 'exec', this.target, 'nft', 'delete', 'table', 'inet', 'pitest']); } catch { /* none */ }
  }

  /** icmp_ratelimit in ms per peer (0 = off) for IPv4 and IPv6 in the target namespace. */
  icmpRateLimit(ms: number): void {
    run('ip', ['netns', 'exec', this.target, 'sysctl', '-qw', `net.ipv4.icmp_ratelimit=${ms}`, `net.ipv6.icmp.ratelimit=${ms}`]);
  }

  async startTarget(cfg: TargetConfig): Promise<void> {
    const script = path.join(__dirname, 'targetServer.js');
    const child = spawn('ip', ['netns', 'exec', this.target, process.execPath, script, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', d => { err += String(d); });
      child.stdout!.on('data', d => { if (String(d).includes('ready')) { resolve(); } });
      child.on('exit', code => reject(new Error(`target server exited (${code}): ${err.trim()}`)));
    });
  }

  /** Runs a command inside the scanner namespace (or `ns`); resolves with stdout (rejects on non-zero exit). */
  exec(cmd: string, args: string[], timeoutMs = 300_000, ns = this.scanner): Promise<{ stdout: string; ms: number }> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '', err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', d => { out += String(d); });
      child.stderr.on('data', d => { err += String(d); });
      child.on('exit', code => {
        clearTimeout(timer);
        if (code === 0) { resolve({ stdout: out, ms: performance.now() - t0 }); }
        else { reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().split('\n').pop()}`)); }
      });
    });
  }

  destroy(): void {
    for (const c of this.children) { if (c.exitCode === null && c.pid) { try { process.kill(c.pid, 'SIGTERM'); } catch { /* gone */ } } }
    this.children = [];
    for (const ns of [this.scanner, this.target]) {
      try { run('ip', ['netns', 'del', ns]); } catch { /* not there */ }
    }
  }
}

/** The CLI as transpiled for tests (out/src/cli.js), runnable inside a namespace. */
export function cliPath(): string {
  return path.join(outRoot, 'src/cli.js');
}
