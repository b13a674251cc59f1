// What other features may ask of the Ports view without importing it: refresh it (after a kill),
// reveal a port's row (from the status bar, the scan results, Who Is Using Port), which terminal a
// listed owner runs in and which owners a row stands for (the terminal feature's task commands). The
// Ports feature registers the implementation when it is built; until then (or if it is not built)
// refreshing does nothing, revealing answers false and nothing is known of terminals or rows. The
// other way round, the terminal feature tells the view which task runs in a terminal.
import type * as vscode from 'vscode';
import type { Protocol, SocketOwner } from '../../core/model';

export interface PortsViewActions {
  refresh(): Promise<void>;
  /** Refresh, then select and focus the port's row (false when it is not listed). */
  revealPort(protocol: Protocol, port: number): Promise<boolean>;
  /** The terminal of this window a listed owner runs in. */
  terminalOf(pid: number): vscode.Terminal | undefined;
  /** The owners a Ports view row (a command's argument) stands for. */
  ownersOf(row: unknown): SocketOwner[];
  /** Draws the rows again (labels changed, the sockets did not). */
  rerender(): void;
}

export type TaskNamer = (terminal: vscode.Terminal | undefined) => string | undefined;

export class PortsViewLink implements PortsViewActions {
  private impl: PortsViewActions | undefined;
  private taskNamer: TaskNamer = () => undefined;

  register(impl: PortsViewActions): vscode.Disposable {
    this.impl = impl;
    return { dispose: () => { if (this.impl === impl) { this.impl = undefined; } } };
  }

  refresh(): Promise<void> {
    return this.impl?.refresh() ?? Promise.resolve();
  }

  revealPort(protocol: Protocol, port: number): Promise<boolean> {
    return this.impl?.revealPort(protocol, port) ?? Promise.resolve(false);
  }

  terminalOf(pid: number): vscode.Terminal | undefined {
    return this.impl?.terminalOf(pid);
  }

  ownersOf(row: unknown): SocketOwner[] {
    return this.impl?.ownersOf(row) ?? [];
  }

  rerender(): void {
    this.impl?.rerender();
  }

  /** Set by the terminal feature: the name of the running task whose terminal this is. */
  setTaskNamer(namer: TaskNamer): void {
    this.taskNamer = namer;
    this.rerender();
  }

  taskOfTerminal(terminal: vscode.Terminal | undefined): string | undefined {
    return this.taskNamer(terminal);
  }
}
