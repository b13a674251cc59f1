// Shared, long-lived objects of the extension: one collector (it keeps the warm owner cache) and
// the output channel. Features get them from here rather than making their own.
import * as vscode from 'vscode';
import type { Collector } from '../../core/model';
import { WorkerCollector } from './collector/workerCollector';

export interface Services {
  /**
   * Runs in a worker thread (started on first use): the /proc walk is synchronous and would
   * otherwise block the extension host. Same interface as any other collector.
   */
  collector: Collector;
  log: vscode.LogOutputChannel;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Port Inspector', { log: true });
  context.subscriptions.push(log);
  const collector = new WorkerCollector({
    scriptPath: context.asAbsolutePath('dist/collectorWorker.js'),
    onFallback: reason => log.warn(`Collecting on the extension host thread instead of a worker: ${reason}`),
  });
  context.subscriptions.push(collector);
  return { collector, log };
}
