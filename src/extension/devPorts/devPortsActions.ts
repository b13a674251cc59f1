// "Dev-Server Port Actions…": the quick pick the status-bar item opens. One section per port that
// is taken or ignored (conflicts first), with what can be done about it: show or stop the terminal
// the workspace's own server runs in, kill another process, reveal the port, ignore it.
import * as vscode from 'vscode';
import type { Protocol } from '../../core/model';
import { conflicts, conflictText, holderLabel, type PortStatus } from './devPortsSummary';
import { labelText } from '../shared/markdownText';
import { standsForContainer } from '../../core/owners/holderRole';

/** What the quick pick acts on (the controller). */
export interface DevPortActionTarget {
  showTerminal(port: number, protocol: Protocol): Promise<boolean>;
  stop(port: number, protocol: Protocol): Promise<boolean>;
  kill(port: number, options: { force?: boolean; protocol?: Protocol }): Promise<unknown>;
  reveal(port: number, protocol: Protocol): Promise<boolean>;
  setIgnored(port: number, ignored: boolean, protocol: Protocol): Promise<void>;
  refresh(): Promise<void>;
}

type Item = vscode.QuickPickItem & { run?: () => Thenable<unknown> };

/** Registered by the Ports view; resolves the container from the port and names it in its confirmation. */
const STOP_CONTAINER = 'portInspector.stopContainer';
/** Registered by the terminal feature (package.json declares them); named here, not imported. */
const RESTART_TASK = 'portInspector.restartTask';
const TERMINATE_TASK = 'portInspector.terminateTask';

function portItems(c: DevPortActionTarget, s: PortStatus): Item[] {
  const items: Item[] = [];
  const label = s.state === 'own' ? vscode.l10n.t('{0} — held by this workspace', s.port) : s.state === 'free' ? vscode.l10n.t('{0} — free', s.port) : conflictText(s, vscode.l10n);
  items.push({ label: `${label}${s.ignored ? vscode.l10n.t(' (ignored)') : ''}`, kind: vscode.QuickPickItemKind.Separator });
  const others = s.holders.filter(h => h.ownership.kind === 'other' || h.ownership.kind === 'workspace');
  const term = s.holders.find(h => h.ownership.kind === 'terminal');
  if (term && term.ownership.kind === 'terminal' && term.ownership.taskName !== undefined) {
    // A task's server: the task runs it, so the task is restarted or ended, not the process
    // (the terminal feature owns these commands and finds the task from the port).
    const task = labelText(term.ownership.taskName);
    items.push({ label: vscode.l10n.t('$(debug-restart) Restart Task "{0}"', task), description: holderLabel(term.holder), run: () => vscode.commands.executeCommand(RESTART_TASK, s.port, s.protocol) });
    items.push({ label: vscode.l10n.t('$(debug-stop) Terminate Task "{0}"', task), description: term.holder.commandLine, run: () => vscode.commands.executeCommand(TERMINATE_TASK, s.port, s.protocol) });
  } else if (term && term.ownership.kind === 'terminal') {
    const name = term.ownership.terminalName;
    items.push({ label: vscode.l10n.t('$(terminal) Show Terminal "{0}"', name), description: holderLabel(term.holder), run: () => c.showTerminal(s.port, s.protocol) });
    items.push({ label: vscode.l10n.t('$(debug-stop) Stop (Ctrl+C in "{0}")', name), description: term.holder.commandLine, run: () => c.stop(s.port, s.protocol) });
  }
  // docker-proxy, dockerd's placeholder, Podman's helpers: the container is stopped, they are never killed.
  const proxies = others.filter(h => standsForContainer(h.holder.name, h.holder.commandLine));
  if (proxies.length > 0) {
    const via = proxies.map(h => holderLabel(h.holder)).join(', ');
    items.push({ label: vscode.l10n.t('$(debug-stop) Stop Container'), description: vscode.l10n.t('published through {0}', via), run: () => vscode.commands.executeCommand(STOP_CONTAINER, { port: s.port, protocol: s.protocol }) });
  }
  const killable = others.filter(h => !proxies.includes(h));
  if (killable.length > 0) {
    const who = killable.map(h => holderLabel(h.holder)).join(', ');
    items.push({ label: vscode.l10n.t('$(close) Kill'), description: who, detail: killable[0].holder.commandLine, run: () => c.kill(s.port, { protocol: s.protocol }) });
    items.push({ label: vscode.l10n.t('$(flame) Force Kill'), description: `${who} — SIGKILL`, run: () => c.kill(s.port, { force: true, protocol: s.protocol }) });
  }
  if (s.state !== 'free') { items.push({ label: vscode.l10n.t('$(eye) Reveal in Ports View'), run: () => c.reveal(s.port, s.protocol) }); }
  items.push(s.ignored
    ? { label: vscode.l10n.t('$(bell) Stop Ignoring This Port'), run: () => c.setIgnored(s.port, false, s.protocol) }
    : { label: vscode.l10n.t('$(circle-slash) Ignore This Port'), description: vscode.l10n.t('no warning for it in this workspace'), run: () => c.setIgnored(s.port, true, s.protocol) });
  return items;
}

/** The pick's items, in order: one section per taken or ignored port, then the general actions. */
export function devPortActionItems(statuses: readonly PortStatus[], c: DevPortActionTarget): Item[] {
  const order = (s: PortStatus) => (s.ignored ? 3 : s.state === 'conflict' || s.state === 'hidden' ? 0 : s.state === 'own' ? 1 : 2);
  const shown = [...statuses].filter(s => s.state !== 'free' || s.ignored).sort((a, b) => order(a) - order(b) || a.port - b.port);
  const items: Item[] = shown.flatMap(s => portItems(c, s));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  if (shown.length === 0) {
    items.push({ label: `$(pass) ${statuses.length === 0 ? vscode.l10n.t('No ports watched') : vscode.l10n.t('All {0} watched ports are free', statuses.length)}`, description: statuses.map(s => s.port).join(', ') });
  }
  items.push({ label: vscode.l10n.t('$(refresh) Detect and Check Again'), run: () => c.refresh() });
  items.push({ label: vscode.l10n.t('$(settings-gear) Edit Watched Ports'), description: 'portInspector.watchPorts', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'portInspector.watchPorts') });
  return items;
}

export async function showDevPortActions(statuses: readonly PortStatus[], c: DevPortActionTarget): Promise<void> {
  const items = devPortActionItems(statuses, c);
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Dev-Server Ports'), placeHolder: conflicts(statuses).length > 0 ? vscode.l10n.t('A watched port is taken: choose an action') : vscode.l10n.t('Watched ports'), matchOnDescription: true });
  await pick?.run?.();
}
