// Which integrated terminal of this window a process was started from: the terminal's shell pid
// (Terminal.processId) is the process itself or one of its ancestors. One index for the whole
// extension, with one cache of parent chains: the Ports view (terminal names on its rows), the
// dev-port status bar (whose process holds a watched port) and the terminal feature (which task or
// terminal a port's holder runs in) all ask it.
import * as vscode from 'vscode';
import type { Collector } from '../../core/model';
import { ancestorPids } from '../../core/process/ancestry';

/** A process as the index knows it: pid plus start time, so a reused pid is another process. */
export interface ProcessRef { pid: number; startTime: number }

/** A terminal's shell pid, or undefined when it has none (yet). */
export async function shellPidOf(t: vscode.Terminal): Promise<number | undefined> {
  // processId never settles for some extension terminals (pseudoterminals): do not wait forever.
  const pid = await Promise.race([Promise.resolve(t.processId), new Promise<undefined>(r => setTimeout(() => r(undefined), 1000))]).catch(() => undefined);
  return typeof pid === 'number' && pid > 0 ? pid : undefined;
}

/** Shell pid → terminal, for every terminal of this window whose process has started. */
export async function terminalsByPid(): Promise<Map<number, vscode.Terminal>> {
  const out = new Map<number, vscode.Terminal>();
  await Promise.all(vscode.window.terminals.map(async t => {
    const pid = await shellPidOf(t);
    if (pid !== undefined) { out.set(pid, t); }
  }));
  return out;
}

/**
 * The terminal `pid` runs in (directly or as a descendant of its shell), or undefined.
 * `ancestors` can be passed when the caller already has the parent chain.
 */
export async function terminalForPid(pid: number, collector: Collector, ancestors?: readonly number[]): Promise<vscode.Terminal | undefined> {
  const terminals = await terminalsByPid();
  if (terminals.size === 0) { return undefined; }
  return firstTerminal(terminals, pid, ancestors ?? await ancestorPids(pid, collector));
}

function firstTerminal(terminals: ReadonlyMap<number, vscode.Terminal>, pid: number, ancestors: readonly number[]): vscode.Terminal | undefined {
  for (const p of [pid, ...ancestors]) {
    const t = terminals.get(p);
    if (t) { return t; }
  }
  return undefined;
}

const refKey = (p: ProcessRef) => `${p.pid}@${p.startTime}`;

export class TerminalIndex implements vscode.Disposable {
  /** pid@startTime → parent chain; a live process's ancestry does not change while it lives. */
  private readonly ancestry = new Map<string, number[]>();
  /** Which processes each user of the index still cares about; a chain nobody needs is dropped. */
  private readonly retained = new Map<string, Set<string>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** A terminal of this window opened or closed: answers may have changed. */
  readonly onDidChangeTerminals = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly collector: Collector) {
    const fire = () => this.emitter.fire();
    this.subscriptions = [vscode.window.onDidOpenTerminal(fire), vscode.window.onDidCloseTerminal(fire), this.emitter];
  }

  /** Shell pid → terminal, right now. */
  terminals(): Promise<Map<number, vscode.Terminal>> {
    return terminalsByPid();
  }

  /** The parent chain of a process (parent first), read once per process and cached. */
  async ancestorsOf(p: ProcessRef): Promise<number[]> {
    const key = refKey(p);
    let chain = this.ancestry.get(key);
    if (!chain) {
      chain = await ancestorPids(p.pid, this.collector).catch(() => []);
      this.ancestry.set(key, chain);
    }
    return chain;
  }

  /** The terminal a process runs in, given the current terminals (see terminals()). */
  async terminalOf(p: ProcessRef, terminals: ReadonlyMap<number, vscode.Terminal>): Promise<vscode.Terminal | undefined> {
    if (terminals.size === 0) { return undefined; }
    return firstTerminal(terminals, p.pid, await this.ancestorsOf(p));
  }

  /**
   * `user` now cares only about `live`: chains of processes no user names any more are forgotten
   * (their pids may be reused by unrelated processes).
   */
  retain(user: string, live: readonly ProcessRef[]): void {
    this.retained.set(user, new Set(live.map(refKey)));
    for (const key of this.ancestry.keys()) {
      if (![...this.retained.values()].some(s => s.has(key))) { this.ancestry.delete(key); }
    }
  }

  /** Cached chains (for tests of the cache's bounds). */
  get cachedChains(): number { return this.ancestry.size; }

  dispose(): void {
    for (const s of this.subscriptions) { s.dispose(); }
  }
}
