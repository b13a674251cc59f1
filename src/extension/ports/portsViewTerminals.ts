// The Ports view's link to integrated terminals (issue 4): an owner started from one of this
// window's terminals shows the terminal's name, and "Show Terminal" brings that terminal forward.
// The tree asks provider.terminalName(pid) synchronously; the index behind it is recomputed when the
// model changes or terminals open/close (ancestry is cached per process, so a refresh costs nothing
// for owners already seen).
import * as vscode from 'vscode';
import type { Collector, SocketOwner } from '../../core/model';
import type { PortsModel } from './portsModel';
import type { PortsNode, PortsTreeProvider } from './portsTree';
import { TerminalIndex } from '../shared/terminalOwnership';

export const SHOW_TERMINAL_COMMAND = 'portInspector.showTerminal';

export function ownersOf(arg: unknown): SocketOwner[] {
  const node = arg as PortsNode | undefined;
  if (!node || typeof node !== 'object') { return []; }
  if (node.kind === 'process') { return [node.owner]; }
  if (node.kind === 'port') { return node.parent?.kind === 'process' ? [node.parent.owner] : node.group.owners; }
  return [];
}

export function registerPortsViewTerminals(context: vscode.ExtensionContext, collector: Collector, model: PortsModel, provider: PortsTreeProvider): TerminalIndex {
  const index = new TerminalIndex(collector);
  provider.terminalName = pid => index.terminalOf(pid)?.name;
  context.subscriptions.push(
    index,
    index.onDidChange(() => provider.rerender()),
    model.onDidChange(() => { void index.update(model.groups.flatMap(g => g.owners)); }),
    vscode.commands.registerCommand(SHOW_TERMINAL_COMMAND, (arg: unknown) => {
      const terminal = ownersOf(arg).map(o => index.terminalOf(o.pid)).find(t => t !== undefined);
      if (!terminal) {
        void vscode.window.showInformationMessage('This process was not started from a terminal of this window.');
        return false;
      }
      terminal.show(false);
      return true;
    }),
  );
  return index;
}
