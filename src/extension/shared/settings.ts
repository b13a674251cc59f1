// The extension's settings, read in one place with their types, defaults, bounds and units. Every
// interval is in seconds. The Ports view's interval used to be `portInspector.refreshInterval` in
// milliseconds: when the user set that one and not its successor, it is still honoured (converted),
// and the log says once which setting replaces it.
import * as vscode from 'vscode';
import { parseWatchPortsSetting, type PortSpec } from '../../core/workspace/watchList';
import { portLiteral } from '../../core/workspace/scriptPorts';

export const SECTION = 'portInspector';

export type StatusBarMode = 'auto' | 'always' | 'warningsOnly' | 'hidden';
const STATUS_BAR_MODES: readonly StatusBarMode[] = ['auto', 'always', 'warningsOnly', 'hidden'];

/** Ports view: seconds between refreshes while it is visible; 0 = only on demand. */
export const VIEW_REFRESH_INTERVAL = 'portsViewRefreshInterval';
/** The former name of VIEW_REFRESH_INTERVAL, in milliseconds. */
export const LEGACY_VIEW_REFRESH_INTERVAL = 'refreshInterval';
export const DEFAULT_VIEW_REFRESH_SECONDS = 2;
/** Shorter intervals are raised to this. */
export const MIN_VIEW_REFRESH_SECONDS = 0.5;

export const DEV_PORTS_CHECK_INTERVAL = 'devPortsCheckInterval';
export const DEFAULT_DEV_PORTS_CHECK_SECONDS = 15;
const DEV_PORTS_CHECK_BOUNDS = { min: 2, max: 3600 };

export interface DevPortsSettings {
  detect: boolean;
  mode: StatusBarMode;
  intervalSeconds: number;
  setting: { ports: PortSpec[]; problems: string[] };
}

/** Where the Ports view's interval came from: the current setting, the legacy one, or the default. */
export interface TerminalSettings {
  /** Look for "port already taken" in terminals and check launch configurations. */
  detect: boolean;
  /** Ports the user answered Don't Ask for This Port. */
  ignoredPorts: number[];
}

export interface ViewRefreshInterval {
  seconds: number;
  source: 'setting' | 'legacy' | 'default';
}

/** Keys whose change a feature reacts to, as `affectsConfiguration` wants them. */
export const DEV_PORTS_KEYS = ['watchPorts', 'detectDevPorts', 'statusBar', DEV_PORTS_CHECK_INTERVAL].map(k => `${SECTION}.${k}`);
export const VIEW_REFRESH_KEYS = [VIEW_REFRESH_INTERVAL, LEGACY_VIEW_REFRESH_INTERVAL].map(k => `${SECTION}.${k}`);

function userSet<T>(inspected: { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined): boolean {
  return inspected !== undefined && (inspected.globalValue !== undefined || inspected.workspaceValue !== undefined || inspected.workspaceFolderValue !== undefined);
}

/** Seconds from a setting's raw value: non-numbers and negatives mean "off" (0), small values are raised. */
export function viewRefreshSeconds(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) { return 0; }
  return Math.max(MIN_VIEW_REFRESH_SECONDS, raw);
}

export function devPortsCheckSeconds(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) { return DEFAULT_DEV_PORTS_CHECK_SECONDS; }
  return Math.min(DEV_PORTS_CHECK_BOUNDS.max, Math.max(DEV_PORTS_CHECK_BOUNDS.min, raw));
}

export class Settings {
  private legacyNoted = false;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** The Ports view's refresh interval, honouring the legacy millisecond setting when only it is set. */
  viewRefreshInterval(): ViewRefreshInterval {
    const c = this.config();
    if (userSet(c.inspect<number>(VIEW_REFRESH_INTERVAL))) {
      return { seconds: viewRefreshSeconds(c.get<unknown>(VIEW_REFRESH_INTERVAL)), source: 'setting' };
    }
    if (userSet(c.inspect<number>(LEGACY_VIEW_REFRESH_INTERVAL))) {
      const ms = c.get<unknown>(LEGACY_VIEW_REFRESH_INTERVAL);
      const seconds = viewRefreshSeconds(typeof ms === 'number' ? ms / 1000 : ms);
      if (!this.legacyNoted) {
        this.legacyNoted = true;
        this.log.warn(`The setting ${SECTION}.${LEGACY_VIEW_REFRESH_INTERVAL} (milliseconds) is deprecated; using it as ` +
          `${SECTION}.${VIEW_REFRESH_INTERVAL} = ${seconds} (seconds). Set the new one to silence this note.`);
      }
      return { seconds, source: 'legacy' };
    }
    return { seconds: DEFAULT_VIEW_REFRESH_SECONDS, source: 'default' };
  }

  devPorts(): DevPortsSettings {
    const c = this.config();
    const mode = c.get<string>('statusBar', 'auto');
    return {
      detect: c.get<boolean>('detectDevPorts', true) !== false,
      mode: STATUS_BAR_MODES.find(m => m === mode) ?? 'auto',
      intervalSeconds: devPortsCheckSeconds(c.get<unknown>(DEV_PORTS_CHECK_INTERVAL, DEFAULT_DEV_PORTS_CHECK_SECONDS)),
      setting: parseWatchPortsSetting(c.get<unknown>('watchPorts', [])),
    };
  }

  confirmKill(): boolean {
    return this.config().get<boolean>('confirmKill', true) !== false;
  }

  confirmNonLocalScanTargets(): boolean {
    return this.config().get<boolean>('scan.confirmNonLocalTargets', true) !== false;
  }

  /** nmap for scans, from the user's own settings only (machine scope: a workspace cannot point it at a program of its own). */
  nmapPath(): string | undefined {
    return this.config().inspect<string>('scan.nmapPath')?.globalValue || undefined;
  }

  terminal(): TerminalSettings {
    const c = this.config();
    const raw = c.get<unknown>('terminal.ignoredPorts', []);
    const ignoredPorts = Array.isArray(raw) ? raw.map(p => portLiteral(String(p))).filter((p): p is number => p !== undefined) : [];
    return { detect: c.get<boolean>('terminal.detectPortConflicts', true) !== false, ignoredPorts };
  }

  /** Adds a port to the user's ignoredPorts (the user settings: it is a personal answer, not the project's). */
  async ignoreTerminalPort(port: number): Promise<void> {
    const current = this.terminal().ignoredPorts;
    if (current.includes(port)) { return; }
    await this.config().update('terminal.ignoredPorts', [...current, port].sort((a, b) => a - b), vscode.ConfigurationTarget.Global);
  }
}
