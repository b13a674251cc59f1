// Title-bar commands of the Ports view: refresh, filter, grouping and the connections toggle.
import * as vscode from 'vscode';
import type { PortsContext } from '../portsView';

export function registerViewCommands(context: vscode.ExtensionContext, ctx: PortsContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('portInspector.refresh', () => ctx.refresh('manual')),
    vscode.commands.registerCommand('portInspector.filter', async (text?: unknown) => {
      // An argument sets the filter without UI (tests, keybindings with args).
      if (typeof text === 'string' || typeof text === 'number') {
        ctx.setFilter(String(text).trim() === '' ? undefined : String(text));
        return;
      }
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter the Ports view'),
        prompt: vscode.l10n.t('A port (3000), a range (3000-3999), or part of a process name or command line. Empty clears the filter.'),
        value: ctx.options.filter?.text ?? '',
      });
      if (value === undefined) { return; }
      ctx.setFilter(value.trim() === '' ? undefined : value);
    }),
    vscode.commands.registerCommand('portInspector.clearFilter', () => ctx.setFilter(undefined)),
    vscode.commands.registerCommand('portInspector.groupByProcess', () => ctx.setGroupByProcess(true)),
    vscode.commands.registerCommand('portInspector.groupByPort', () => ctx.setGroupByProcess(false)),
    vscode.commands.registerCommand('portInspector.showConnections', () => ctx.setShowConnections(true)),
    vscode.commands.registerCommand('portInspector.hideConnections', () => ctx.setShowConnections(false)),
  );
}
