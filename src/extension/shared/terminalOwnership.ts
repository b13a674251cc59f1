// Which integrated terminal of this window a process was started from: the terminal's shell pid
// (Terminal.processId) is the process itself or one of its ancestors. Used by the dev-port status bar
// and offered to the Ports view (a port held from a terminal shows that terminal's name).
import * as vscode from 'vscode';
import type { Collector } from '../../core/model';
import { ancestorPids } from '../../core/process/ancestry';

/** Shell pid → terminal, for every terminal of this window whose process has started. */
export async function terminalsByPid(): Promise<Map<number, vscode.Terminal>> {
  const out = new Map<number, vscode.Terminal>();
  await Promise.all(vscode.window.terminals.map(async t => {
    // processId never settles for some extension terminals (pseudoterminals): do not wait forever.
    const pid = await Promise.race([Promise.resolve(t.processId), new Promise<undefined>(r => setTimeout(() => r(undefined), 1000))]).catch(() => undefined);
    if (typeof pid === 'number' && pid > 0) { out.set(pid, t); }
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
  for (const p of [pid, ...(ancestors ?? await ancestorPids(pid, collector))]) {
    const t = terminals.get(p);
    if (t) { return t; }
  }
  return undefined;
}

/** Owner pid → name of the integrated terminal it runs in, kept current for the Ports view. */
export class TerminalIndex implements vscode.Disposable {
  private byPid = new Map<number, vscode.Terminal>();
  /** pid@startTime → parent chain; a live process's ancestry does not change while its terminal lives. */
  private readonly ancestry = new Map<string, number[]>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private owners: { pid: number; startTime: number }[] = [];

  constructor(private readonly collector: Collector) {
    const again = () => { void this.update(this.owners); };
    this.subscriptions = [vscode.window.onDidOpenTerminal(again), vscode.window.onDidCloseTerminal(again), this.emitter];
  }

  terminalOf(pid: number): vscode.Terminal | undefined {
    return this.byPid.get(pid);
  }

  /** Recomputes for these owners; fires onDidChange when any answer changed. */
  async update(owners: readonly { pid: number; startTime: number }[]): Promise<void> {
    this.owners = [...owners];
    const terminals = await terminalsByPid();
    const next = new Map<number, vscode.Terminal>();
    if (terminals.size > 0) {
      const live = new Set<string>();
      for (const o of owners) {
        const key = `${o.pid}@${o.startTime}`;
        live.add(key);
        let chain = this.ancestry.get(key);
        if (!chain) {
          chain = await ancestorPids(o.pid, this.collector).catch(() => []);
          this.ancestry.set(key, chain);
        }
        const t = [o.pid, ...chain].map(p => terminals.get(p)).find(x => x !== undefined);
        if (t) { next.set(o.pid, t); }
      }
      for (const k of this.ancestry.keys()) { if (!live.has(k)) { this.ancestry.delete(k); } }
    }
    const changed = next.size !== this.byPid.size || [...next].some(([pid, t]) => this.byPid.get(pid) !== t);
    this.byPid = next;
    if (changed) { this.emitter.fire(); }
  }

  dispose(): void {
    for (const s of this.subscriptions) { s.dispose(); }
  }
}
