// Who holds a port right now, and a wait until nobody does: the questions the terminal, task and
// launch checks ask the shared collector (the same engine as the Ports view, in its worker).
import * as vscode from 'vscode';
import type { Collector, Protocol, SocketOwner } from '../../core/model';
import { listenersOnPort } from '../../core/socketQueries';
import type { Folder } from '../../core/terminal/holderText';

export interface PortHolders {
  owners: SocketOwner[];
  /** Users of listening sockets whose owner this window cannot see. */
  hiddenUsers: string[];
}

export async function portHolders(collector: Collector, port: number, protocol: Protocol): Promise<PortHolders> {
  const snapshot = await collector.collect({ listeningOnly: true, protocols: [protocol] });
  const sockets = listenersOnPort(snapshot.sockets, port, protocol);
  const byPid = new Map<number, SocketOwner>();
  for (const s of sockets) { for (const o of s.processes) { if (!byPid.has(o.pid)) { byPid.set(o.pid, o); } } }
  const hiddenUsers = [...new Set(sockets.filter(s => !s.ownerVisible).map(s => s.user || 'another user'))];
  return { owners: [...byPid.values()], hiddenUsers };
}

/** Polls until nothing listens on the port (true) or `timeoutMs` passes (false). */
export async function waitUntilFree(collector: Collector, port: number, protocol: Protocol, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = await collector.collect({ listeningOnly: true, protocols: [protocol], owners: false });
    if (listenersOnPort(snapshot.sockets, port, protocol).length === 0) { return true; }
    if (Date.now() >= deadline) { return false; }
    await new Promise(r => setTimeout(r, 150));
  }
}

/** Workspace folders as paths on the machine the processes run on (uri.path also in a remote window). */
export function workspaceFolders(): Folder[] {
  return (vscode.workspace.workspaceFolders ?? []).map(f => ({ name: f.name, path: f.uri.path }));
}
