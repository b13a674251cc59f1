// The extension's shared, long-lived objects, built once at activation and handed to each feature
// when it is built: one collector (it keeps the warm owner cache), the log, the settings reader, the
// kill flow, the terminal/ancestry index and the link to the Ports view. Features get them from here
// rather than making their own or reaching into each other.
import * as vscode from 'vscode';
import { WorkerCollector } from './collector/workerCollector';
import { KillFlow } from './killFlow';
import { PortsViewLink } from './portsViewLink';
import { Settings } from './settings';
import { TerminalIndex } from './terminalOwnership';

export interface Services {
  /**
   * Runs in a worker thread (started on first use): the /proc walk is synchronous and would
   * otherwise block the extension host. Same interface as any other collector, plus the Ports
   * view's collection of port groups.
   */
  collector: WorkerCollector;
  log: vscode.LogOutputChannel;
  settings: Settings;
  /** Confirmation, protected pids, signal and wait for the port; refreshes the Ports view afterwards. */
  killFlow: KillFlow;
  /** Which terminal a process runs in, with the one cache of parent chains. */
  terminals: TerminalIndex;
  /** Refresh the Ports view or reveal a port in it, whichever feature asks. */
  portsView: PortsViewLink;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Port Inspector', { log: true });
  context.subscriptions.push(log);
  const collector = new WorkerCollector({
    scriptPath: context.asAbsolutePath('dist/collectorWorker.js'),
    onFallback: reason => log.warn(`Collecting on the extension host thread instead of a worker: ${reason}`),
  });
  const settings = new Settings(log);
  const portsView = new PortsViewLink();
  const killFlow = new KillFlow({ collector, log, settings, refresh: () => portsView.refresh() });
  const terminals = new TerminalIndex(collector);
  context.subscriptions.push(collector, terminals);
  return { collector, log, settings, killFlow, terminals, portsView };
}
