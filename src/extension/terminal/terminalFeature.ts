// The terminal feature: a taken port where it bites. EADDRINUSE in an integrated terminal (a
// notification naming the holder), task-owned ports (labelled `task "NAME"`, Restart/Terminate
// Task in place of Kill) and launch configurations (checked before the session starts).
// registerTerminal is the one line extension.ts calls.
import * as vscode from 'vscode';
import { waitUntilFree } from '../../core/process/portRelease';
import { showInformation, showWarning } from '../shared/notify';
import type { Protocol } from '../../core/model';
import type { Services } from '../shared/services';
import { terminalForPid, type ProcessRef } from '../shared/terminalOwnership';
import { TerminalConflicts, type TerminalAction, type TerminalActionResult, type TerminalConflictInfo } from './terminalConflicts';
import { TaskIndex, terminateTask } from './taskIndex';
import { checkLaunch, LaunchPortCheck, type LaunchOutcome } from './launchCheck';
import { PORT_FREE_WAIT_MS, portHolders } from './portHolders';

export const RESTART_TASK_COMMAND = 'portInspector.restartTask';
export const TERMINATE_TASK_COMMAND = 'portInspector.terminateTask';

export interface TerminalApi {
  /** Conflicts recognised in terminals since activation (the last 20), newest last. */
  conflicts(): TerminalConflictInfo[];
  /** Failed terminal commands looked at since activation, reported or not. */
  examined(): number;
  /** Runs a notification button's action; `confirm: false` skips the kill confirmation. */
  act(id: number, action: TerminalAction, options?: { confirm?: boolean }): Promise<TerminalActionResult>;
  /** The name of the running task of this window the pid belongs to. */
  taskOf(pid: number): Promise<string | undefined>;
  /** Restart/Terminate the task holding a port (as the Ports view's commands do); false when no task holds it. */
  restartTask(port: number, protocol?: Protocol): Promise<boolean>;
  terminateTask(port: number, protocol?: Protocol): Promise<boolean>;
  /** The check run before a launch configuration starts, without its dialog. */
  checkLaunch(config: vscode.DebugConfiguration): Promise<{ ports: number[]; conflicts: { port: number; pids: number[] }[]; message: string | undefined }>;
  /** Launches that met a taken port: the dialog's sentence and the answer. */
  launchOutcomes(): LaunchOutcome[];
}

export function registerTerminal(context: vscode.ExtensionContext, services: Services): TerminalApi {
  const { collector, log, portsView } = services;
  const tasks = new TaskIndex();
  const killFlow = () => services.killFlow;
  // Parent chains come from the shared index (one cache for the extension), keyed by pid and start time.
  const chainOf = async (p: ProcessRef) => [p.pid, ...(await services.terminals.ancestorsOf(p))];
  const taskOfProcess = async (p: ProcessRef) => tasks.taskOfChain(await chainOf(p));

  const conflicts = new TerminalConflicts({
    collector, log, killFlow, settings: services.settings,
    revealPort: (protocol, port) => portsView.revealPort(protocol, port),
    holderPlace: async holder => {
      const chain = await chainOf(holder);
      const task = tasks.taskOfChain(chain);
      if (task) { return vscode.l10n.t('from task "{0}"', task.task.name); }
      const terminal = await terminalForPid(holder.pid, collector, chain.slice(1));
      return terminal ? vscode.l10n.t('from terminal "{0}"', terminal.name) : undefined;
    },
  });
  const launchCheck = new LaunchPortCheck({ collector, log, killFlow, settings: services.settings });
  const taskName = (t: vscode.Terminal | undefined) => tasks.taskOfTerminal(t)?.task.name;
  portsView.setTaskNamer(taskName);

  /** The task of a tree node's owners, or of whoever holds a port given as a number. */
  const taskFor = async (arg: unknown, protocol: Protocol = 'tcp'): Promise<{ execution: vscode.TaskExecution; port: number; protocol: Protocol } | undefined> => {
    if (typeof arg === 'number') {
      const holders = await portHolders(collector, arg, protocol);
      for (const o of holders.owners) {
        const execution = await taskOfProcess(o);
        if (execution) { return { execution, port: arg, protocol }; }
      }
      return undefined;
    }
    const node = arg as { group?: { port: number; protocol: Protocol }; ports?: { port: number; protocol: Protocol }[] } | undefined;
    const group = node?.group ?? node?.ports?.[0];
    for (const o of portsView.ownersOf(arg)) {
      const execution = tasks.taskOfTerminal(portsView.terminalOf(o.pid)) ?? await taskOfProcess(o);
      if (execution && group) { return { execution, port: group.port, protocol: group.protocol }; }
    }
    return undefined;
  };

  const terminate = async (arg: unknown, protocol?: Protocol, restart = false): Promise<boolean> => {
    const found = await taskFor(arg, protocol);
    if (!found) {
      void showInformation(vscode.l10n.t('No running task of this window holds this port.'));
      return false;
    }
    const { execution, port } = found;
    log.info(`${restart ? 'Restarting' : 'Terminating'} task "${execution.task.name}" (port ${port}/${found.protocol}).`);
    if (!(await terminateTask(execution))) {
      void showWarning(vscode.l10n.t('Task "{0}" did not end within 10 s.', execution.task.name));
      return false;
    }
    const free = await waitUntilFree(collector, port, found.protocol, PORT_FREE_WAIT_MS);
    if (!free) { log.warn(`Port ${port} is still taken after task "${execution.task.name}" ended.`); }
    if (restart) { await vscode.tasks.executeTask(execution.task); }
    return restart ? true : free;
  };

  context.subscriptions.push(
    tasks,
    conflicts,
    tasks.onDidChange(() => portsView.setTaskNamer(taskName)), // re-renders the view
    vscode.debug.registerDebugConfigurationProvider('*', launchCheck),
    vscode.commands.registerCommand(RESTART_TASK_COMMAND, (arg: unknown, protocol?: Protocol) => terminate(arg, protocol, true)),
    vscode.commands.registerCommand(TERMINATE_TASK_COMMAND, (arg: unknown, protocol?: Protocol) => terminate(arg, protocol, false)),
  );

  return {
    conflicts: () => conflicts.list(),
    examined: () => conflicts.examined,
    act: (id, action, options) => conflicts.act(id, action, options),
    taskOf: async pid => {
      // The API names a pid only; its start time makes it the index's key (a pid that is gone has no task).
      const info = await collector.processInfo(pid);
      return info ? (await taskOfProcess(info))?.task.name : undefined;
    },
    restartTask: (port, protocol) => terminate(port, protocol, true),
    terminateTask: (port, protocol) => terminate(port, protocol, false),
    checkLaunch: async config => {
      const check = await checkLaunch({ collector, log, killFlow, settings: services.settings }, config);
      return { ports: check.ports.map(p => p.port), conflicts: check.conflicts.map(c => ({ port: c.port, pids: c.owners.map(o => o.pid) })), message: check.message };
    },
    launchOutcomes: () => [...launchCheck.outcomes],
  };
}
