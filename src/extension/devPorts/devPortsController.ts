// The dev-server port warning: a status-bar item that turns into a warning when a port this
// workspace's dev server needs is held by a process that is not the workspace's own.
//
// Cost: activate only creates the (hidden) item and registers commands; detection and the first
// check run START_DELAY_MS later. Then a check every portInspector.devPortsCheckInterval seconds
// and when the window gains focus: the shared collector's probePorts(), answered in its worker,
// reads only the watched ports' rows and resolves owners only for the ones that are taken. With the
// item hidden by setting, nothing runs on a timer. The item itself, the check timer and the actions
// quick pick are in devPortsStatusItem.ts, devPortsSchedule.ts and devPortsActions.ts.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { showInformation } from '../shared/notify';
import type { PortCheckResult, PortHolder, Protocol } from '../../core/model';
import type { KillResult } from '../../core/process/kill';
import { classifyHolder, portState, type HolderStatus, type OwnershipContext, type PortStatus, type StatusBarMode, type StatusBarView } from './devPortsSummary';
import { buildWatchList, type PortSource, type WatchedPort } from '../../core/workspace/watchList';
import { DevPortDetection } from './devPortsDetection';
import type { KillTarget } from '../shared/killFlow';
import type { Services } from '../shared/services';
import { DEV_PORTS_KEYS, type DevPortsSettings } from '../shared/settings';
import { DevPortsStatusItem, SHOW_ACTIONS_COMMAND } from './devPortsStatusItem';
import { CheckSchedule } from './devPortsSchedule';
import { devPortActionItems, showDevPortActions } from './devPortsActions';

const START_DELAY_MS = 1000;
const IGNORED_KEY = 'portInspector.devPorts.ignored';
/** The name under which holders' parent chains are kept in the shared terminal index. */
const INDEX_USER = 'devPorts';

export interface DevPortsState {
  started: boolean;
  detectEnabled: boolean;
  mode: StatusBarMode;
  intervalSeconds: number;
  watched: {
    port: number; protocol: Protocol; state: PortStatus['state']; ignored: boolean; sources: PortSource[];
    holders: { pid: number; name: string; commandLine: string; cwd: string; startTime: number; ownership: HolderStatus['ownership'] }[];
  }[];
  notes: { folder: string; file: string; line?: number; message: string }[];
  problems: string[];
  statusBar: StatusBarView & { backgroundColor: string | undefined; command: string | undefined };
  checks: number;
  detections: number;
  lastError: string | undefined;
  /** Milliseconds registerDevPorts took inside activate(). */
  registerMs: number;
}

export interface DevPortsApi {
  state(): DevPortsState;
  /** Re-detect every folder, then check. */
  refresh(): Promise<DevPortsState>;
  /** Check the watched ports now. */
  check(): Promise<DevPortsState>;
  showTerminal(port: number, protocol?: Protocol): Promise<boolean>;
  stop(port: number, protocol?: Protocol): Promise<boolean>;
  kill(port: number, options?: { force?: boolean; confirm?: boolean; protocol?: Protocol }): Promise<KillResult[]>;
  reveal(port: number, protocol?: Protocol): Promise<boolean>;
  setIgnored(port: number, ignored: boolean, protocol?: Protocol): Promise<void>;
  /** The status-bar item itself, as the workbench shows it (tests read its text, tooltip, colour). */
  readonly statusBarItem: vscode.StatusBarItem;
  /** The labels of the items clicking the status bar would offer now, in order. */
  actionLabels(): string[];
}

const keyOf = (port: number, protocol: Protocol) => `${port}/${protocol}`;

