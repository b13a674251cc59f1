// "Ports: Who Is Using Port…": input box (validated as you type), then a quick pick of every socket
// on exactly that port with its owner and command line; picking one offers what to do with it.
// With a port argument it returns the owners without any UI (tests, other extensions):
//   await vscode.commands.executeCommand('portInspector.whoIsUsingPort', 3000) -> PortOwnerInfo[]
// and with { port, interactive: true } it skips the input box and shows the pick for that port.
import * as vscode from 'vscode';
import { showError, showInformation } from '../../shared/notify';
import { containerText, serviceText } from '../../../core/owners/ownerText';
import { parsePortNumber } from '../../../core/portNumber';
import { hiddenPortOwnerSentence } from '../../shared/hiddenOwner';
import type { PortsContext } from '../portsView';
import { portArgument, portOwners, portReport, type PortOwnerInfo } from './portOwners';
import { exposureWords, hostText, socketExposure } from '../../../core/exposure';
import { localhostOrder, localhostSentence, splitSummary, type SplitListener } from '../../../core/splitListeners';

export async function askForPort(title: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Port number (0–65535)'),
    placeHolder: vscode.l10n.t('e.g. 3000'),
    validateInput: t => { const p = parsePortNumber(t, vscode.l10n); return p.ok ? undefined : p.message; },
  });
  if (text === undefined) { return undefined; }
  const p = parsePortNumber(text);
  return p.ok ? p.port : undefined;
}

export function socketLabel(o: PortOwnerInfo): string {
  const addr = hostText(o);
  const icon = socketExposure(o).network ? '$(broadcast)' : '$(lock)';
  const state = o.listening
    ? vscode.l10n.t('{0} · {1}', o.protocol === 'tcp' ? vscode.l10n.t('listening') : vscode.l10n.t('bound'), exposureWords(o, vscode.l10n))
    : o.state.toLowerCase();
  return `${icon} ${o.protocol} ${addr}:${o.localPort}  ${state}`;
}

export function ownerDescription(o: PortOwnerInfo): string {
  if (o.pid === null) { return o.ownerVisible ? vscode.l10n.t('no owning process') : vscode.l10n.t('owner not visible (user {0})', o.user || '?'); }
  const who = vscode.l10n.t('{0} · pid {1} · {2}', o.name, o.pid, o.user || '?');
  if (o.container) { return containerText(o.container, who, vscode.l10n); }
  return o.service ? `${who} · ${serviceText(o.service, vscode.l10n)}` : who;
}

/** Listeners plus, from the rest, one row per process (an accepted-connection storm must not flood the pick). */
function pickRows(owners: readonly PortOwnerInfo[]): PortOwnerInfo[] {
  const rows = owners.filter(o => o.listening);
  const seen = new Set(rows.map(o => `${o.pid}`));
  for (const o of owners.filter(x => !x.listening)) {
    const k = `${o.pid}`;
    if (!seen.has(k)) { seen.add(k); rows.push(o); }
  }
  return rows;
}

interface OwnerItem extends vscode.QuickPickItem { owner: PortOwnerInfo }
interface ActionItem extends vscode.QuickPickItem { run: () => Thenable<unknown> }

