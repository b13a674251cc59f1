// The words of the kill confirmation. Names, users and command lines belong to whoever started the
// process: a newline or a bidi override in them could add a line to the dialog that looks like ours
// or show the command in another order than it runs, so they are shown with visible escapes.
// Kept free of the vscode API so that plain-Node unit tests can check the exact text.
import { visible } from '../../core/visibleText';
import type { KillTarget } from './killFlow';

export function describeTarget(t: Pick<KillTarget, 'name' | 'pid'>): string {
  return `${visible(t.name || 'process')} (pid ${t.pid})`;
}

/** The modal's message, its detail and the button, for SIGTERM (waiting `waitMs`) or SIGKILL. */
export function confirmationText(targets: readonly KillTarget[], force: boolean, waitMs: number): { message: string; detail: string; action: string } {
  const action = force ? 'Force Kill' : 'Kill';
  const lines = targets.map(t =>
    `${describeTarget(t)}, user ${visible(t.user || '?')}, port ${t.port}${t.protocol ? `/${t.protocol}` : ''}\n${t.commandLine ? visible(t.commandLine) : '(command line not readable)'}` +
    (t.restartNote ? `\n${visible(t.restartNote)}` : ''));
  const how = force ? 'Sends SIGKILL: the process gets no chance to clean up.'
    : `Sends SIGTERM and waits up to ${waitMs / 1000} s for the port to be released.`;
  const message = targets.length === 1 ? `${action} ${describeTarget(targets[0])}?` : `${action} ${targets.length} processes?`;
  return { message, detail: `${lines.join('\n\n')}\n\n${how}`, action };
}

/**
 * A kill result's message as one notification sentence: the process's own text made visible, and
 * `clause` (what the view did about it) joined into the same sentence.
 */
export function resultSentence(message: string, clause?: string): string {
  const text = visible(message).replace(/\.$/, '');
  return `${text}${clause ? ` (${clause})` : ''}.`;
}

/** Several still-held results in one sentence: each without its "use force" hint (the button says it). */
export function stillHeldSentence(messages: readonly string[]): string {
  return resultSentence(messages.map(m => m.replace(/; use force.*$/, '').replace(/\.$/, '')).join('; '));
}

/** "Permission denied" for `t` (or a bare pid), with the command a user can run instead and where (`a terminal`). */
export function permissionDeniedSentence(t: Pick<KillTarget, 'name' | 'pid' | 'user'> | undefined, pid: number, command: string, where = 'a terminal'): string {
  return `Permission denied: ${t ? describeTarget(t) : `pid ${pid}`} belongs to ${visible(t?.user || 'another user')}; run "${command}" in ${where}, or run VS Code as that user.`;
}
