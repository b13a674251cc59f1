// The Ports view's link to integrated terminals: an owner started from one of this window's
// terminals shows the terminal's name, and "Show Terminal" brings that terminal forward. The tree
// asks provider.terminalName(pid) synchronously; the answers behind it are recomputed when the model
// changes or terminals open/close, from the shared terminal index (whose parent chains are cached
// per process, so a refresh costs nothing for owners already seen).
import * as vscode from 'vscode';
import { showInformation } from '../shared/notify';
import type { PortsModel } from './portsModel';
import { processKey, type PortGroup } from '../shared/portGroups';
import type { PortsTreeProvider } from './portsTree';
import { selectionOfArgument } from './nodeSelection';
import type { ProcessRef, TerminalIndex } from '../shared/terminalOwnership';

export const SHOW_TERMINAL_COMMAND = 'portInspector.showTerminal';
/** The name under which the Ports view keeps its owners' parent chains in the shared index. */
const INDEX_USER = 'portsView';

/** Owner pid → terminal it runs in, for the owners the view lists. */
class ViewTerminals {
  private byPid = new Map<number, vscode.Terminal>();
  private owners: ProcessRef[] = [];

  constructor(private readonly index: TerminalIndex, private readonly changed: () => void) {}

  terminalOf(pid: number): vscode.Terminal | undefined {
    return this.byPid.get(pid);
  }

  /** Recomputes for these owners (or the last ones); calls `changed` when any answer changed. */
  async update(owners: readonly ProcessRef[] = this.owners): Promise<void> {
    this.owners = [...owners];
    const terminals = await this.index.terminals();
    const next = new Map<number, vscode.Terminal>();
    if (terminals.size > 0) {
      for (const o of owners) {
        const t = await this.index.terminalOf(o, terminals);
        if (t) { next.set(o.pid, t); }
      }
      this.index.retain(INDEX_USER, owners);
    }
    const changed = next.size !== this.byPid.size || [...next].some(([pid, t]) => this.byPid.get(pid) !== t);
    this.byPid = next;
    if (changed) { this.changed(); }
  }
}

/**
 * Each owning process once. One process holding thousands of ports is one owner here, and the
 * groups share its owner list, so most groups are skipped by identity without building a key.
 */
function distinctOwners(groups: readonly PortGroup[]): ProcessRef[] {
  const lists = new Set<readonly ProcessRef[]>();
  const byKey = new Map<string, ProcessRef>();
  for (const g of groups) {
    if (lists.has(g.owners)) { continue; }
    lists.add(g.owners);
    for (const o of g.owners) { byKey.set(processKey(o), o); }
  }
  return [...byKey.values()];
}

export function registerPortsViewTerminals(context: vscode.ExtensionContext, index: TerminalIndex, model: PortsModel, provider: PortsTreeProvider): { terminalOf(pid: number): vscode.Terminal | undefined } {
  const terminals = new ViewTerminals(index, () => provider.rerender());
  let shownGroups: readonly PortGroup[] | undefined;
  provider.terminalName = pid => terminals.terminalOf(pid)?.name;
  context.subscriptions.push(
    index.onDidChangeTerminals(() => { void terminals.update(); }),
    model.onDidChange(e => {
      // The same groups again (the "new" marks ran out): the same owners.
      if (e.groups === shownGroups) { return; }
      shownGroups = e.groups;
      void terminals.update(distinctOwners(e.groups));
    }),
    vscode.commands.registerCommand(SHOW_TERMINAL_COMMAND, (arg: unknown) => {
      const terminal = selectionOfArgument(arg).owners.map(o => terminals.terminalOf(o.pid)).find(t => t !== undefined);
      if (!terminal) {
        void showInformation(vscode.l10n.t('This process was not started from a terminal of this window.'));
        return false;
      }
      terminal.show(false);
      return true;
    }),
  );
  return terminals;
}
