// Killing from the UI: refuse protected pids, confirm (modal naming process, pid, user, command
// line), SIGTERM and wait for the port with a progress notification, offer Force Kill if the port is
// still held, explain permission problems with a copyable command (sudo kill, or an elevated
// taskkill on Windows), refresh the view afterwards.
// The careful part (start time, still holds the port) is the engine's killPortOwners.
import * as vscode from 'vscode';
import { showError, showInformation, showWarning } from './notify';
import { confirmationText, describeTarget, permissionDeniedSentence, resultSentence, stillHeldSentence } from './killConfirmation';
import type { Collector, ContainerOwner, Protocol, SocketOwner } from '../../core/model';
import { containerAction, containerLabel, containerQuestion, type ContainerAction, type ContainerActionResult } from '../../core/owners/containerControl';
import { listenersOnPort } from '../../core/socketQueries';
import { restartWarning } from '../../core/owners/ownerText';
import { killPortOwners, portStillHeld, type KillResult } from '../../core/process/kill';
import { protectedPids } from '../../core/process/ancestry';
import type { Settings } from './settings';
import { permissionHint } from '../../core/platform/platformRules';

/** How long to wait for the port after a signal before calling it still held. */
export const RELEASE_WAIT_MS = 3000;

export interface KillTarget {
  pid: number;
  startTime: number;
  port: number;
  protocol?: Protocol;
  name?: string;
  user?: string;
  commandLine?: string;
  /** What restarts it after a kill (a systemd unit, a supervisor), shown in the confirmation. */
  restartNote?: string;
  /** The command that stops that unit for good, offered to copy after the kill. */
  stopCommand?: string;
}

export interface KillFlowOptions {
  /** SIGKILL straight away (Force Kill). */
  force?: boolean;
  /** Ask first; undefined = the portInspector.confirmKill setting. */
  confirm?: boolean;
}

export interface KillDeps {
  collector: Collector;
  log: vscode.LogOutputChannel;
  settings: Pick<Settings, 'confirmKill'>;
  /** Refresh the Ports view (through its scheduler). */
  refresh: () => Promise<void>;
}

export function targetFromOwner(o: SocketOwner, port: number, protocol: Protocol): KillTarget {
  return { pid: o.pid, startTime: o.startTime, port, protocol, name: o.name, user: o.user, commandLine: o.commandLine };
}


export class KillFlow {
  private protectedList: Promise<number[]> | undefined;

  constructor(private readonly deps: KillDeps) {}

  /**
   * PID 0, 1, the extension host, its ancestors and every other process of the VS Code server or
   * application it runs in (other windows' extension hosts, the pty host, watchers). Kept for the
   * callers that classify owners; a kill computes it afresh, as such processes come and go.
   */
  protectedPids(fresh = false): Promise<number[]> {
    if (fresh) { this.protectedList = undefined; }
    this.protectedList ??= protectedPids(this.deps.collector, true).catch(e => {
      this.protectedList = undefined;
      this.deps.log.warn(`Could not read the extension host's parent processes: ${String(e)}`);
      return [0, 1, process.pid, process.ppid];
    });
    return this.protectedList;
  }

