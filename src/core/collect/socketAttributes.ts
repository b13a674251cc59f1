// The bound interface and IPV6_V6ONLY of listening sockets, which /proc/net does not carry: from
// iproute2's `ss -tulneH` (sock_diag netlink, which Node cannot speak), run without `-p` so that
// it walks no process fds (that walk is what makes `ss -p` slow; the collector does its own).
//
// Cached by inode: a listening socket's interface and v6only flag are set before it binds or
// listens and practically never change afterwards, so a refresh in which no listening socket is
// new runs no `ss` at all. The cached interface name is checked against the kernel's index of that
// name, so an interface renamed between two refreshes makes its sockets be asked about again
// rather than shown under the old name.
import * as fs from 'node:fs';
import { runCommand } from './runCommand';
import { parseSsListeners, type SocketAttributes } from './ssParser';
import { unixTool } from '../platform/systemTools';

export type { SocketAttributes } from './ssParser';

export const UNKNOWN_ATTRIBUTES: SocketAttributes = Object.freeze({ boundDevice: null, ipv6Only: null });

/** After a failed `ss` run, how long before it is tried again (a hung or broken ss is not run every refresh). */
const RETRY_AFTER_MS = 60_000;
const SS_TIMEOUT_MS = 5_000;

export interface AttributeSourceOptions {
  /** The `ss` to run; undefined: none (the attributes stay null). Default: the system's root-owned ss. */
  ss?: string;
  /** Where interfaces are listed (default /sys/class/net); tests point it elsewhere. */
  sysNet?: string;
  now?: () => number;
}

export class SocketAttributeSource {
  readonly ss: string | undefined;
  /** How many times `ss` was run (tests and the benchmark check that a warm refresh runs none). */
  runs = 0;
  private readonly cache = new Map<number, SocketAttributes>();
  /** Interface name → its ifindex when first seen, to notice a rename. */
  private readonly devices = new Map<string, string | undefined>();
  private readonly sysNet: string;
  private readonly now: () => number;
  private failedAt = -Infinity;
  /** Whether the cache changed since it was imported (the CLI saves it only then). */
  changed = false;

  constructor(options: AttributeSourceOptions = {}) {
    this.ss = 'ss' in options ? options.ss : unixTool('ss');
    this.sysNet = options.sysNet ?? '/sys/class/net';
    this.now = options.now ?? Date.now;
  }

  /** The attributes known for this inode (UNKNOWN_ATTRIBUTES until `ss` has told). */
  get(inode: number): SocketAttributes {
    return this.cache.get(inode) ?? UNKNOWN_ATTRIBUTES;
  }

  /**
   * Makes sure the attributes of these listening sockets are known: runs `ss` (in a child, so it
   * overlaps whatever the caller does before awaiting) when one of them is new, else returns
   * undefined and costs nothing. Never rejects: without a usable ss the attributes stay null.
   */
  refresh(inodes: readonly number[], complete = true): Promise<void> | undefined {
    this.forgetRenamedDevices();
    if (this.ss === undefined || this.now() - this.failedAt < RETRY_AFTER_MS) { return undefined; }
    const missing = inodes.filter(i => i !== 0 && !this.cache.has(i));
    if (missing.length === 0) { return undefined; }
    // `complete`: these are all the listening sockets, so cached ones not among them are gone.
    return this.run(this.ss, missing, complete ? inodes : undefined);
  }

  /** Runs `ss` now, whatever is cached (the CLI's one-shot path, which has nothing cached). */
  start(): Promise<void> | undefined {
    if (this.ss === undefined) { return undefined; }
    return this.run(this.ss, [], undefined);
  }

  private async run(ss: string, missing: readonly number[], present: readonly number[] | undefined): Promise<void> {
    this.runs++;
    let text: string;
    try {
      text = (await runCommand(ss, ['-tulneH'], { timeoutMs: SS_TIMEOUT_MS, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } })).stdout.toString('utf8');
    } catch {
      this.failedAt = this.now();
      return;
    }
    const parsed = parseSsListeners(text);
    if (present) { this.prune(present); }
    this.changed = true;
    for (const [inode, attrs] of parsed.byInode) { this.cache.set(inode, attrs); this.noteDevice(attrs.boundDevice); }
    // A socket in the table before ss ran and absent from its answer has closed in between: known
    // as unknown, so that it does not make every later refresh run ss again.
    for (const inode of missing) { if (!this.cache.has(inode)) { this.cache.set(inode, UNKNOWN_ATTRIBUTES); } }
  }

  /**
   * The cache for the CLI's next run: the inodes grouped by their answer ([boundDevice, ipv6Only,
   * [inode, …]]: a few flat number arrays parse fastest), with this boot's id (inode numbers start
   * over at boot) and each interface's index (a rename is noticed).
   */
  exportCache(boot: string): object {
    const groups = new Map<SocketAttributes, number[]>();
    const canonical = new Map<string, SocketAttributes>();
    for (const [inode, a] of this.cache) {
      const key = `${a.boundDevice}\0${a.ipv6Only}`;
      let same = canonical.get(key);
      if (!same) { same = a; canonical.set(key, a); groups.set(a, []); }
      groups.get(same)!.push(inode);
    }
    return { boot, devices: [...this.devices], groups: [...groups].map(([a, inodes]) => [a.boundDevice, a.ipv6Only, inodes]) };
  }

  /** Takes a cache exportCache() wrote in this boot; anything else (another boot, damage) is ignored. */
  importCache(data: unknown, boot: string): boolean {
    const d = data as { boot?: unknown; devices?: unknown; groups?: unknown };
    if (typeof d !== 'object' || d === null || d.boot !== boot || !Array.isArray(d.devices) || !Array.isArray(d.groups)) { return false; }
    const str = (v: unknown): v is string => typeof v === 'string';
    for (const e of d.devices as unknown[]) {
      if (Array.isArray(e) && str(e[0]) && (e[1] === undefined || e[1] === null || str(e[1]))) { this.devices.set(e[0], e[1] ?? undefined); }
    }
    for (const g of d.groups as unknown[]) {
      if (!Array.isArray(g) || !(g[0] === null || str(g[0])) || !(g[1] === null || typeof g[1] === 'boolean') || !Array.isArray(g[2])) { continue; }
      const attrs: SocketAttributes = { boundDevice: g[0] as string | null, ipv6Only: g[1] as boolean | null };
      for (const inode of g[2] as unknown[]) { if (Number.isSafeInteger(inode)) { this.cache.set(inode as number, attrs); } }
    }
    return true;
  }

  /** Drops sockets that are gone (the cache would otherwise grow with every socket ever seen). */
  private prune(present: readonly number[]): void {
    if (this.cache.size <= present.length) { return; }
    const live = new Set(present);
    for (const inode of this.cache.keys()) { if (!live.has(inode)) { this.cache.delete(inode); this.changed = true; } }
  }

  private noteDevice(name: string | null): void {
    if (name && !this.devices.has(name)) { this.devices.set(name, this.ifindex(name)); }
  }

  private ifindex(name: string): string | undefined {
    try { return fs.readFileSync(`${this.sysNet}/${name}/ifindex`, 'utf8').trim(); } catch { return undefined; }
  }

  /** One small read per interface in use: a name now on another index (or gone) is asked again. */
  private forgetRenamedDevices(): void {
    for (const [name, index] of this.devices) {
      if (index === undefined || this.ifindex(name) === index) { continue; }
      this.devices.delete(name);
      for (const [inode, attrs] of this.cache) { if (attrs.boundDevice === name) { this.cache.delete(inode); } }
    }
  }
}
