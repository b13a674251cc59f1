// Activation: builds the shared services once and lets each feature register itself.
// Features own their disposables and push them onto context.subscriptions.
import * as vscode from 'vscode';
import { createServices } from './shared/services';
import { registerPortsView, type PortsViewApi } from './ports/portsView';
import { registerDevPorts, type DevPortsApi } from './devPorts/devPortsController';
import { registerScan, type ScanViewApi } from './scan/scanView';
import { registerTerminal, type TerminalApi } from './terminal/terminalFeature';

/** What activate() returns (vscode.extensions.getExtension(...).exports): used by the integration tests. */
export interface PortInspectorApi {
  ports: PortsViewApi;
  devPorts: DevPortsApi;
  scan: ScanViewApi;
  terminal: TerminalApi;
}

export function activate(context: vscode.ExtensionContext): PortInspectorApi {
  const started = performance.now();
  const services = createServices(context);
  // Feature registrations (one line each): Ports view + commands, scan, dev-port status bar.
  const ports = registerPortsView(context, services);
  const devPorts = registerDevPorts(context, services, ports);
  const scan = registerScan(context, services, ports);
  const terminal = registerTerminal(context, services, ports); // EADDRINUSE in terminals, task-owned ports, launch checks

  // Read by scripts/run-integration-tests.mjs, which reports it (README "Testing"); keep the wording.
  services.log.info(`activate took ${(performance.now() - started).toFixed(1)} ms`);
  return { ports, devPorts, scan, terminal };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
