// Commands on a Ports view item (inline and context menu; hidden from the palette). Each also
// accepts a plain object, so tests and other extensions can call them without a tree item:
//   portInspector.kill({ pid, startTime, port, protocol? }, { confirm?: boolean })
//   portInspector.stopContainer(port | { port, protocol? }, { confirm?: boolean }) (and restartContainer)
import * as vscode from 'vscode';
import { showError, showInformation } from '../../shared/notify';
import type { KillResult } from '../../../core/process/kill';
import { isInside } from '../../shared/portGroups';
import { isNode, selectionOf, selectionOfArgument } from '../nodeSelection';
import type { PortsContext } from '../portsView';
import { targetFromOwner, type KillFlowOptions, type KillTarget } from '../../shared/killFlow';
import type { ContainerOwner, Protocol } from '../../../core/model';
import type { ContainerAction } from '../../../core/owners/containerControl';
import { containerOfListeners } from '../../../core/owners/containerControl';
import { containerOfGroups } from '../portsContainers';

/** The container a row or a port argument stands for: the row's own, or the port's listeners' now. */
async function containerTarget(arg: unknown, ctx: PortsContext): Promise<{ container: ContainerOwner | undefined; port: number | undefined; protocol: Protocol | undefined }> {
  if (isNode(arg)) {
    const sel = selectionOf(arg);
    const own = arg.kind === 'process' ? arg.container ?? containerOfGroups(arg.ports) : arg.kind === 'port' ? containerOfGroups([arg.group]) : undefined;
    const port = sel.port ?? (arg.kind === 'process' ? own && arg.ports.find(g => g.container?.id === own.id)?.port : undefined);
    return { container: own, port, protocol: sel.protocol };
  }
  const a = typeof arg === 'number' ? { port: arg } : arg as { port?: unknown; protocol?: Protocol } | undefined;
  if (!a || !Number.isInteger(a.port)) { throw new Error('Select a container\'s port in the Ports view, or pass { port }.'); }
  const port = a.port as number;
  const snap = await ctx.services.collector.collect({ listeningOnly: true, fullWalk: true });
  return { container: containerOfListeners(snap.sockets, port, a.protocol), port, protocol: a.protocol };
}

function killTargets(arg: unknown): KillTarget[] {
  if (isNode(arg)) {
    const sel = selectionOf(arg);
    if (sel.port === undefined) { return []; }
    // A process row in group-by-process mode may hold several ports: guard on the first one.
    const protocol = sel.protocol ?? (arg.kind === 'process' ? arg.ports[0]?.protocol : undefined);
    return sel.owners.map(o => targetFromOwner(o, sel.port!, protocol ?? 'tcp'));
  }
  const t = arg as Partial<KillTarget> | undefined;
  if (t && Number.isInteger(t.pid) && typeof t.startTime === 'number' && Number.isInteger(t.port)) {
    return [{ pid: t.pid!, startTime: t.startTime, port: t.port!, protocol: t.protocol, name: t.name, user: t.user, commandLine: t.commandLine }];
  }
  throw new Error(vscode.l10n.t('Select a port or process in the Ports view, or pass {0}.', '{ pid, startTime, port }'));
}

export function registerItemCommands(context: vscode.ExtensionContext, ctx: PortsContext): void {
  const kill = (force: boolean) => async (arg: unknown, opts?: KillFlowOptions): Promise<KillResult[]> => {
    let targets: KillTarget[];
    try { targets = killTargets(arg); } catch (e) {
      void showError((e as Error).message);
      throw e;
    }
    if (targets.length === 0) {
      void showInformation(vscode.l10n.t('Nothing to kill: no visible process owns this item.'));
      return [];
    }
    return ctx.killFlow.run(targets, { force: force || opts?.force === true, confirm: opts?.confirm });
  };

  const container = (action: ContainerAction) => async (arg: unknown, opts?: KillFlowOptions): Promise<KillResult | undefined> => {
    let t;
    try { t = await containerTarget(arg, ctx); } catch (e) {
      void showError((e as Error).message);
      throw e;
    }
    if (!t.container || t.port === undefined) {
      void showInformation(vscode.l10n.t('No container publishes this port.'));
      return undefined;
    }
    return ctx.killFlow.runContainer(t.container, t.port, t.protocol, action, { confirm: opts?.confirm });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('portInspector.stopContainer', container('stop')),
    vscode.commands.registerCommand('portInspector.restartContainer', container('restart')),
    vscode.commands.registerCommand('portInspector.kill', kill(false)),
    vscode.commands.registerCommand('portInspector.forceKill', kill(true)),
    vscode.commands.registerCommand('portInspector.copyPid', async (arg: unknown) => {
      const pids = [...new Set(selectionOfArgument(arg).owners.map(o => o.pid))];
      if (pids.length === 0) { return; }
      await vscode.env.clipboard.writeText(pids.join(' '));
    }),
    vscode.commands.registerCommand('portInspector.copyCommandLine', async (arg: unknown) => {
      const lines = selectionOfArgument(arg).owners.map(o => o.commandLine).filter(Boolean);
      if (lines.length === 0) { void showInformation(vscode.l10n.t('The command line of this process cannot be read.')); return; }
      await vscode.env.clipboard.writeText(lines.join('\n'));
    }),
    vscode.commands.registerCommand('portInspector.openInBrowser', async (arg: unknown) => {
      const port = typeof arg === 'number' ? arg : selectionOfArgument(arg).port;
      if (port === undefined) { return; }
      // openExternal forwards localhost through the remote connection (SSH, WSL, containers, code-server).
      await vscode.env.openExternal(vscode.Uri.parse(`http://localhost:${port}/`));
    }),
    vscode.commands.registerCommand('portInspector.revealCwd', async (arg: unknown) => {
      const owner = selectionOfArgument(arg).owners[0];
      if (!owner) { return; }
      const folder = (vscode.workspace.workspaceFolders ?? []).find(f => isInside(owner.cwd, [f.uri.path]));
      if (!folder) {
        void showInformation(vscode.l10n.t('The working directory of {0} ({1}) is not inside this workspace.', owner.name, owner.cwd || vscode.l10n.t('not readable')));
        return;
      }
      await vscode.commands.executeCommand('revealInExplorer', folder.uri.with({ path: owner.cwd }));
    }),
  );
}
