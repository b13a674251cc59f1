// Activation: builds the shared services once and lets each feature register itself.
// Features own their disposables and push them onto context.subscriptions.
import * as vscode from 'vscode';
import { createServices } from './services';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const services = createServices(context);
  void services;
  // Feature registrations (one line each): Ports view + commands, scan, dev-port status bar.

  // Read by scripts/run-integration-tests.mjs, which reports it (README "Testing"); keep the wording.
  services.log.info(`activate took ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
