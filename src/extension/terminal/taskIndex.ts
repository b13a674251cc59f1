// Which of this window's tasks a process belongs to. tasks.onDidStartTaskProcess gives the pid of
// the task's shell, which is also its terminal's processId; a server the task started is that
// shell or a descendant, so "the terminal this pid runs in" (the shared terminal index) plus
// "which task owns that terminal's shell" names the task.
import * as vscode from 'vscode';
import { shellPidOf } from '../shared/terminalOwnership';

export class TaskIndex implements vscode.Disposable {
  /** Task shell pid → its execution, while the task runs. */
  private readonly byShellPid = new Map<number, vscode.TaskExecution>();
  private readonly shellPidOf = new Map<vscode.Terminal, number>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.emitter,
      vscode.tasks.onDidStartTaskProcess(e => {
        if (e.processId === undefined) { return; }
        this.byShellPid.set(e.processId, e.execution);
        void this.learnTerminals().then(() => this.emitter.fire());
      }),
      vscode.tasks.onDidEndTaskProcess(e => {
        for (const [pid, x] of this.byShellPid) { if (sameExecution(x, e.execution)) { this.byShellPid.delete(pid); } }
        this.emitter.fire();
      }),
      vscode.window.onDidOpenTerminal(() => { void this.learnTerminals(); }),
      vscode.window.onDidCloseTerminal(t => { this.shellPidOf.delete(t); }),
    ];
    void this.learnTerminals();
  }

  private async learnTerminals(): Promise<void> {
    await Promise.all(vscode.window.terminals.filter(t => !this.shellPidOf.has(t)).map(async t => {
      const pid = await shellPidOf(t);
      if (pid !== undefined) { this.shellPidOf.set(t, pid); }
    }));
  }

  /** The running task whose terminal this is. */
  taskOfTerminal(terminal: vscode.Terminal | undefined): vscode.TaskExecution | undefined {
    const pid = terminal ? this.shellPidOf.get(terminal) : undefined;
    return pid === undefined ? undefined : this.byShellPid.get(pid);
  }

  /** The running task whose shell is one of these pids (a process and its ancestors). */
  taskOfChain(pids: readonly number[]): vscode.TaskExecution | undefined {
    for (const p of pids) {
      const x = this.byShellPid.get(p);
      if (x) { return x; }
    }
    return undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions) { s.dispose(); }
  }
}

function sameExecution(a: vscode.TaskExecution, b: vscode.TaskExecution): boolean {
  return a === b || (a.task.name === b.task.name && a.task.source === b.task.source && a.task.definition.type === b.task.definition.type);
}

/** Ends a task and waits for its process to end (at most `timeoutMs`); false when it did not end in time. */
export async function terminateTask(execution: vscode.TaskExecution, timeoutMs = 10000): Promise<boolean> {
  let subscription: vscode.Disposable | undefined;
  const ended = new Promise<boolean>(resolve => {
    subscription = vscode.tasks.onDidEndTaskProcess(e => { if (sameExecution(e.execution, execution)) { resolve(true); } });
  });
  try {
    execution.terminate();
    return await Promise.race([ended, new Promise<boolean>(r => setTimeout(() => r(false), timeoutMs))]);
  } finally {
    subscription?.dispose();
  }
}