async function collectWithProgress(ctx: PortsContext, port: number): Promise<{ owners: PortOwnerInfo[]; splits: SplitListener[] } | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading port {0}…', port) },
      async () => portReport(ctx.services.collector, port, await localhostOrder()));
  } catch (e) {
    ctx.services.log.error(`Reading port ${port} failed: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
    void showError(vscode.l10n.t('Could not read the sockets on port {0}: {1}', port, e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

export function registerWhoIsUsingPort(context: vscode.ExtensionContext, ctx: PortsContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('portInspector.whoIsUsingPort', async (arg?: unknown) => {
    let port: number | undefined;
    if (typeof arg === 'object' && arg !== null && (arg as { interactive?: unknown }).interactive === true) {
      // { port, interactive: true }: the quick pick for that port, without the input box.
      port = portArgument((arg as { port?: unknown }).port);
    } else if (arg !== undefined) {
      // Programmatic use: no UI; bad input rejects with the same message the input box shows.
      return portOwners(ctx.services.collector, portArgument(arg));
    } else {
      port = await askForPort(vscode.l10n.t('Who Is Using Port…'));
    }
    if (port === undefined) { return undefined; }
    const report = await collectWithProgress(ctx, port);
    if (!report) { return undefined; }
    const { owners, splits } = report;
    if (owners.length === 0) {
      void showInformation(vscode.l10n.t('Port {0} is free.', port));
      return owners;
    }
    const items: OwnerItem[] = pickRows(owners).map(o => ({
      label: socketLabel(o),
      description: ownerDescription(o),
      detail: o.pid === null ? undefined : o.commandLine || vscode.l10n.t('(command line not readable)'),
      owner: o,
    }));
    // A split port says so above the sockets: who holds which part, and which one localhost reaches first.
    const splitItems: vscode.QuickPickItem[] = splits.flatMap(s => [
      { label: vscode.l10n.t('Split port'), kind: vscode.QuickPickItemKind.Separator },
      { label: `$(warning) ${splitSummary(s, vscode.l10n)}`, detail: localhostSentence(s, vscode.l10n), alwaysShow: true },
    ]);
    const picked = await vscode.window.showQuickPick<OwnerItem | vscode.QuickPickItem>([...splitItems, ...items], {
      title: items.length === 1 ? vscode.l10n.t('Port {0}: 1 socket', port) : vscode.l10n.t('Port {0}: {1} sockets', port, items.length),
      placeHolder: vscode.l10n.t('Pick a socket to kill its process, copy its pid or reveal it in the Ports view'),
      matchOnDescription: true, matchOnDetail: true,
    });
    if (!picked || !('owner' in picked)) { return owners; }
    await offerActions(ctx, (picked as OwnerItem).owner);
    return owners;
  }));
}

async function offerActions(ctx: PortsContext, o: PortOwnerInfo): Promise<void> {
  if (o.pid === null || o.startTime === null) {
    const msg = o.ownerVisible
      ? vscode.l10n.t('No process owns this {0} socket on port {1} ({2}); the kernel releases it by itself.', o.protocol, o.localPort, o.state)
      : hiddenPortOwnerSentence(o.localPort, o.user, 'who', undefined, vscode.l10n);
    void showInformation(msg);
    return;
  }
  const pid = o.pid;
  const target = { pid, startTime: o.startTime, port: o.localPort, protocol: o.protocol, name: o.name, user: o.user, commandLine: o.commandLine };
  const actions: ActionItem[] = [
    { label: vscode.l10n.t('$(debug-stop) Kill'), description: vscode.l10n.t('SIGTERM, then wait for the port'), run: () => ctx.killFlow.run([target]) },
    { label: vscode.l10n.t('$(zap) Force Kill'), description: 'SIGKILL', run: () => ctx.killFlow.run([target], { force: true }) },
    { label: vscode.l10n.t('$(list-tree) Reveal in Ports View'), run: () => ctx.revealPort(o.protocol, o.localPort) },
    { label: vscode.l10n.t('$(copy) Copy PID'), description: String(pid), run: () => vscode.env.clipboard.writeText(String(pid)) },
  ];
  if (o.protocol === 'tcp') {
    actions.push({ label: vscode.l10n.t('$(link-external) Open in Browser'), description: `http://localhost:${o.localPort}/`, run: () => vscode.commands.executeCommand('portInspector.openInBrowser', o.localPort) });
  }
  const action = await vscode.window.showQuickPick(actions, { title: vscode.l10n.t('{0} (pid {1}) on port {2}', o.name, pid, `${o.localPort}/${o.protocol}`) });
  if (action) { await action.run(); }
}
