// Activation only wires: it builds the shared services once, hands them to each feature as it is
// built, and returns the API assembled from what the features expose. Features own their
// disposables and push them onto context.subscriptions.
import * as vscode from 'vscode';
import { createServices } from './shared/services';
import { registerPortsView, type PortsViewApi } from './ports/portsView';
import { registerDevPorts, type DevPortsApi } from './devPorts/devPortsController';
import { registerScan, type ScanViewApi } from './scan/scanView';
import { registerTerminal, type TerminalApi } from './terminal/terminalFeature';

/**
 * What activate() returns (`vscode.extensions.getExtension('port-inspector.port-inspector').exports`).
 * For the integration tests and for other extensions; the extension's own features never use it
 * (they share services instead). See docs/extension-structure.md.
 */
export interface PortInspectorApi {
  /** The Ports view: refresh, read the rendered tree and its state, reveal a port. */
  ports: PortsViewApi;
  /** The dev-server port status bar: its state, checks, and its actions (stop, kill, reveal, ignore). */
  devPorts: DevPortsApi;
  /** The Scan Results view: the entries and the rendered tree. */
  scan: ScanViewApi;
  /** Port conflicts met in terminals, task-owned ports and the check before a launch configuration starts. */
  terminal: TerminalApi;
}

export function activate(context: vscode.ExtensionContext): PortInspectorApi {
  const started = performance.now();
  const services = createServices(context);
  const ports = registerPortsView(context, services);
  const devPorts = registerDevPorts(context, services);
  const scan = registerScan(context, services);
  const terminal = registerTerminal(context, services);

  // Read by scripts/run-integration-tests.mjs, which reports it; keep the wording.
  services.log.info(`activate took ${(performance.now() - started).toFixed(1)} ms`);
  return { ports, devPorts, scan, terminal };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
