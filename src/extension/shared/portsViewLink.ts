// What other features may ask of the Ports view without importing it: refresh it (after a kill) and
// reveal a port's row (from the status bar, the scan results, Who Is Using Port). The Ports feature
// registers the implementation when it is built; until then (or if it is not built) refreshing does
// nothing and revealing answers false.
import type * as vscode from 'vscode';
import type { Protocol } from '../../core/model';

export interface PortsViewActions {
  refresh(): Promise<void>;
  /** Refresh, then select and focus the port's row (false when it is not listed). */
  revealPort(protocol: Protocol, port: number): Promise<boolean>;
}

export class PortsViewLink implements PortsViewActions {
  private impl: PortsViewActions | undefined;

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
}
