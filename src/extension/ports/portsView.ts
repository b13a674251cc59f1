// Wires the Ports view: model, tree provider, tree view, refresh scheduler, view state (grouping,
// connections toggle, filter) with its context keys, title-bar description and explanatory messages,
// and every Ports command. registerPortsView is the one line extension.ts calls.
import * as vscode from 'vscode';
import type { Protocol } from '../../core/model';
import type { Services } from '../shared/services';
import { PortsModel } from './portsModel';
import { PortsTreeProvider, type PortsNode, type ViewOptions } from './portsTree';
import { RefreshScheduler, type RefreshReason } from './refreshScheduler';
import type { KillFlow } from '../shared/killFlow';
import { registerPortsViewTerminals } from './portsViewTerminals';
import { selectionOfArgument } from './nodeSelection';
import { parseFilter } from '../shared/portGroups';
import { hiddenOwnerNote } from '../shared/hiddenOwner';
import { registerViewCommands } from './commands/viewCommands';
import { registerItemCommands } from './commands/itemCommands';
import { registerWhoIsUsingPort } from './commands/whoIsUsingPort';
import { registerKillPort } from './commands/killPort';

export const VIEW_ID = 'portInspector.ports';
const STATE_GROUP = 'portInspector.groupByProcess';
const STATE_CONNECTIONS = 'portInspector.showConnections';

export type ViewState = 'loading' | 'empty' | 'filteredEmpty' | 'error' | 'ok';

/** One rendered tree item, as the tests (and anyone using the API) read the view. */
export interface RenderedItem {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
  icon: string;
  /** ThemeColor id of the icon ('' for none): charts.green = new, charts.orange = reachable from the network. */
  iconColor: string;
  children: RenderedItem[];
}

export interface PortsViewApi {
  /** Collect now (as the Refresh button does) and wait for it. */
  refresh(): Promise<void>;
  /** The whole tree as the view renders it (every node expanded). */
  renderTree(): Promise<RenderedItem[]>;
  /** Collections the view has run since activation. */
  collections(): number;
  viewVisible(): boolean;
  polling(): boolean;
  /** Where collection runs: in the worker thread (normal) or on the extension host thread (fallback). */
  collector(): { worker: boolean; threadId: number | undefined; workerStarts: number; /** collections the worker answered with "unchanged" */ unchangedAnswers: number };
  state(): { viewState: ViewState; description: string | undefined; message: string | undefined; groupByProcess: boolean; showConnections: boolean; filter: string | undefined };
  /**
   * Refresh, then select and focus a port's row, clearing a filter that hides it (false when it is not
   * listed), as "Reveal in Ports View" does.
   */
  revealPort(protocol: Protocol, port: number): Promise<boolean>;
  /** The Ports view's automatic refresh interval in milliseconds (0 = off), as the timer uses it. */
  refreshIntervalMs(): number;
  /** The collector worker's V8 heap in bytes (for the view benchmark); undefined without a worker. */
  collectorHeap(): Promise<{ used: number; total: number; external: number; malloced: number } | undefined>;
}

/** What the commands share. */
export interface PortsContext {
  services: Services;
  model: PortsModel;
  provider: PortsTreeProvider;
  view: vscode.TreeView<PortsNode>;
  killFlow: KillFlow;
  options: ViewOptions;
  refresh(reason: RefreshReason): Promise<void>;
  setGroupByProcess(on: boolean): Promise<void>;
  setShowConnections(on: boolean): Promise<void>;
  setFilter(text: string | undefined): void;
  revealPort(protocol: Protocol, port: number): Promise<boolean>;
}

