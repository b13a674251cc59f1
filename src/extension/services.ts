// Shared, long-lived objects of the extension: one collector (it keeps the warm owner cache) and
// the output channel. Features get them from here rather than making their own.
import * as vscode from 'vscode';
import { createCollector } from '../core/collect/createCollector';
import type { Collector } from '../core/model';

export interface Services {
  collector: Collector;
  log: vscode.LogOutputChannel;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Port Inspector', { log: true });
  context.subscriptions.push(log);
  return { collector: createCollector(), log };
}
