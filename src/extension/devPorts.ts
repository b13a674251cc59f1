// The dev-server port warning: a status-bar item that turns into a warning when a port this
// workspace's dev server needs is held by a process that is not the workspace's own.
//
// Cost: activate only creates the (hidden) item and registers commands; detection and the first
// check run START_DELAY_MS later. Then a check every portInspector.devPortsCheckInterval seconds
// and when the window gains focus: the shared collector's probePorts(), answered in its worker,
// reads only the watched ports' rows and resolves owners only for the ones that are taken. With
// the item hidden by setting, nothing runs on a timer.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PortCheckResult, PortHolder, Protocol } from '../core/model';
import { ancestorPids } from '../core/process/ancestry';
import type { KillResult } from '../core/process/kill';
import { classifyHolder, conflicts, conflictText, holderLabel, portState, renderStatusBar, type HolderStatus, type OwnershipContext, type PortStatus, type StatusBarMode, type StatusBarView } from '../core/workspace/devPortsSummary';
import { buildWatchList, parseWatchPortsSetting, type PortSpec, type PortSource, type WatchedPort } from '../core/workspace/watchList';
import { DevPortDetection } from './devPortsDetection';
import type { KillTarget } from './killFlow';
import type { PortsViewApi } from './portsView';
import type { Services } from './services';
import { terminalsByPid } from './terminalOwnership';

const START_DELAY_MS = 1000;
const FOCUS_MIN_GAP_MS = 2000;
const IGNORED_KEY = 'portInspector.devPorts.ignored';
export const SHOW_ACTIONS_COMMAND = 'portInspector.devPorts.showActions';

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
}

interface Settings {
  detect: boolean;
  mode: StatusBarMode;
  intervalSeconds: number;
  setting: { ports: PortSpec[]; problems: string[] };
}

function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('portInspector');
  const mode = c.get<string>('statusBar', 'auto');
  const interval = c.get<number>('devPortsCheckInterval', 15);
  return {
    detect: c.get<boolean>('detectDevPorts', true) !== false,
    mode: (['auto', 'always', 'warningsOnly', 'hidden'] as const).find(m => m === mode) ?? 'auto',
    intervalSeconds: Number.isFinite(interval) ? Math.min(3600, Math.max(2, interval)) : 15,
    setting: parseWatchPortsSetting(c.get<unknown>('watchPorts', [])),
  };
}

const keyOf = (port: number, protocol: Protocol) => `${port}/${protocol}`;

