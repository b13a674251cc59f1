// The one owner of every refresh trigger of the Ports view: the timer (only while the view is
// visible), the view becoming visible, the window regaining focus, the refresh-interval setting, and
// manual refreshes (button, after a kill). Nothing else starts a collection on its own, and nothing
// polls while the view is hidden.
import * as vscode from 'vscode';
import { MIN_VIEW_REFRESH_SECONDS, VIEW_REFRESH_KEYS, type Settings } from '../shared/settings';

/** While the window is in the background the view may still be on screen: refresh, but less often. */
export const UNFOCUSED_SLOWDOWN = 5;
/** Keep collection below ~10% of wall time on machines where one collection is slow. */
const DURATION_FACTOR = 10;

export type RefreshReason = 'timer' | 'visible' | 'focus' | 'settings' | 'manual' | 'kill' | 'toggle';

/** The configured interval in milliseconds; 0 = no automatic refresh. */
export function configuredInterval(settings: Pick<Settings, 'viewRefreshInterval'>): number {
  return Math.round(settings.viewRefreshInterval().seconds * 1000);
}

export class RefreshScheduler implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastDurationMs = 0;
  private lastRunAt = 0;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly collect: () => Promise<unknown>,
    private readonly log: vscode.LogOutputChannel,
    private readonly settings: Pick<Settings, 'viewRefreshInterval'>,
  ) {
    this.disposables.push(
      view.onDidChangeVisibility(e => {
        if (e.visible) {
          // Coming back into view: show fresh data at once unless the last one is very recent.
          if (Date.now() - this.lastRunAt > MIN_VIEW_REFRESH_SECONDS * 1000) { void this.refresh('visible'); } else { this.schedule(); }
        } else {
          this.stopTimer();
        }
      }),
      vscode.window.onDidChangeWindowState(e => {
        if (e.focused && this.view.visible) { void this.refresh('focus'); }
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (VIEW_REFRESH_KEYS.some(k => e.affectsConfiguration(k))) {
          this.stopTimer();
          if (this.view.visible) { void this.refresh('settings'); }
        }
      }),
    );
    if (view.visible) { void this.refresh('visible'); }
  }

  get polling(): boolean { return this.timer !== undefined; }

  /** The interval the timer uses while the window has focus, in milliseconds (0 = off). */
  get intervalMs(): number { return configuredInterval(this.settings); }

  /** Collect now (coalescing with a running collection), then re-arm the timer if the view is visible. */
  refresh(reason: RefreshReason): Promise<void> {
    if (this.disposed) { return Promise.resolve(); }
    this.stopTimer();
    if (this.running) {
      // A collection is under way; one more right after it picks up whatever caused this request.
      this.again = true;
      return this.running;
    }
    this.log.trace(`refresh (${reason})`);
    this.running = (async () => {
      do {
        this.again = false;
        const t0 = Date.now();
        try { await this.collect(); } catch (e) { this.log.error(`refresh failed: ${String(e)}`); }
        this.lastDurationMs = Date.now() - t0;
        this.lastRunAt = Date.now();
      } while (this.again && !this.disposed);
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  private nextDelay(): number {
    const base = configuredInterval(this.settings);
    if (base === 0) { return 0; }
    const focused = vscode.window.state.focused;
    return Math.max(base * (focused ? 1 : UNFOCUSED_SLOWDOWN), this.lastDurationMs * DURATION_FACTOR);
  }

  private schedule(): void {
    this.stopTimer();
    if (this.disposed || !this.view.visible || this.running) { return; }
    const delay = this.nextDelay();
    if (delay === 0) { return; }
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh('timer'); }, delay);
  }

  private stopTimer(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer();
    for (const d of this.disposables) { d.dispose(); }
  }
}
