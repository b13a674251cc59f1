// Before a debug session starts, the ports its launch configuration will serve are checked; when
// one is taken by a process that is not VS Code's own, a modal dialog names port, process, pid and
// command line and offers Kill and Start or Start Anyway (Cancel is the dialog's own button).
// Attach requests and configurations without a port go through without a lookup.
import type { Settings } from '../shared/settings';
import * as vscode from 'vscode';
import { waitUntilFree } from '../../core/process/portRelease';
import { showWarning } from '../shared/notify';
import type { KillResult } from '../../core/process/kill';
import { launchConfigPorts, type LaunchPort } from '../../core/terminal/launchPorts';
import { isPortProxy, launchSentence } from '../../core/terminal/holderText';
import { targetFromOwner, type KillFlow } from '../shared/killFlow';
import type { Collector, SocketOwner } from '../../core/model';
import { PORT_FREE_WAIT_MS, portHolders } from './portHolders';

export const LAUNCH_ACTIONS = { kill: vscode.l10n.t('Kill and Start'), anyway: vscode.l10n.t('Start Anyway') } as const;

export interface LaunchConflict extends LaunchPort { owners: SocketOwner[] }

export interface LaunchCheck {
  ports: LaunchPort[];
  conflicts: LaunchConflict[];
  /** The dialog's sentence, or undefined when the session starts at once. */
  message: string | undefined;
}

export interface LaunchDeps {
  collector: Collector;
  log: vscode.LogOutputChannel;
  killFlow: () => KillFlow;
  settings: Pick<Settings, 'terminal'>;
}

/** The decision without the dialog: which of the configuration's ports are taken, and by whom. */
export async function checkLaunch(deps: LaunchDeps, config: vscode.DebugConfiguration): Promise<LaunchCheck> {
  const ports = launchConfigPorts(config as Record<string, unknown>);
  if (ports.length === 0) { return { ports, conflicts: [], message: undefined }; }
  const own = new Set(await deps.killFlow().protectedPids());
  const conflicts: LaunchConflict[] = [];
  for (const p of ports) {
    const holders = await portHolders(deps.collector, p.port, p.protocol).catch(() => undefined);
    const owners = holders?.owners.filter(o => !own.has(o.pid)) ?? [];
    if (owners.length > 0) { conflicts.push({ ...p, owners }); }
  }
  const message = conflicts.length > 0 ? launchSentence(config.name, conflicts[0].port, conflicts[0].owners, conflicts.length - 1, vscode.l10n) : undefined;
  return { ports, conflicts, message };
}

/** Kills every holder of the check's conflicts through the kill flow; true when all their ports are free. */
export async function killForLaunch(deps: LaunchDeps, check: LaunchCheck, confirm = false): Promise<{ freed: boolean; results: KillResult[] }> {
  const targets = check.conflicts.flatMap(c => c.owners.map(o => targetFromOwner(o, c.port, c.protocol)));
  const results = await deps.killFlow().run(targets, { confirm });
  const free = await Promise.all(check.conflicts.map(c => waitUntilFree(deps.collector, c.port, c.protocol, PORT_FREE_WAIT_MS)));
  return { freed: results.length > 0 && free.every(Boolean), results };
}

/** What happened at one launch: the dialog's sentence and the answer (`cancel`, or why no dialog could be shown). */
export interface LaunchOutcome { name: string; message: string; answer: string }

export class LaunchPortCheck implements vscode.DebugConfigurationProvider {
  /** The last few outcomes of launches that met a taken port, newest last. */
  readonly outcomes: LaunchOutcome[] = [];

  constructor(private readonly deps: LaunchDeps) {}

  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (config.request !== 'launch' || !this.deps.settings.terminal().detect) { return config; }
    let check: LaunchCheck;
    try { check = await checkLaunch(this.deps, config); } catch (e) {
      this.deps.log.warn(`Could not check the ports of "${config.name}": ${String(e)}`);
      return config;
    }
    if (!check.message) { return config; }
    for (const c of check.conflicts) {
      for (const o of c.owners) { this.deps.log.info(`launch "${config.name}": port ${c.port} (${c.detail}) held by pid ${o.pid} (${o.user || '?'}): ${o.commandLine}`); }
    }
    const outcome: LaunchOutcome = { name: config.name, message: check.message, answer: 'cancel' };
    this.outcomes.push(outcome);
    if (this.outcomes.length > 10) { this.outcomes.shift(); }
    // A container engine's proxy is not killed: the container would keep running without its port.
    const killable = !check.conflicts.some(c => c.owners.some(isPortProxy));
    let pick: string | undefined;
    try {
      pick = await showWarning(check.message, { modal: true }, ...(killable ? [LAUNCH_ACTIONS.kill] : []), LAUNCH_ACTIONS.anyway);
    } catch (e) {
      // No dialog could be shown (a workbench running extension tests refuses modal dialogs): do not start a
      // session that would fail on the taken port.
      outcome.answer = `dialog refused: ${e instanceof Error ? e.message : String(e)}`;
      this.deps.log.warn(`launch "${config.name}": ${outcome.answer}`);
      return undefined;
    }
    outcome.answer = pick ?? 'cancel';
    if (pick === LAUNCH_ACTIONS.anyway) { return config; }
    if (pick !== LAUNCH_ACTIONS.kill || !killable) { return undefined; }
    // The dialog named the process and was answered: the kill flow does not ask a second time.
    const { freed } = await killForLaunch(this.deps, check, false);
    return freed ? config : undefined;
  }
}
