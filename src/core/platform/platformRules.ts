// What differs per operating system, in one place: which collector reads the sockets, how a
// process is stopped, and what a user is told to run when stopping it is refused. The system
// programs themselves are found by systemTools.ts.
import { english, type L10n } from '../l10n';

export type BackendName = 'procfs' | 'lsof' | 'windows';
export const BACKENDS: readonly BackendName[] = ['procfs', 'lsof', 'windows'];

export interface PlatformRules {
  platform: NodeJS.Platform;
  /** The collector used unless one is named: /proc on Linux, PowerShell on Windows, lsof elsewhere. */
  defaultBackend: BackendName;
  /** How a process is stopped: a signal to it (SIGTERM, then SIGKILL), or taskkill on its tree. */
  stop: 'signal' | 'taskkill';
}

/** What to run by hand when stopping a process was refused for lack of permission. */
export interface PermissionHint {
  /** The command line, for a copy button: `sudo kill -9 4242`, `taskkill /PID 4242 /T /F`. */
  command: string;
  /** Where to run it: "a terminal", "an administrator terminal". */
  where: string;
  /** Both in one phrase: `sudo kill 4242`, `from an administrator terminal: taskkill /PID 4242 /T /F`. */
  text: string;
}

export function platformRules(platform: NodeJS.Platform = process.platform): PlatformRules {
  if (platform === 'win32') { return { platform, defaultBackend: 'windows', stop: 'taskkill' }; }
  return { platform, defaultBackend: platform === 'linux' ? 'procfs' : 'lsof', stop: 'signal' };
}

/** The back end used unless one is named. */
export function defaultBackend(platform: NodeJS.Platform = process.platform): BackendName {
  return platformRules(platform).defaultBackend;
}

/** Whether the back end can run on this platform (/proc: Linux; lsof: any Unix; PowerShell: Windows). */
export function backendAvailable(backend: BackendName, platform: NodeJS.Platform = process.platform): boolean {
  switch (backend) {
    case 'procfs': return platform === 'linux';
    case 'lsof': return platform !== 'win32';
    case 'windows': return platform === 'win32';
  }
}

/**
 * The elevated way to do what was refused. On Windows an elevated taskkill (the whole tree,
 * forced: what a refused stop amounts to there); elsewhere sudo kill with the signal that was refused.
 */
export function permissionHint(pid: number, force: boolean, platform: NodeJS.Platform = process.platform, l10n: L10n = english): PermissionHint {
  if (platformRules(platform).stop === 'taskkill') {
    const command = `taskkill /PID ${pid} /T /F`;
    return { command, where: l10n.t('an administrator terminal'), text: `from an administrator terminal: ${command}` };
  }
  const command = `sudo kill ${force ? '-9 ' : ''}${pid}`;
  return { command, where: l10n.t('a terminal'), text: command };
}
