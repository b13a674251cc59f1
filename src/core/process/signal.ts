// Sending a signal, with the platform's errors turned into outcomes a user can act on.
import { taskkill } from './windowsKill';
import { platformRules } from '../platform/platformRules';

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

/**
 * sendSignal, with Windows handled by taskkill (added for the Windows back end): there
 * process.kill() is TerminateProcess for any signal and would skip the process's children.
 * SIGTERM -> taskkill /T, SIGKILL -> taskkill /T /F.
 */
export async function signalProcess(pid: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<SignalOutcome> {
  if (platformRules().stop === 'taskkill') {
    return taskkill(pid, signal === 'SIGKILL');
  }
  return sendSignal(pid, signal);
}
