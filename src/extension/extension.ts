// Activation: builds the shared services once and lets each feature register itself.
// Features own their disposables and push them onto context.subscriptions.
import * as vscode from 'vscode';
import { createServices } from './services';

export function activate(context: vscode.ExtensionContext): void {
  const services = createServices(context);
  void services;
  // Feature registrations (one line each): Ports view + commands, scan, dev-port status bar.
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
