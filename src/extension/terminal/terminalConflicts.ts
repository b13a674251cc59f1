// A command run in an integrated terminal failed because its port is taken: name the holder in a
// notification and offer Kill and Re-run (the careful kill path, then the same command line in the
// same terminal), Show in Ports View and Don't Ask for This Port.
//
// Output comes from the stable shell-integration API: read() is started when the execution starts
// (data read later is lost) and only the last OUTPUT_LIMIT characters are kept. A terminal without
// shell integration fires none of these events, so nothing happens there.
import type { Settings } from '../shared/settings';
import * as vscode from 'vscode';
import { waitUntilFree } from '../../core/process/portRelease';
import { showInformation, showWarning } from '../shared/notify';
import type { Protocol } from '../../core/model';
import type { KillResult } from '../../core/process/kill';
import { recogniseAddrInUse } from '../../core/terminal/addrInUse';
import { isPortProxy, takenSentence } from '../../core/terminal/holderText';
import { targetFromOwner, type KillFlow } from '../shared/killFlow';
import { portHolders, PORT_FREE_WAIT_MS, workspaceFolders, type PortHolders } from './portHolders';

const OUTPUT_LIMIT = 64 * 1024;
/** How long to wait, after the execution ended, for the rest of its output to be read (the stream usually ends first). */
const READ_GRACE_MS = 5000;

export const TERMINAL_ACTIONS = { killAndRerun: vscode.l10n.t('Kill and Re-run'), kill: vscode.l10n.t('Kill'), show: vscode.l10n.t('Show in Ports View'), ignore: vscode.l10n.t("Don't Ask for This Port") } as const;
export type TerminalAction = keyof typeof TERMINAL_ACTIONS;

/** A recognised conflict, as the API (tests, other extensions) sees it. */
export interface TerminalConflictInfo {
  id: number;
  terminalName: string;
  commandLine: string;
  /** The shell reported the command line itself (high confidence), so it can be run again as it is. */
  commandLineExact: boolean;
  exitCode: number | undefined;
  port: number;
  protocol: Protocol;
  holders: { pid: number; name: string; user: string; startTime: number; commandLine: string }[];
  /** The notification's sentence and buttons. */
  message: string;
  actions: string[];
  /** The output line that was recognised. */
  line: string;
}

export interface TerminalActionResult { action: TerminalAction; killed: KillResult[]; rerun: boolean; revealed: boolean }

export interface TerminalConflictDeps {
  collector: import('../../core/model').Collector;
  log: vscode.LogOutputChannel;
  killFlow: () => KillFlow;
  settings: Pick<Settings, 'terminal' | 'ignoreTerminalPort'>;
  revealPort: (protocol: Protocol, port: number) => Promise<boolean>;
  /** Extra details for a holder: `from task "dev"`, `from terminal "bash"`. */
  holderPlace: (holder: import('../shared/terminalOwnership').ProcessRef) => Promise<string | undefined>;
}

interface Conflict { info: TerminalConflictInfo; terminal: vscode.Terminal; holders: PortHolders }

class OutputBuffer {
  text = '';
  done: Promise<void>;
  constructor(execution: vscode.TerminalShellExecution) {
    this.done = (async () => {
      try {
        for await (const data of execution.read()) {
          this.text += data;
          if (this.text.length > OUTPUT_LIMIT * 2) { this.text = this.text.slice(-OUTPUT_LIMIT); }
        }
      } catch { /* the terminal went away while reading: what was read is all there is */ }
    })();
  }
}

