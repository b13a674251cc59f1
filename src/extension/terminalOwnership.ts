// Which integrated terminal of this window a process was started from: the terminal's shell pid
// (Terminal.processId) is the process itself or one of its ancestors. Used by the dev-port status bar
// and offered to the Ports view (a port held from a terminal shows that terminal's name).
import * as vscode from 'vscode';
import type { Collector } from '../core/model';
import { ancestorPids } from '../core/process/ancestry';

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