class DevPortsController implements vscode.Disposable {
  readonly item: DevPortsStatusItem;
  private readonly schedule: CheckSchedule;
  private readonly detection: DevPortDetection;
  private readonly disposables: vscode.Disposable[] = [];
  private settings: DevPortsSettings;
  private watchList: WatchedPort[] = [];
  private statuses: PortStatus[] = [];
  private startTimer: NodeJS.Timeout | undefined;
  private started = false;
  private startPromise: Promise<void> | undefined;
  private checks = 0;
  private lastError: string | undefined;
  /** The detection notes of the watch list the last check used: state() shows them with its results. */
  private checkedNotes: DevPortsState['notes'] = [];
  registerMs = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly services: Services) {
    this.settings = services.settings.devPorts();
    this.item = new DevPortsStatusItem();
    this.schedule = new CheckSchedule(() => this.checkOnce());
    this.detection = new DevPortDetection(services.log, folder => services.collector.detectDevPorts(folder));
    this.disposables.push(
      this.item,
      this.schedule,
      this.detection,
      this.detection.onDidChange(() => { this.rebuildWatchList(); void this.check(); }),
      vscode.workspace.onDidChangeConfiguration(e => this.onConfiguration(e)),
      { dispose: () => { clearTimeout(this.startTimer); } },
    );
  }

  /** Detection and the first check happen after activation has returned. */
  scheduleStart(): void {
    this.startTimer = setTimeout(() => { void this.ensureStarted(); }, START_DELAY_MS);
  }

  ensureStarted(): Promise<void> {
    this.startPromise ??= (async () => {
      clearTimeout(this.startTimer);
      this.started = true;
      if (this.settings.detect) { await this.detection.start(); }
      this.rebuildWatchList();
      this.restartTimer();
      await this.check();
    })();
    return this.startPromise;
  }

  private onConfiguration(e: vscode.ConfigurationChangeEvent): void {
    if (!DEV_PORTS_KEYS.some(k => e.affectsConfiguration(k))) { return; }
    const before = this.settings;
    this.settings = this.services.settings.devPorts();
    for (const p of this.settings.setting.problems) { if (!before.setting.problems.includes(p)) { this.services.log.warn(p); } }
    if (!this.started) { return; }
    if (before.detect !== this.settings.detect) {
      if (this.settings.detect) { void this.detection.start(); } else { this.detection.stop(); }
    }
    if (before.intervalSeconds !== this.settings.intervalSeconds || before.mode !== this.settings.mode) { this.restartTimer(); }
    this.rebuildWatchList();
    // The item's mode and the setting's problems show at once; port states follow with the check.
    this.render();
    void this.check();
  }

  private restartTimer(): void {
    // Hidden by setting: nobody sees the result, so nothing runs on a timer.
    this.schedule.restartTimer(this.settings.mode === 'hidden' ? undefined : this.settings.intervalSeconds);
  }

  private rebuildWatchList(): void {
    const folders = this.settings.detect ? this.detection.folders.map(f => ({ folder: f.folder.name, detection: f.detection })) : [];
    this.watchList = buildWatchList(folders, this.settings.setting.ports);
  }

  private ignored(): Set<string> {
    return new Set(this.context.workspaceState.get<string[]>(IGNORED_KEY, []));
  }

  async setIgnored(port: number, ignored: boolean, protocol: Protocol = 'tcp'): Promise<void> {
    const set = this.ignored();
    if (ignored) { set.add(keyOf(port, protocol)); } else { set.delete(keyOf(port, protocol)); }
    await this.context.workspaceState.update(IGNORED_KEY, [...set]);
    this.statuses = this.statuses.map(s => ({ ...s, ignored: set.has(keyOf(s.port, s.protocol)) }));
    this.render();
  }

  /** Serialised: a check asked for while one runs runs once more afterwards, not in parallel. */
  check(): Promise<void> {
    return this.schedule.check();
  }

  private async checkOnce(): Promise<void> {
    const watched = this.watchList;
    // The check answers from the collector worker, a round trip later: the notes are taken with the
    // watch list, so that state() never pairs new notes with the ports of an older detection.
    const notes = this.currentNotes();
    this.checks++;
    let results: PortCheckResult[];
    try {
      const specs = watched.map(w => ({ port: w.port, protocol: w.protocol }));
      results = specs.length === 0 ? [] : await this.services.collector.probePorts(specs);
      if (this.lastError !== undefined) { this.services.log.info('Dev-port check works again.'); }
      this.lastError = undefined;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (message !== this.lastError) { this.services.log.error(`Dev-port check failed: ${message}`); }
      this.lastError = message;
      this.checkedNotes = notes;
      this.render();
      return;
    }
    const byKey = new Map(results.map(r => [keyOf(r.port, r.protocol), r]));
    const ignored = this.ignored();
    const ctx = results.some(r => r.sockets.length > 0) ? await this.ownershipContext() : undefined;
    const live: PortHolder[] = [];
    const statuses: PortStatus[] = [];
    for (const w of watched) {
      const r = byKey.get(keyOf(w.port, w.protocol));
      const holders: HolderStatus[] = [];
      for (const h of r?.holders ?? []) {
        live.push(h);
        holders.push({ holder: h, ownership: classifyHolder(h, await this.services.terminals.ancestorsOf(h), ctx!) });
      }
      statuses.push({
        port: w.port, protocol: w.protocol, sources: w.sources, holders, ignored: ignored.has(keyOf(w.port, w.protocol)),
        state: portState(r?.sockets.length ?? 0, holders, r?.holderHidden ?? false),
      });
    }
    this.services.terminals.retain(INDEX_USER, live);
    this.statuses = statuses;
    this.checkedNotes = notes;
    this.render();
  }

  private async ownershipContext(): Promise<OwnershipContext> {
    const terminals = new Map<number, string>();
    const tasks = new Map<number, string>();
    for (const [pid, t] of await this.services.terminals.terminals()) {
      terminals.set(pid, t.name);
      const task = this.services.portsView.taskOfTerminal(t);
      if (task !== undefined) { tasks.set(pid, task); }
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => {
      let p = f.uri.fsPath;
      try { p = fs.realpathSync(p); } catch { /* keep as is */ }
      return { name: f.name, path: p };
    });
    const vscodePids = new Set(await this.services.killFlow.protectedPids());
    return { terminals, tasks, folders, vscodePids };
  }

  private problems(): string[] {
    const out = [...this.settings.setting.problems];
    if (this.lastError) { out.push(vscode.l10n.t('Last check failed: {0}', this.lastError)); }
    return out;
  }

  private render(): void {
    this.item.render(this.statuses, this.settings.mode, this.problems());
  }

  private status(port: number, protocol: Protocol = 'tcp'): PortStatus | undefined {
    return this.statuses.find(s => s.port === port && s.protocol === protocol);
  }

  private async terminalOf(s: PortStatus): Promise<vscode.Terminal | undefined> {
    const h = s.holders.find(x => x.ownership.kind === 'terminal');
    if (!h || h.ownership.kind !== 'terminal') { return undefined; }
    return (await this.services.terminals.terminals()).get(h.ownership.terminalPid);
  }

  async showTerminal(port: number, protocol: Protocol = 'tcp'): Promise<boolean> {
    const s = this.status(port, protocol);
    const t = s && await this.terminalOf(s);
    if (!t) { return false; }
    t.show(false);
    return true;
  }

  /** Ctrl+C in the terminal the server runs in: the shell stops it the way the user would. */
  async stop(port: number, protocol: Protocol = 'tcp'): Promise<boolean> {
    const s = this.status(port, protocol);
    const t = s && await this.terminalOf(s);
    if (!t) { return false; }
    t.sendText('\u0003', false);
    setTimeout(() => { void this.check(); }, 1000);
    return true;
  }

  async kill(port: number, options: { force?: boolean; confirm?: boolean; protocol?: Protocol } = {}): Promise<KillResult[]> {
    const protocol = options.protocol ?? 'tcp';
    await this.check();
    const s = this.status(port, protocol);
    if (!s) { return []; }
    // Only other processes: the workspace's own are stopped from their terminal instead.
    const targets: KillTarget[] = s.holders.filter(h => h.ownership.kind === 'other' || h.ownership.kind === 'workspace').map(h => ({
      pid: h.holder.pid, startTime: h.holder.startTime, port, protocol, name: h.holder.name, user: h.holder.user, commandLine: h.holder.commandLine,
    }));
    if (targets.length === 0) { return []; }
    const results = await this.services.killFlow.run(targets, { force: options.force, confirm: options.confirm });
    await this.check();
    return results;
  }

  async reveal(port: number, protocol: Protocol = 'tcp'): Promise<boolean> {
    const ok = await this.services.portsView.revealPort(protocol, port);
    if (!ok) { void showInformation(vscode.l10n.t('Port {0} is not in the Ports view (it is free now).', port)); }
    return ok;
  }

  /** The statuses of the last check (the action pick is built from them). */
  statusesNow(): readonly PortStatus[] {
    return this.statuses;
  }

  async showActions(): Promise<void> {
    await this.ensureStarted();
    await this.check();
    await showDevPortActions(this.statuses, this);
  }

  async refresh(): Promise<void> {
    await this.ensureStarted();
    await this.detection.redetectAll();
    this.rebuildWatchList();
    await this.check();
  }

  private currentNotes(): DevPortsState['notes'] {
    return this.detection.folders.flatMap(f => f.detection.notes.map(n => ({ folder: f.folder.name, ...n })));
  }

  state(): DevPortsState {
    const notes = this.checkedNotes;
    return {
      started: this.started,
      detectEnabled: this.settings.detect,
      mode: this.settings.mode,
      intervalSeconds: this.settings.intervalSeconds,
      watched: this.statuses.map(s => ({
        port: s.port, protocol: s.protocol, state: s.state, ignored: s.ignored, sources: s.sources,
        holders: s.holders.map(h => ({ pid: h.holder.pid, name: h.holder.name, commandLine: h.holder.commandLine, cwd: h.holder.cwd, startTime: h.holder.startTime, ownership: h.ownership })),
      })),
      notes,
      problems: this.problems(),
      statusBar: this.item.state,
      checks: this.checks,
      detections: this.detection.detections,
      lastError: this.lastError,
      registerMs: this.registerMs,
    };
  }

  dispose(): void {
    for (const d of this.disposables) { d.dispose(); }
  }
}