class DevPortsController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly detection: DevPortDetection;
  private readonly disposables: vscode.Disposable[] = [];
  private settings = readSettings();
  private watchList: WatchedPort[] = [];
  private statuses: PortStatus[] = [];
  private view: StatusBarView = { visible: false, text: '', warning: false, tooltip: '' };
  private rendered = false;
  private timer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private started = false;
  private startPromise: Promise<void> | undefined;
  private checking: Promise<void> | undefined;
  private checkAgain = false;
  private lastCheckAt = 0;
  private checks = 0;
  private lastError: string | undefined;
  /** The detection notes of the watch list the last check used: state() shows them with its results. */
  private checkedNotes: DevPortsState['notes'] = [];
  private readonly ancestry = new Map<string, number[]>();
  registerMs = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly services: Services, private readonly ports: PortsViewApi) {
    this.item = vscode.window.createStatusBarItem('portInspector.devPorts', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Port Inspector: Dev-Server Ports';
    this.item.command = SHOW_ACTIONS_COMMAND;
    this.detection = new DevPortDetection(services.log);
    this.disposables.push(
      this.item,
      this.detection,
      this.detection.onDidChange(() => { this.rebuildWatchList(); void this.check(); }),
      vscode.workspace.onDidChangeConfiguration(e => this.onConfiguration(e)),
      vscode.window.onDidChangeWindowState(s => {
        if (s.focused && this.timer !== undefined && Date.now() - this.lastCheckAt >= FOCUS_MIN_GAP_MS) { void this.check(); }
      }),
      { dispose: () => { clearInterval(this.timer); clearTimeout(this.startTimer); } },
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
    if (!['watchPorts', 'detectDevPorts', 'statusBar', 'devPortsCheckInterval'].some(k => e.affectsConfiguration(`portInspector.${k}`))) { return; }
    const before = this.settings;
    this.settings = readSettings();
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
    clearInterval(this.timer);
    this.timer = undefined;
    // Hidden by setting: nobody sees the result, so nothing runs on a timer.
    if (this.settings.mode === 'hidden') { return; }
    this.timer = setInterval(() => { void this.check(); }, this.settings.intervalSeconds * 1000);
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
    if (this.checking) { this.checkAgain = true; return this.checking; }
    this.checking = (async () => {
      try {
        do {
          this.checkAgain = false;
          await this.checkOnce();
        } while (this.checkAgain);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const watched = this.watchList;
    // The check answers from the collector worker, a round trip later: the notes are taken with the
    // watch list, so that state() never pairs new notes with the ports of an older detection.
    const notes = this.currentNotes();
    this.lastCheckAt = Date.now();
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
    const live = new Set<string>();
    const statuses: PortStatus[] = [];
    for (const w of watched) {
      const r = byKey.get(keyOf(w.port, w.protocol));
      const holders: HolderStatus[] = [];
      for (const h of r?.holders ?? []) {
        live.add(`${h.pid}:${h.startTime}`);
        holders.push({ holder: h, ownership: classifyHolder(h, await this.ancestorsOf(h), ctx!) });
      }
      statuses.push({
        port: w.port, protocol: w.protocol, sources: w.sources, holders, ignored: ignored.has(keyOf(w.port, w.protocol)),
        state: portState(r?.sockets.length ?? 0, holders, r?.holderHidden ?? false),
      });
    }
    for (const k of this.ancestry.keys()) { if (!live.has(k)) { this.ancestry.delete(k); } }
    this.statuses = statuses;
    this.checkedNotes = notes;
    this.render();
  }

  private async ancestorsOf(h: PortHolder): Promise<number[]> {
    const key = `${h.pid}:${h.startTime}`;
    let chain = this.ancestry.get(key);
    if (!chain) {
      chain = await ancestorPids(h.pid, this.services.collector).catch(() => []);
      this.ancestry.set(key, chain);
    }
    return chain;
  }

  private async ownershipContext(): Promise<OwnershipContext> {
    const terminals = new Map<number, string>();
    for (const [pid, t] of await terminalsByPid()) { terminals.set(pid, t.name); }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => {
      let p = f.uri.fsPath;
      try { p = fs.realpathSync(p); } catch { /* keep as is */ }
      return { name: f.name, path: p };
    });
    const vscodePids = new Set(await this.ports.killFlow.protectedPids());
    return { terminals, folders, vscodePids };
  }

  private problems(): string[] {
    const out = [...this.settings.setting.problems];
    if (this.lastError) { out.push(`Last check failed: ${this.lastError}`); }
    return out;
  }

  private render(): void {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const view = renderStatusBar(this.statuses, this.settings.mode, multiRoot, this.problems());
    // An idle check usually changes nothing: then nothing is sent to the workbench either.
    const same = this.rendered && view.text === this.view.text && view.tooltip === this.view.tooltip && view.visible === this.view.visible && view.warning === this.view.warning;
    this.view = view;
    if (same) { return; }
    this.rendered = true;
    this.item.text = this.view.text;
    const tooltip = new vscode.MarkdownString(this.view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: this.view.warning ? `Dev-server port warning: ${this.view.text.replace(/\$\([^)]*\)\s*/g, '')}` : `${this.statuses.length} dev-server ports watched, none taken by another process` };
    if (this.view.visible) { this.item.show(); } else { this.item.hide(); }
  }

  private status(port: number, protocol: Protocol = 'tcp'): PortStatus | undefined {
    return this.statuses.find(s => s.port === port && s.protocol === protocol);
  }

  private async terminalOf(s: PortStatus): Promise<vscode.Terminal | undefined> {
    const h = s.holders.find(x => x.ownership.kind === 'terminal');
    if (!h || h.ownership.kind !== 'terminal') { return undefined; }
    return (await terminalsByPid()).get(h.ownership.terminalPid);
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
    const results = await this.ports.killFlow.run(targets, { force: options.force, confirm: options.confirm });
    await this.check();
    return results;
  }

  async reveal(port: number, protocol: Protocol = 'tcp'): Promise<boolean> {
    const ok = await this.ports.revealPort(protocol, port);
    if (!ok) { void vscode.window.showInformationMessage(`Port ${port} is not in the Ports view (it is free now).`); }
    return ok;
  }

  async showActions(): Promise<void> {
    await this.ensureStarted();
    await this.check();
    type Item = vscode.QuickPickItem & { run?: () => Thenable<unknown> };
    const items: Item[] = [];
    const order = (s: PortStatus) => (s.ignored ? 3 : s.state === 'conflict' || s.state === 'hidden' ? 0 : s.state === 'own' ? 1 : 2);
    const shown = [...this.statuses].filter(s => s.state !== 'free' || s.ignored).sort((a, b) => order(a) - order(b) || a.port - b.port);
    for (const s of shown) {
      const label = s.state === 'own' ? `${s.port} — held by this workspace` : s.state === 'free' ? `${s.port} — free` : conflictText(s);
      items.push({ label: `${label}${s.ignored ? ' (ignored)' : ''}`, kind: vscode.QuickPickItemKind.Separator });
      const others = s.holders.filter(h => h.ownership.kind === 'other' || h.ownership.kind === 'workspace');
      const term = s.holders.find(h => h.ownership.kind === 'terminal');
      if (term && term.ownership.kind === 'terminal') {
        const name = term.ownership.terminalName;
        items.push({ label: `$(terminal) Show Terminal "${name}"`, description: holderLabel(term.holder), run: () => this.showTerminal(s.port, s.protocol) });
        items.push({ label: `$(debug-stop) Stop (Ctrl+C in "${name}")`, description: term.holder.commandLine, run: () => this.stop(s.port, s.protocol) });
      }
      if (others.length > 0) {
        const who = others.map(h => holderLabel(h.holder)).join(', ');
        items.push({ label: '$(close) Kill', description: who, detail: others[0].holder.commandLine, run: () => this.kill(s.port, { protocol: s.protocol }) });
        items.push({ label: '$(flame) Force Kill', description: `${who} — SIGKILL`, run: () => this.kill(s.port, { force: true, protocol: s.protocol }) });
      }
      if (s.state !== 'free') { items.push({ label: '$(eye) Reveal in Ports View', run: () => this.reveal(s.port, s.protocol) }); }
      items.push(s.ignored
        ? { label: '$(bell) Stop Ignoring This Port', run: () => this.setIgnored(s.port, false, s.protocol) }
        : { label: '$(circle-slash) Ignore This Port', description: 'no warning for it in this workspace', run: () => this.setIgnored(s.port, true, s.protocol) });
    }
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    if (shown.length === 0) {
      items.push({ label: `$(pass) ${this.statuses.length === 0 ? 'No ports watched' : `All ${this.statuses.length} watched ports are free`}`, description: this.statuses.map(s => s.port).join(', ') });
    }
    items.push({ label: '$(refresh) Detect and Check Again', run: () => this.refresh() });
    items.push({ label: '$(settings-gear) Edit Watched Ports', description: 'portInspector.watchPorts', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'portInspector.watchPorts') });
    const pick = await vscode.window.showQuickPick(items, { title: 'Dev-Server Ports', placeHolder: conflicts(this.statuses).length > 0 ? 'A watched port is taken: choose an action' : 'Watched ports', matchOnDescription: true });
    await pick?.run?.();
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
      statusBar: {
        ...this.view,
        backgroundColor: this.item.backgroundColor instanceof vscode.ThemeColor ? this.item.backgroundColor.id : undefined,
        command: typeof this.item.command === 'string' ? this.item.command : this.item.command?.command,
      },
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

/** One line in activate(): `const devPorts = registerDevPorts(context, services, ports);` */
export function registerDevPorts(context: vscode.ExtensionContext, services: Services, ports: PortsViewApi): DevPortsApi {
  const t0 = performance.now();
  const c = new DevPortsController(context, services, ports);
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
  };
}
