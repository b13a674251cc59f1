// Ending a process on Windows: `taskkill /PID n /T` (the whole tree: a dev server started through
// npm/cmd is a tree, and the port usually belongs to a child), with /F for force. Without /F
// taskkill only asks (WM_CLOSE), which console programs such as node ignore — the caller's wait
// then reports the port still held and offers force, as SIGTERM does on Unix.
// Exit codes, not messages, decide: taskkill's messages are localised.
import { CommandError, runCommand } from '../collect/runCommand';
import type { SignalOutcome } from './signal';
import { windowsTool } from '../platform/systemTools';

/** taskkill's exit code when no process has that pid. */
const NOT_FOUND = 128;

export function taskkillArgs(pid: number, force: boolean): string[] {
  return ['/PID', String(pid), '/T', ...(force ? ['/F'] : [])];
}

/** `exe` is for tests; by default System32's taskkill.exe (never one found first on PATH). */
export async function taskkill(pid: number, force: boolean, exe = windowsTool('taskkill')): Promise<SignalOutcome> {
  if (!Number.isInteger(pid) || pid <= 0) { throw new Error(`invalid pid ${pid}`); }
  try {
    await runCommand(exe, taskkillArgs(pid, force), { timeoutMs: 15_000 });
    return 'sent';
  } catch (e) {
    if (!(e instanceof CommandError) || e.kind !== 'failed') { throw e; }
    if (e.exitCode === NOT_FOUND) { return 'gone'; }
    // Exit 1: access denied, or (without /F) "can only be terminated forcefully". A polite request
    // that was refused is left to the caller's wait; a refused /F is a permission problem.
    return force ? 'permission-denied' : 'sent';
  }
}