  async run(targets: readonly KillTarget[], options: KillFlowOptions = {}): Promise<KillResult[]> {
    const { log } = this.deps;
    if (targets.length === 0) { return []; }
    // The confirmation must name the process: fill in what a caller passing bare pids left out.
    targets = await Promise.all(targets.map(async t => {
      if (t.name && t.user !== undefined && t.commandLine !== undefined) { return t; }
      const info = await this.deps.collector.processInfo(t.pid).catch(() => undefined);
      return info ? { ...t, name: t.name || info.name, user: t.user ?? info.user, commandLine: t.commandLine ?? info.commandLine } : t;
    }));
    // A port a container publishes is freed by stopping the container, never by signalling its proxy.
    const { rest, containers } = await this.containerTargets(targets);
    const stopped: KillResult[] = [];
    for (const c of containers) { stopped.push(await this.runContainer(c.container, c.target.port, c.target.protocol, 'stop', options, c.target.pid)); }
    if (rest.length === 0) { return stopped; }
    targets = rest;
    const protectedSet = new Set(await this.protectedPids(true));
    const refused: KillResult[] = [...stopped];
    const allowed: KillTarget[] = [];
    for (const t of targets) {
      if (protectedSet.has(t.pid)) {
        const message = t.pid === process.pid ? vscode.l10n.t("Refusing to kill {0}: it is VS Code's extension host (this extension runs in it).", describeTarget(t, vscode.l10n))
          : t.pid <= 1 ? vscode.l10n.t('Refusing to kill {0}: it is the init process.', describeTarget(t, vscode.l10n))
          : vscode.l10n.t("Refusing to kill {0}: it is one of VS Code's own processes.", describeTarget(t, vscode.l10n));
        refused.push({ pid: t.pid, status: 'protected', message });
      } else {
        allowed.push(t);
      }
    }
    for (const r of refused) { log.warn(r.message); void showError(resultSentence(r.message)); }
    if (allowed.length === 0) { return refused; }

    const confirm = options.confirm ?? this.deps.settings.confirmKill();
    if (confirm && !(await this.confirm(allowed, options.force === true))) { return refused; }

    const ports = [...new Set(allowed.map(t => t.port))];
    const title = ports.length > 1 ? vscode.l10n.t('Waiting for ports {0} to be released…', ports.join(', ')) : vscode.l10n.t('Waiting for port {0} to be released…', ports.join(', '));
    let results: KillResult[];
    try {
      results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, progress =>
        killPortOwners(allowed.map(t => ({ pid: t.pid, startTime: t.startTime, port: t.port, protocol: t.protocol })), {
          collector: this.deps.collector,
          immediate: options.force === true,
          waitMs: RELEASE_WAIT_MS,
          protectedPids: [...protectedSet],
          l10n: vscode.l10n,
          onWaiting: (pid, signal) => progress.report({ message: vscode.l10n.t('{0} sent to pid {1}', signal, pid) }),
        }));
    } catch (e) {
      log.error(`Kill failed: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
      void showError(resultSentence(vscode.l10n.t('Could not kill: {0}', e instanceof Error ? e.message : String(e)), vscode.l10n.t('details in the Port Inspector output'), vscode.l10n));
      await this.deps.refresh();
      return refused;
    }
    // Each owner let go of the port; whether the port is free is a question of its own (a listener
    // whose owner we cannot see, or one opened since the list was taken, still holds it).
    const stillHeld: string[] = [];
    for (const port of ports) {
      const mine = allowed.filter(t => t.port === port);
      if (!mine.every(t => results.find(r => r.pid === t.pid)?.status === 'released')) { continue; }
      const held = await portStillHeld(this.deps.collector, port, mine[0].protocol, vscode.l10n).catch(() => undefined);
      if (held) { stillHeld.push(held); }
    }
    await this.deps.refresh();
    for (const r of results) { log.info(vscode.l10n.t('kill pid {0}: {1} ({2})', r.pid, r.status, r.message)); }
    for (const s of stillHeld) { log.warn(s); }
    this.report(allowed, results, stillHeld);
    return [...refused, ...results];
  }

  /**
   * Splits targets into ordinary processes and containers (a proxy, a placeholder or a process in a
   * container holds the port), from a fresh look at the port's listeners; ordinary ones get the
   * unit or supervisor that may restart them.
   */
  private async containerTargets(targets: readonly KillTarget[]): Promise<{ rest: KillTarget[]; containers: { target: KillTarget; container: ContainerOwner }[] }> {
    let sockets;
    try {
      sockets = (await this.deps.collector.collect({ listeningOnly: true, fullWalk: true })).sockets;
    } catch (e) {
      this.deps.log.warn(`Could not look for containers before the kill: ${String(e)}`);
      return { rest: [...targets], containers: [] };
    }
    const rest: KillTarget[] = [];
    const containers: { target: KillTarget; container: ContainerOwner }[] = [];
    const seen = new Set<string>();
    for (const t of targets) {
      const s = listenersOnPort(sockets, t.port, t.protocol).find(x => x.processes.some(p => p.pid === t.pid && p.startTime === t.startTime));
      if (s?.container) {
        const key = s.container.id || `${t.pid}`;
        if (!seen.has(key)) { seen.add(key); containers.push({ target: t, container: s.container }); }
        continue;
      }
      const note = s ? restartWarning(s, t.name || '?', vscode.l10n) : '';
      rest.push(note ? { ...t, restartNote: note, stopCommand: s?.service?.stopCommand || undefined } : t);
    }
    return { rest, containers };
  }

  /**
   * Stop Container / Restart Container: names the container in the confirmation, asks its engine,
   * waits for the port after a stop, refreshes the view. Reported as a KillResult for `pid` (the
   * holder the caller saw), so callers of the kill flow get one kind of answer.
   */
  async runContainer(c: ContainerOwner, port: number, protocol: Protocol | undefined, action: ContainerAction, options: KillFlowOptions = {}, pid = 0): Promise<KillResult> {
    const { log } = this.deps;
    if (!c.id || !c.endpoint) {
      const message = vscode.l10n.t('Port {0} is held by {1} for a {2} container that cannot be stopped from here ({3}); {1} is not killed, as that would break the port and leave the container running.', port, c.holder, c.engine, c.error ?? '?');
      void showError(resultSentence(message));
      return { pid, status: 'refused', message };
    }
    const confirm = options.confirm ?? this.deps.settings.confirmKill();
    if (confirm) {
      const button = action === 'stop' ? vscode.l10n.t('Stop Container') : vscode.l10n.t('Restart Container');
      const compose = c.compose ? vscode.l10n.t('Compose project {0}, service {1}.', c.compose.project, c.compose.service) + '\n' : '';
      const detail = vscode.l10n.t('{0} container, id {1}, through {2}.', c.engine, c.id.slice(0, 12), c.holder) + '\n' + compose +
        vscode.l10n.t('The engine sends SIGTERM, then SIGKILL after the container\'s stop timeout.');
      const pick = await showWarning(containerQuestion(action, c, port, vscode.l10n), { modal: true, detail }, button);
      if (pick !== button) { return { pid, status: 'refused', message: vscode.l10n.t('Cancelled.') }; }
    }
    const title = action === 'stop' ? vscode.l10n.t('Stopping container {0}…', containerLabel(c)) : vscode.l10n.t('Restarting container {0}…', containerLabel(c));
    let r: ContainerActionResult;
    try {
      r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () =>
        containerAction(c, action, { l10n: vscode.l10n, waitMs: RELEASE_WAIT_MS, port: action === 'stop' ? { port, protocol, collector: this.deps.collector } : undefined }));
    } catch (e) {
      r = { status: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
    await this.deps.refresh();
    log.info(action === 'stop' ? vscode.l10n.t('stop container {0}: {1} ({2})', c.id.slice(0, 12), r.status, r.message) : vscode.l10n.t('restart container {0}: {1} ({2})', c.id.slice(0, 12), r.status, r.message));
    const ok = r.status === 'stopped' || r.status === 'restarted' || r.status === 'not-running';
    if (ok) { void showInformation(resultSentence(r.message)); } else { void showError(resultSentence(r.message)); }
    const status = ok ? 'released' : r.status === 'still-held' ? 'still-held' : 'refused';
    return { pid, status, message: r.message };
  }

  private async confirm(targets: readonly KillTarget[], force: boolean): Promise<boolean> {
    const { message, detail, action } = confirmationText(targets, force, RELEASE_WAIT_MS, vscode.l10n);
    const pick = await showWarning(message, { modal: true, detail }, action);
    return pick === action;
  }

  /** Messages after the fact; not awaited, so a command returns its results without waiting for a click. */
  private report(targets: readonly KillTarget[], results: readonly KillResult[], stillHeld: readonly string[]): void {
    const byPid = new Map(targets.map(t => [t.pid, t]));
    const released = results.filter(r => r.status === 'released');
    for (const s of stillHeld) { void showWarning(resultSentence(s)); }
    if (released.length > 0 && released.length === results.length && stillHeld.length === 0) {
      const ports = [...new Set(targets.map(t => t.port))].join(', ');
      void showInformation(vscode.l10n.t('Port {0} released: {1} ended.', ports, released.map(r => describeTarget(byPid.get(r.pid) ?? { pid: r.pid, startTime: 0, port: 0 }, vscode.l10n)).join(', ')));
    }
    for (const r of released) {
      const t = byPid.get(r.pid);
      if (!t?.restartNote) { continue; }
      // Never run for the user: offered to copy, as systemd or a supervisor may have started it again.
      const cmd = t.stopCommand;
      const copy = cmd ? vscode.l10n.t('Copy "{0}"', cmd) : undefined;
      void showWarning(resultSentence(t.restartNote), ...(copy ? [copy] : []))
        .then(choice => { if (cmd && choice === copy) { void vscode.env.clipboard.writeText(cmd); } });
    }
    const still = results.filter(r => r.status === 'still-held');
    if (still.length > 0) {
      const stillTargets = still.map(r => byPid.get(r.pid)).filter((t): t is KillTarget => t !== undefined);
      const forceKill = vscode.l10n.t('Force Kill');
      void showWarning(stillHeldSentence(still.map(r => r.message)), forceKill).then(choice => {
        if (choice === forceKill) { void this.run(stillTargets, { force: true, confirm: false }); }
      });
    }
    for (const r of results.filter(x => x.status === 'permission-denied')) {
      const t = byPid.get(r.pid);
      const hint = permissionHint(r.pid, r.signal === 'SIGKILL', undefined, vscode.l10n);
      const cmd = hint.command;
      const copy = vscode.l10n.t('Copy "{0}"', cmd);
      void showError(permissionDeniedSentence(t, r.pid, cmd, hint.where, vscode.l10n), copy)
        .then(choice => { if (choice === copy) { void vscode.env.clipboard.writeText(cmd); } });
    }
    for (const r of results.filter(x => x.status === 'not-same-process' || x.status === 'no-longer-holds-port' || x.status === 'gone')) {
      void showWarning(resultSentence(r.message, vscode.l10n.t('the Ports view was refreshed'), vscode.l10n));
    }
    for (const r of results.filter(x => x.status === 'protected' || x.status === 'refused')) {
      void showError(resultSentence(r.message));
    }
  }
}