export function registerPortsView(context: vscode.ExtensionContext, services: Services): PortsViewApi {
  const { log } = services;
  const model = new PortsModel(services.collector, log);
  const options: ViewOptions = {
    groupByProcess: context.globalState.get<boolean>(STATE_GROUP, false),
    showConnections: context.globalState.get<boolean>(STATE_CONNECTIONS, false),
    filter: undefined,
  };
  model.includeConnections = options.showConnections;
  const provider = new PortsTreeProvider(model, () => options);
  const terminals = registerPortsViewTerminals(context, services.terminals, model, provider);
  provider.taskName = pid => services.portsView.taskOfTerminal(terminals.terminalOf(pid));
  const view = vscode.window.createTreeView<PortsNode>(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const scheduler = new RefreshScheduler(view, () => model.collect(), log, services.settings);
  const refresh = (reason: RefreshReason) => scheduler.refresh(reason);
  const { killFlow } = services;
  context.subscriptions.push(model, provider, view, scheduler);

  let viewState: ViewState = 'loading';
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const updateChrome = () => {
    const shown = provider.visibleGroups();
    viewState = model.error !== undefined && !model.hasData ? 'error'
      : !model.loaded ? 'loading'
      : model.groups.length === 0 ? 'empty'
      : shown.length === 0 ? 'filteredEmpty' : 'ok';
    setContext('portInspector.viewState', viewState);
    setContext('portInspector.filtered', options.filter !== undefined);
    setContext('portInspector.groupByProcess', options.groupByProcess);
    setContext('portInspector.showConnections', options.showConnections);
    view.description = options.filter ? vscode.l10n.t('filter: {0}', options.filter.text) : undefined;
    const notes: string[] = [];
    if (model.error !== undefined && model.hasData) { notes.push(vscode.l10n.t('Last refresh failed ({0}); showing older data.', model.error)); }
    if (options.filter && shown.length > 0) { notes.push(vscode.l10n.t('Showing {0} of {1} ports matching "{2}".', shown.length, model.groups.length, options.filter.text)); }
    const hidden = shown.filter(g => g.hasHiddenOwner);
    if (hidden.length > 0) {
      notes.push(hiddenOwnerNote([...new Set(hidden.flatMap(g => g.hiddenOwnerUsers))], vscode.l10n));
    }
    view.message = notes.length > 0 ? notes.join(' ') : undefined;
  };
  updateChrome();
  context.subscriptions.push(model.onDidChange(updateChrome));

  const ctx: PortsContext = {
    services, model, provider, view, killFlow, options, refresh,
    async setGroupByProcess(on) {
      options.groupByProcess = on;
      await context.globalState.update(STATE_GROUP, on);
      updateChrome();
      provider.rerender();
    },
    async setShowConnections(on) {
      options.showConnections = on;
      model.includeConnections = on;
      await context.globalState.update(STATE_CONNECTIONS, on);
      updateChrome();
      await refresh('toggle');
    },
    setFilter(text) {
      options.filter = text === undefined ? undefined : parseFilter(text);
      updateChrome();
      provider.rerender();
    },
    async revealPort(protocol, port) {
      await refresh('manual');
      const key = `${protocol}:${port}`;
      if (options.filter && !model.groups.some(g => g.key === key && options.filter!.matches(g))) { ctx.setFilter(undefined); }
      // Port rows sit at the top, under a process row, or in a chunk at either level.
      const find = (nodes: readonly PortsNode[]): PortsNode | undefined => {
        for (const n of nodes) {
          if (n.kind === 'port' && n.group.key === key) { return n; }
          if (n.kind === 'chunk' || ((n.kind === 'process' || n.kind === 'hiddenOwner') && n.parent === undefined)) {
            const found = find(provider.childrenOf(n));
            if (found) { return found; }
          }
        }
        return undefined;
      };
      const node = find(provider.roots());
      if (!node) { return false; }
      await view.reveal(node, { select: true, focus: true, expand: true });
      return true;
    },
  };

  // Other features refresh the view after a kill and reveal ports through the shared link.
  context.subscriptions.push(services.portsView.register({
    refresh: () => refresh('kill'),
    revealPort: (protocol, port) => ctx.revealPort(protocol, port),
    terminalOf: pid => terminals.terminalOf(pid),
    ownersOf: row => selectionOfArgument(row).owners,
    rerender: () => provider.rerender(),
  }));

  registerViewCommands(context, ctx);
  registerItemCommands(context, ctx);
  registerWhoIsUsingPort(context, ctx);
  registerKillPort(context, ctx);

  return {
    refresh: () => refresh('manual'),
    renderTree: async () => {
      if (!model.loaded) { await refresh('manual'); }
      const render = async (nodes: PortsNode[]): Promise<RenderedItem[]> => Promise.all(nodes.map(async n => {
        const item = provider.resolveTreeItem(provider.getTreeItem(n), n);
        const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
        const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
        const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
        const iconColor = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.color?.id ?? '' : '';
        return {
          id: item.id ?? '', label, description: typeof item.description === 'string' ? item.description : '',
          tooltip, contextValue: item.contextValue ?? '', icon, iconColor, children: await render(await provider.getChildren(n)),
        };
      }));
      return render(await provider.getChildren());
    },
    collections: () => model.collections,
    viewVisible: () => view.visible,
    polling: () => scheduler.polling,
    collector: () => {
      const c = services.collector;
      return { worker: c.threadId !== undefined, threadId: c.threadId, workerStarts: c.starts, unchangedAnswers: c.unchangedAnswers };
    },
    state: () => ({
      viewState, description: view.description, message: view.message,
      groupByProcess: options.groupByProcess, showConnections: options.showConnections, filter: options.filter?.text,
    }),
    revealPort: (protocol, port) => ctx.revealPort(protocol, port),
    refreshIntervalMs: () => scheduler.intervalMs,
    collectorHeap: () => services.collector.heapStatistics(),
  };
}
