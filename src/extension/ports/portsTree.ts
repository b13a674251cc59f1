// The Ports view's TreeDataProvider: renders the model's port groups by port or by process.
// Element ids are built from protocol, port, pid + start time, family and address, so they stay
// unique (the same port on IPv4 and IPv6 held by two processes gives two process rows with distinct
// ids) and stable across refreshes (selection and expansion survive a refresh).
//
// Cost at scale: VS Code asks for every child of an expanded node and builds and sends a tree item
// for each. Above CHUNK_ROWS ports at one level the ports are split into chunks of CHUNK_ROWS (the
// first one expanded), so a machine with 10,000 listeners costs the items of one chunk, not of
// every port. A port row keeps its id and its logical parent inside a chunk. The
// Markdown tooltips of port and process rows are built on hover (resolveTreeItem), not with the
// rows: a chunk would otherwise build and send one per row, which nobody reads.
import * as vscode from 'vscode';
import type { ContainerOwner, SocketEntry, SocketOwner } from '../../core/model';
import { containerDetails, containerFlags, containerRowLabel, ownerWithContainer } from './portsContainers';
import { boundFacts, boundText, groupByProcess, isInside, processKey, type BoundAddress, type PortFilter, type PortGroup } from '../shared/portGroups';
import { portExposureLines, splitDescription, splitTooltip } from './portExposure';
import { exposureWords, socketExposure } from '../../core/exposure';
import type { PortsModel } from './portsModel';
import { hiddenOwnerNote } from '../shared/hiddenOwner';
import { markdownCodeBlock, markdownText } from '../shared/markdownText';

/** Most port rows built at one level; more are split into chunks of this many. */
export const CHUNK_ROWS = 500;

export type PortsNode =
  | { kind: 'port'; id: string; group: PortGroup; parent?: PortsNode; /** where it sits in the tree when chunked */ chunk?: PortsNode }
  | { kind: 'chunk'; id: string; groups: PortGroup[]; first: boolean; /** the process row it is under, if any */ parent?: PortsNode; idPrefix: string }
  | { kind: 'process'; id: string; owner: SocketOwner; ports: PortGroup[]; parent?: PortsNode; /** the container the row stands for (group by process: one row per container) */ container?: ContainerOwner }
  | { kind: 'hiddenOwner'; id: string; users: string[]; ports: PortGroup[]; parent?: PortsNode }
  | { kind: 'address'; id: string; family: 4 | 6; address: string; bound: BoundAddress; parent: PortsNode }
  | { kind: 'connection'; id: string; socket: SocketEntry; parent: PortsNode }
  | { kind: 'timeWait'; id: string; count: number; parent: PortsNode };

export interface ViewOptions {
  groupByProcess: boolean;
  showConnections: boolean;
  filter: PortFilter | undefined;
}

export function ownerLabel(p: SocketOwner): string {
  return vscode.l10n.t('{0} · pid {1}', p.name || '?', p.pid);
}

function formatAddress(family: 4 | 6, address: string, port?: number): string {
  const a = family === 6 && address.includes(':') ? `[${address}]` : address;
  return port === undefined ? a : `${a}:${port}`;
}

/** By address list: the ports of one server share one list (shared/portGroups.ts), and so its text. */
const addressTexts = new WeakMap<readonly BoundAddress[], string>();

function addressList(g: PortGroup): string {
  let text = addressTexts.get(g.addresses);
  if (text === undefined) {
    const list = g.addresses.map(boundText).join(', ');
    const wide = g.addresses.find(a => socketExposure(boundFacts(a)).kind !== 'loopback' && socketExposure(boundFacts(a)).kind !== 'address');
    text = wide ? vscode.l10n.t('{0} ({1})', list, exposureWords(boundFacts(wide), vscode.l10n)) : list;
    addressTexts.set(g.addresses, text);
  }
  return text;
}

