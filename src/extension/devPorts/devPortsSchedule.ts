// When the watched ports are checked: a periodic timer (none while the item is hidden by setting:
// nobody sees the result), the window gaining focus (at most every FOCUS_MIN_GAP_MS), and on demand.
// Checks are serialised: one asked for while one runs runs once more afterwards, not in parallel.
import * as vscode from 'vscode';

const FOCUS_MIN_GAP_MS = 2000;

export class CheckSchedule implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private checkAgain = false;
  private lastCheckAt = 0;
  private readonly focus: vscode.Disposable;

  constructor(private readonly checkOnce: () => Promise<void>) {
    this.focus = vscode.window.onDidChangeWindowState(s => {
      if (s.focused && this.timer !== undefined && Date.now() - this.lastCheckAt >= FOCUS_MIN_GAP_MS) { void this.check(); }
    });
  }

  /** Re-arms the periodic check; `seconds` undefined stops it. */
  restartTimer(seconds: number | undefined): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (seconds === undefined) { return; }
    this.timer = setInterval(() => { void this.check(); }, seconds * 1000);
  }

  check(): Promise<void> {
    if (this.checking) { this.checkAgain = true; return this.checking; }
    this.checking = (async () => {
      try {
        do {
          this.checkAgain = false;
          this.lastCheckAt = Date.now();
          await this.checkOnce();
        } while (this.checkAgain);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.focus.dispose();
  }
}
