// "Ports: Kill Process on Port…": asks for a port, lets the user choose among its owners when there
// are several, then runs the kill flow. With arguments it runs without the input box:
//   executeCommand('portInspector.killPort', 3000, { force?: boolean, confirm?: boolean }) -> KillResult[]
import * as vscode from 'vscode';
import { showInformation, showWarning } from '../../shared/notify';
import type { KillResult } from '../../../core/process/kill';
import type { PortsContext } from '../portsView';
import { hiddenPortOwnerSentence } from '../../shared/hiddenOwner';
import type { KillFlowOptions, KillTarget } from '../../shared/killFlow';
import { portArgument, portOwners, type PortOwnerInfo } from './portOwners';
import { askForPort, ownerDescription, socketLabel } from './whoIsUsingPort';

function targetsOf(owners: readonly PortOwnerInfo[]): KillTarget[] {
  const seen = new Set<number>();
  const out: KillTarget[] = [];
  // Listeners only, one target per process: a client connected from this port number is not its owner.
  for (const o of owners) {
    if (!o.listening || o.pid === null || o.startTime === null || seen.has(o.pid)) { continue; }
    seen.add(o.pid);
    out.push({ pid: o.pid, startTime: o.startTime, port: o.localPort, protocol: o.protocol, name: o.name, user: o.user, commandLine: o.commandLine });
  }
  return out;
}

export function registerKillPort(context: vscode.ExtensionContext, ctx: PortsContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('portInspector.killPort', async (arg?: unknown, opts?: KillFlowOptions): Promise<KillResult[] | undefined> => {
    const programmatic = arg !== undefined;
    const port = programmatic ? portArgument(arg) : await askForPort(vscode.l10n.t('Kill Process on Port…'));
    if (port === undefined) { return undefined; }
    const owners = await portOwners(ctx.services.collector, port);
    const targets = targetsOf(owners);
    if (targets.length === 0) {
      const hidden = owners.find(o => o.listening && !o.ownerVisible);
      const msg = hidden
        ? hiddenPortOwnerSentence(port, hidden.user, 'kill', undefined, vscode.l10n)
        : owners.length > 0 ? vscode.l10n.t('Nothing listens on port {0}; the connections from that local port belong to clients and are not killed.', port) : vscode.l10n.t('Port {0} is free.', port);
      if (hidden) { void showWarning(msg); } else { void showInformation(msg); }
      return [];
    }
    let chosen = targets;
    if (!programmatic && targets.length > 1) {
      const items = targets.map(t => {
        const o = owners.find(x => x.pid === t.pid)!;
        return { label: socketLabel(o), description: ownerDescription(o), detail: o.commandLine, picked: true, target: t };
      });
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('Kill which processes on port {0}?', port) });
      if (!picked || picked.length === 0) { return undefined; }
      chosen = picked.map(p => p.target);
    }
    return ctx.killFlow.run(chosen, { force: opts?.force === true, confirm: opts?.confirm });
  }));
}
