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

/** How long a terminal's Kill and Re-run or a launch waits for a freed port before it gives up. */
export const PORT_FREE_WAIT_MS = 5000;

/** Workspace folders as paths on the machine the processes run on (uri.path also in a remote window). */
export function workspaceFolders(): Folder[] {
  return (vscode.workspace.workspaceFolders ?? []).map(f => ({ name: f.name, path: f.uri.path }));
}