export class PortsTreeProvider implements vscode.TreeDataProvider<PortsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PortsNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private folderPaths: string[] | undefined;
  private readonly foldersSubscription = vscode.workspace.onDidChangeWorkspaceFolders(() => { this.folderPaths = undefined; });

  /** Name of the integrated terminal a pid was started from (set by portsViewTerminals.ts). */
  terminalName: (pid: number) => string | undefined = () => undefined;
  /** Name of the task of this window a pid was started by (set by the terminal feature); shown instead of the terminal. */
  taskName: (pid: number) => string | undefined = () => undefined;

  /** `task "dev"` or `terminal "bash"`: where in this window a process was started. */
  private startedFrom(pid: number): string | undefined {
    const task = this.taskName(pid);
    if (task !== undefined) { return vscode.l10n.t('task "{0}"', task); }
    const t = this.terminalName(pid);
    return t === undefined ? undefined : vscode.l10n.t('terminal "{0}"', t);
  }

  constructor(private readonly model: PortsModel, private readonly options: () => ViewOptions) {
    this.subscription = model.onDidChange(() => this.emitter.fire());
  }

  /** Re-render (view options changed). */
  rerender(): void { this.emitter.fire(); }

  /** Top-level groups after the filter, in the current grouping. */
  visibleGroups(): readonly PortGroup[] {
    const f = this.options().filter;
    return f ? this.model.groups.filter(g => f.matches(g)) : this.model.groups;
  }

  async getChildren(element?: PortsNode): Promise<PortsNode[]> {
    if (!element) {
      if (!this.model.loaded) { await this.model.whenLoaded(); }
      return this.roots();
    }
    return this.childrenOf(element);
  }

  roots(): PortsNode[] {
    const groups = this.visibleGroups();
    if (!this.options().groupByProcess) {
      return this.portRows(groups, 'port/', undefined);
    }
    return groupByProcess(groups).map((pg): PortsNode => pg.process
      ? { kind: 'process', id: `proc/${pg.key}`, owner: pg.process, ports: pg.ports, container: pg.container }
      : { kind: 'hiddenOwner', id: 'proc/hidden', users: [...new Set(pg.ports.flatMap(p => p.hiddenOwnerUsers))], ports: pg.ports });
  }

  childrenOf(el: PortsNode): PortsNode[] {
    const { showConnections } = this.options();
    if (el.kind === 'port') {
      const g = el.group;
      const out: PortsNode[] = [];
      // Under a process (group-by-process) the owner is the parent; don't repeat it.
      if (el.parent === undefined) {
        for (const p of g.owners) { out.push({ kind: 'process', id: `${el.id}/pid/${processKey(p)}`, owner: p, ports: [g], parent: el, container: g.container ?? undefined }); }
        if (g.hasHiddenOwner) { out.push({ kind: 'hiddenOwner', id: `${el.id}/hidden`, users: g.hiddenOwnerUsers, ports: [g], parent: el }); }
      }
      for (const a of g.addresses) { out.push({ kind: 'address', id: `${el.id}/addr/${a.family}/${boundText(a)}`, family: a.family, address: a.address, bound: a, parent: el }); }
      if (showConnections) {
        for (const c of g.connections) {
          out.push({ kind: 'connection', id: `${el.id}/conn/${c.family}/${c.remoteAddress}/${c.remotePort}/${c.inode}`, socket: c, parent: el });
        }
        if (g.timeWait > 0) { out.push({ kind: 'timeWait', id: `${el.id}/timewait`, count: g.timeWait, parent: el }); }
      }
      return out;
    }
    if ((el.kind === 'process' || el.kind === 'hiddenOwner') && el.parent === undefined) {
      return this.portRows(el.ports, `${el.id}/`, el);
    }
    if (el.kind === 'chunk') {
      return el.groups.map(g => ({ kind: 'port', id: `${el.idPrefix}${g.key}`, group: g, parent: el.parent, chunk: el }));
    }
    return [];
  }

  /** Port rows at one level, in chunks of CHUNK_ROWS when there are more. */
  private portRows(groups: readonly PortGroup[], idPrefix: string, parent: PortsNode | undefined): PortsNode[] {
    if (groups.length <= CHUNK_ROWS) { return groups.map(g => ({ kind: 'port', id: `${idPrefix}${g.key}`, group: g, parent })); }
    const out: PortsNode[] = [];
    for (let i = 0; i < groups.length; i += CHUNK_ROWS) {
      out.push({ kind: 'chunk', id: `${idPrefix}chunk/${i / CHUNK_ROWS}`, groups: groups.slice(i, i + CHUNK_ROWS), first: i === 0, parent, idPrefix });
    }
    return out;
  }

  getParent(el: PortsNode): PortsNode | undefined {
    return el.kind === 'port' && el.chunk ? el.chunk : el.parent;
  }

  getTreeItem(el: PortsNode): vscode.TreeItem {
    switch (el.kind) {
      case 'port': return this.portItem(el);
      case 'process': return this.processItem(el);
      case 'chunk': {
        const first = el.groups[0];
        const last = el.groups[el.groups.length - 1];
        const item = new vscode.TreeItem(vscode.l10n.t('ports {0}–{1}', first.port, last.port), el.first ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = el.id;
        item.description = vscode.l10n.t('{0} ports', el.groups.length);
        item.iconPath = new vscode.ThemeIcon('list-flat');
        item.tooltip = vscode.l10n.t('Ports {0} to {1}: the view lists at most {2} ports at one level. The filter narrows the list.', `${first.port}/${first.protocol}`, `${last.port}/${last.protocol}`, CHUNK_ROWS);
        item.contextValue = 'chunk';
        return item;
      }
      case 'hiddenOwner': {
        const users = el.users.join(', ') || vscode.l10n.t('another user');
        const item = new vscode.TreeItem(el.parent ? vscode.l10n.t('Owner not visible') : vscode.l10n.t('Owner not visible ({0})', users),
          el.parent ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = el.id;
        item.description = el.parent ? vscode.l10n.t('user {0}', users) : el.ports.length === 1 ? vscode.l10n.t('1 port') : vscode.l10n.t('{0} ports', el.ports.length);
        item.iconPath = new vscode.ThemeIcon('eye-closed');
        item.tooltip = new vscode.MarkdownString(hiddenOwnerNote(el.users, vscode.l10n));
        item.contextValue = 'hiddenOwner';
        return item;
      }
      case 'address': {
        const facts = boundFacts(el.bound);
        const network = socketExposure(facts).network;
        const item = new vscode.TreeItem(boundText(el.bound), vscode.TreeItemCollapsibleState.None);
        item.id = el.id;
        item.description = vscode.l10n.t('IPv{0} · {1}', el.family, exposureWords(facts, vscode.l10n));
        item.iconPath = new vscode.ThemeIcon(network ? 'globe' : 'lock');
        item.tooltip = portExposureLines([el.bound]).join('\n');
        item.contextValue = 'address';
        return item;
      }
      case 'connection': {
        const c = el.socket;
        const item = new vscode.TreeItem(formatAddress(c.family, c.remoteAddress, c.remotePort), vscode.TreeItemCollapsibleState.None);
        item.id = el.id;
        const who = c.processes[0] ? ownerLabel(c.processes[0]) : c.ownerVisible ? '' : vscode.l10n.t('owner not visible');
        item.description = [vscode.l10n.t('connected'), who].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('arrow-swap');
        item.tooltip = `${formatAddress(c.family, c.remoteAddress, c.remotePort)} → ${formatAddress(c.family, c.localAddress, c.localPort)} (${c.state})`;
        item.contextValue = 'connection';
        return item;
      }
      case 'timeWait': {
        const item = new vscode.TreeItem(vscode.l10n.t('{0} in TIME_WAIT', el.count), vscode.TreeItemCollapsibleState.None);
        item.id = el.id;
        item.description = vscode.l10n.t('closed, no owner');
        item.iconPath = new vscode.ThemeIcon('watch');
        item.tooltip = vscode.l10n.t('Recently closed connections the kernel keeps for a minute or two. No process owns them and nothing needs to be killed.');
        item.contextValue = 'timeWait';
        return item;
      }
    }
  }

  private portItem(el: Extract<PortsNode, { kind: 'port' }>): vscode.TreeItem {
    const g = el.group;
    const item = new vscode.TreeItem(`${g.port}  ${g.protocol}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = el.id;
    const owners = g.owners;
    let who: string;
    if (el.parent) { who = ''; }
    else if (owners.length === 0) { who = g.hasHiddenOwner ? vscode.l10n.t('owner not visible ({0})', g.hiddenOwnerUsers.join(', ') || vscode.l10n.t('another user')) : vscode.l10n.t('no owner'); }
    else if (g.container || g.service) { who = ownerWithContainer(g, owners[0]); }
    else if (owners.length === 1) { const t = this.startedFrom(owners[0].pid); who = t === undefined ? ownerLabel(owners[0]) : `${ownerLabel(owners[0])} · ${t}`; }
    else {
      const names = [...new Set(owners.map(o => o.name))];
      who = names.length === 1 ? vscode.l10n.t('{0} · {1} processes', names[0], owners.length) : vscode.l10n.t('{0} +{1} more', ownerLabel(owners[0]), owners.length - 1);
    }
    const isNew = this.model.isNew(g.key);
    item.description = [isNew ? vscode.l10n.t('new') : '', splitDescription(g), who, addressList(g)].filter(Boolean).join(' · ');
    const icon = g.reachable ? 'broadcast' : 'plug';
    // The icon always tells the exposure; its colour tells "new" (green, like TCPView) or "reachable" (orange).
    item.iconPath = new vscode.ThemeIcon(icon, isNew ? new vscode.ThemeColor('charts.green') : g.reachable ? new vscode.ThemeColor('charts.orange') : undefined);
    item.contextValue = this.contextValue('port', el.parent ? [el.parent.kind === 'process' ? el.parent.owner : undefined].filter(isOwner) : owners, g);
    return item;
  }

  /** Fills in the tooltip of a port or process row when the pointer rests on it. */
  resolveTreeItem(item: vscode.TreeItem, el: PortsNode): vscode.TreeItem {
    if (item.tooltip === undefined) {
      if (el.kind === 'port') { item.tooltip = this.portTooltip(el); }
      if (el.kind === 'process') { item.tooltip = this.processTooltip(el); }
    }
    return item;
  }

  private portTooltip(el: Extract<PortsNode, { kind: 'port' }>): vscode.MarkdownString {
    const g = el.group;
    const owners = g.owners;
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.appendMarkdown(vscode.l10n.t('**{0} port {1}** — ', g.protocol.toUpperCase(), g.port));
    md.appendMarkdown(g.reachable ? vscode.l10n.t('$(broadcast) reachable from the network') : vscode.l10n.t('$(lock) this machine only (loopback)'));
    md.appendMarkdown(`\n\n${vscode.l10n.t('Bound on: ')}`);
    md.appendText(g.addresses.map(a => formatAddress(a.family, a.address)).join(', '));
    md.appendMarkdown('\n\n');
    md.appendText(portExposureLines(g.addresses).join('\n'));
    const split = splitTooltip(g);
    if (split) { md.appendMarkdown('\n\n$(warning) '); md.appendText(split); }
    for (const o of el.parent ? [] : owners) {
      md.appendMarkdown(`\n\n${markdownText(vscode.l10n.t('{0} (pid {1}, user {2})', o.name, o.pid, o.user || '?'))}`);
    }
    if (g.hasHiddenOwner) { md.appendMarkdown(`\n\n${vscode.l10n.t('Owner not visible: belongs to {0}.', g.hiddenOwnerUsers.join(', ') || vscode.l10n.t('another user'))}`); }
    containerDetails(md, g);
    return md;
  }

  private processItem(el: Extract<PortsNode, { kind: 'process' }>): vscode.TreeItem {
    const p = el.owner;
    const top = el.parent === undefined;
    const label = el.container ? containerRowLabel(el.container, p) : p.name || '?';
    const item = new vscode.TreeItem(label, top ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = el.id;
    const term = this.startedFrom(p.pid);
    item.description = (top
      ? vscode.l10n.t('pid {0} · {1} · {2}', p.pid, p.user || '?', el.ports.map(g => `${g.port}/${g.protocol}`).join(', '))
      : vscode.l10n.t('pid {0} · {1}', p.pid, p.user || '?')) + (term === undefined ? '' : ` · ${term}`);
    item.iconPath = new vscode.ThemeIcon(el.container ? 'package' : 'server-process');
    item.contextValue = this.contextValue('process', [p], ...el.ports);
    return item;
  }

  private processTooltip(el: Extract<PortsNode, { kind: 'process' }>): vscode.MarkdownString {
    const p = el.owner;
    // Name, command line and cwd are another process's to choose: text, never Markdown (markdownText.ts).
    const md = new vscode.MarkdownString();
    md.isTrusted = false;
    md.appendMarkdown(vscode.l10n.t('**{0}** — pid {1}, user {2}', markdownText(p.name), p.pid, markdownText(p.user || '?')));
    md.appendMarkdown(markdownCodeBlock(p.commandLine || vscode.l10n.t('(command line not readable)'), 'sh'));
    md.appendMarkdown(vscode.l10n.t('cwd: {0}', markdownText(p.cwd || vscode.l10n.t('(not readable)'), 400)));
    md.appendMarkdown(`\n\n${vscode.l10n.t('started {0}', new Date(p.startTime).toLocaleString())}`);
    for (const g of el.ports.slice(0, 1)) { containerDetails(md, g); }
    return md;
  }

  /**
   * Space-separated flags matched by the `viewItem =~` clauses in package.json:
   * kind first, then `owned` (killable owners visible), `tcpPort` (Open in Browser applies),
   * `cwdInWorkspace` (Reveal cwd applies), `task` (every owner runs in a task of this window: Restart
   * and Terminate Task take the place of Kill).
   */
  private contextValue(kind: 'port' | 'process', owners: readonly SocketOwner[], ...groups: PortGroup[]): string {
    const flags: string[] = [kind];
    if (owners.length > 0) { flags.push('owned'); }
    if (groups.length === 1 && groups[0].protocol === 'tcp') { flags.push('tcpPort'); }
    if (owners.length === 1 && isInside(owners[0].cwd, this.workspaceRoots())) { flags.push('cwdInWorkspace'); }
    if (owners.some(o => this.terminalName(o.pid) !== undefined)) { flags.push('terminal'); }
    if (owners.length > 0 && owners.every(o => this.taskName(o.pid) !== undefined)) { flags.push('task'); }
    flags.push(...containerFlags(groups));
    return flags.join(' ');
  }

  /** The workspace folders' paths, read once per change of folders rather than once per row. */
  private workspaceRoots(): readonly string[] {
    // uri.path, not fsPath: in a remote extension host the folders are vscode-remote:// URIs whose
    // path is the path on this (the remote) machine, where the process runs.
    this.folderPaths ??= (vscode.workspace.workspaceFolders ?? []).map(f => f.uri.path);
    return this.folderPaths;
  }

  dispose(): void {
    this.subscription.dispose();
    this.foldersSubscription.dispose();
    this.emitter.dispose();
  }
}

function isOwner(x: SocketOwner | undefined): x is SocketOwner { return x !== undefined; }