/** One line in activate(): `const devPorts = registerDevPorts(context, services);` */
export function registerDevPorts(context: vscode.ExtensionContext, services: Services): DevPortsApi {
  const t0 = performance.now();
  const c = new DevPortsController(context, services);
  const ready = async () => { await c.ensureStarted(); return c.state(); };
  context.subscriptions.push(
    c,
    vscode.commands.registerCommand(SHOW_ACTIONS_COMMAND, () => c.showActions()),
    // Internal (leading underscore: not in the palette, not listed by getCommands(true)): for tests and scripts.
    vscode.commands.registerCommand('_portInspector.devPorts.state', async (opts?: { refresh?: boolean; check?: boolean }) => {
      if (opts?.refresh) { await c.refresh(); } else if (opts?.check) { await c.ensureStarted(); await c.check(); } else { await c.ensureStarted(); }
      return c.state();
    }),
  );
  c.scheduleStart();
  c.registerMs = performance.now() - t0;
  return {
    state: () => c.state(),
    refresh: async () => { await c.refresh(); return c.state(); },
    check: async () => { await c.ensureStarted(); await c.check(); return c.state(); },
    showTerminal: async (port, protocol) => { await ready(); return c.showTerminal(port, protocol); },
    stop: async (port, protocol) => { await ready(); return c.stop(port, protocol); },
    kill: async (port, options) => { await ready(); return c.kill(port, options); },
    reveal: async (port, protocol) => { await ready(); return c.reveal(port, protocol); },
    setIgnored: async (port, ignored, protocol) => { await ready(); await c.setIgnored(port, ignored, protocol); },
    statusBarItem: c.item.item,
    actionLabels: () => devPortActionItems(c.statusesNow(), c).map(i => i.label),
  };
}
