// Sending a signal, with the platform's errors turned into outcomes a user can act on.

export type SignalOutcome = 'sent' | 'gone' | 'permission-denied';

export function sendSignal(pid: number, signal: 'SIGTERM' | 'SIGKILL'): SignalOutcome {
  try {
    process.kill(pid, signal);
    return 'sent';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') { return 'gone'; }
    if (code === 'EPERM') { return 'permission-denied'; }
    throw e;
  }
}