export class TerminalConflicts implements vscode.Disposable {
  private readonly buffers = new Map<vscode.TerminalShellExecution, OutputBuffer>();
  private readonly conflicts: Conflict[] = [];
  /** The command line last run again in each terminal. */
  private readonly sent = new WeakMap<vscode.Terminal, string>();
  private nextId = 1;
  /** Failed executions looked at so far, whatever the outcome (lets a caller wait for "looked at, nothing found"). */
  examined = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: TerminalConflictDeps) {
    this.subscriptions = [
      vscode.window.onDidStartTerminalShellExecution(e => {
        if (this.deps.settings.terminal().detect) { this.buffers.set(e.execution, new OutputBuffer(e.execution)); }
      }),
      vscode.window.onDidEndTerminalShellExecution(e => { void this.ended(e); }),
    ];
  }

  list(): TerminalConflictInfo[] { return this.conflicts.map(c => c.info); }

  private async ended(e: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const buffer = this.buffers.get(e.execution);
    this.buffers.delete(e.execution);
    // What was sent stands only for the execution it started, the first to end after it: a later
    // command whose report happens to be a tail of it is the user's own.
    const sent = this.sent.get(e.terminal);
    this.sent.delete(e.terminal);
    if (!buffer || e.exitCode === 0) { return; }
    try { await this.examine(e, buffer, sent); } finally { this.examined++; }
  }

  private async examine(e: vscode.TerminalShellExecutionEndEvent, buffer: OutputBuffer, sent: string | undefined): Promise<void> {
    await Promise.race([buffer.done, new Promise(r => setTimeout(r, READ_GRACE_MS))]);
    let commandLine = e.execution.commandLine.value;
    let exact = e.execution.commandLine.confidence === vscode.TerminalShellExecutionCommandLineConfidence.High;
    // A command this feature ran again can come back cut where the line wrapped, from the screen (low
    // confidence) and, seen in practice, even at high confidence: what was sent is known exactly.
    if (sent !== undefined && commandLine.trim() !== '' && sent.endsWith(commandLine.trim())) { commandLine = sent; exact = true; }
    const found = recogniseAddrInUse(buffer.text.slice(-OUTPUT_LIMIT), commandLine);
    if (!found) { return; }
    const { log } = this.deps;
    log.info(`terminal "${e.terminal.name}": \`${commandLine}\` exited with ${e.exitCode ?? 'no exit code'}; recognised (${found.tool}): ${found.line}`);
    if (found.ports.length === 0) { log.info('The message names no port and the command line asks for none: nothing to look up.'); return; }
    const ignored = new Set(this.deps.settings.terminal().ignoredPorts);
    for (const port of found.ports) {
      if (ignored.has(port)) { log.info(`Port ${port} is in portInspector.terminal.ignoredPorts: not asking.`); continue; }
      const holders = await portHolders(this.deps.collector, port, found.protocol).catch(err => {
        log.warn(`Could not look up port ${port}: ${String(err)}`);
        return undefined;
      });
      if (!holders || (holders.owners.length === 0 && holders.hiddenUsers.length === 0)) {
        log.info(`Port ${port}/${found.protocol} is free now.`);
        continue;
      }
      await this.notify(e.terminal, { commandLine, exact }, e.exitCode, port, found.protocol, found.line, holders);
      return;
    }
  }

  private async notify(terminal: vscode.Terminal, command: { commandLine: string; exact: boolean }, exitCode: number | undefined, port: number, protocol: Protocol, line: string, holders: PortHolders): Promise<void> {
    const { commandLine, exact } = command;
    const places = new Map<number, string>();
    for (const o of holders.owners) {
      const place = await this.deps.holderPlace(o).catch(() => undefined);
      if (place) { places.set(o.pid, place); }
    }
    const message = takenSentence(port, holders.owners, Date.now(), workspaceFolders(), holders.hiddenUsers, p => places.has(p.pid) ? [places.get(p.pid)!] : [], vscode.l10n);
    const actions = [
      // Without the exact command line only the kill is offered: a guessed command is never run.
      ...(holders.owners.length > 0 && !holders.owners.some(isPortProxy) ? [exact ? TERMINAL_ACTIONS.killAndRerun : TERMINAL_ACTIONS.kill] : []),
      TERMINAL_ACTIONS.show,
      TERMINAL_ACTIONS.ignore,
    ];
    const info: TerminalConflictInfo = {
      id: this.nextId++, terminalName: terminal.name, commandLine, commandLineExact: exact, exitCode, port, protocol, message, actions, line,
      holders: holders.owners.map(o => ({ pid: o.pid, name: o.name, user: o.user, startTime: o.startTime, commandLine: o.commandLine })),
    };
    const conflict: Conflict = { info, terminal, holders };
    this.conflicts.push(conflict);
    if (this.conflicts.length > 20) { this.conflicts.shift(); }
    for (const o of holders.owners) { this.deps.log.info(`  holder pid ${o.pid} (${o.user || '?'}, started ${new Date(o.startTime).toISOString()}, cwd ${o.cwd || '?'}): ${o.commandLine}`); }
    void showWarning(message, ...actions).then(pick => {
      const action = (Object.keys(TERMINAL_ACTIONS) as TerminalAction[]).find(k => TERMINAL_ACTIONS[k] === pick);
      if (action) { void this.act(info.id, action); }
    });
  }

  /** What a button does; `confirm` overrides the portInspector.confirmKill setting (tests pass false). */
  async act(id: number, action: TerminalAction, options: { confirm?: boolean } = {}): Promise<TerminalActionResult> {
    const result: TerminalActionResult = { action, killed: [], rerun: false, revealed: false };
    const c = this.conflicts.find(x => x.info.id === id);
    if (!c) { return result; }
    const { port, protocol } = c.info;
    if (action === 'show') {
      result.revealed = await this.deps.revealPort(protocol, port);
      return result;
    }
    if (action === 'ignore') {
      await this.deps.settings.ignoreTerminalPort(port);
      this.deps.log.info(`Port ${port} added to portInspector.terminal.ignoredPorts.`);
      return result;
    }
    if (!c.info.actions.includes(TERMINAL_ACTIONS.killAndRerun) && !c.info.actions.includes(TERMINAL_ACTIONS.kill)) { return result; }
    result.killed = await this.deps.killFlow().run(c.holders.owners.map(o => targetFromOwner(o, port, protocol)), { confirm: options.confirm });
    if (result.killed.length === 0 || !(await waitUntilFree(this.deps.collector, port, protocol, PORT_FREE_WAIT_MS))) {
      this.deps.log.info(`Port ${port} is still taken: not running \`${c.info.commandLine}\` again.`);
      return result;
    }
    if (action === 'kill' || !c.info.commandLineExact) { return result; }
    if (c.terminal.exitStatus !== undefined) {
      void showInformation(vscode.l10n.t('Port {0} is free, but terminal "{1}" was closed, so the command was not run again.', port, c.terminal.name));
      return result;
    }
    c.terminal.show(true);
    this.sent.set(c.terminal, c.info.commandLine);
    if (c.terminal.shellIntegration) { c.terminal.shellIntegration.executeCommand(c.info.commandLine); }
    else { c.terminal.sendText(c.info.commandLine, true); }
    this.deps.log.info(`Port ${port} is free: ran \`${c.info.commandLine}\` again in terminal "${c.terminal.name}".`);
    result.rerun = true;
    return result;
  }

  dispose(): void {
    for (const s of this.subscriptions) { s.dispose(); }
    this.buffers.clear();
  }
}
