// The words of the kill confirmation. Names, users and command lines belong to whoever started the
// process: a newline or a bidi override in them could add a line to the dialog that looks like ours
// or show the command in another order than it runs, so they are shown with visible escapes.
// Kept free of the vscode API so that plain-Node unit tests can check the exact text.
import { english, type L10n } from '../../core/l10n';
import { visible } from '../../core/visibleText';
import type { KillTarget } from './killFlow';

export function describeTarget(t: Pick<KillTarget, 'name' | 'pid'>, l10n: L10n = english): string {
  return l10n.t('{0} (pid {1})', visible(t.name || l10n.t('process')), t.pid);
}

/** The modal's message, its detail and the button, for SIGTERM (waiting `waitMs`) or SIGKILL. */
export function confirmationText(targets: readonly KillTarget[], force: boolean, waitMs: number, l10n: L10n = english): { message: string; detail: string; action: string } {
  const action = force ? l10n.t('Force Kill') : l10n.t('Kill');
  const lines = targets.map(t =>
    `${l10n.t('{0}, user {1}, port {2}', describeTarget(t, l10n), visible(t.user || '?'), `${t.port}${t.protocol ? `/${t.protocol}` : ''}`)}\n${t.commandLine ? visible(t.commandLine) : l10n.t('(command line not readable)')}` +
    (t.restartNote ? `\n${visible(t.restartNote)}` : ''));
  const how = force ? l10n.t('Sends SIGKILL: the process gets no chance to clean up.')
    : l10n.t('Sends SIGTERM and waits up to {0} s for the port to be released.', waitMs / 1000);
  const message = targets.length === 1
    ? (force ? l10n.t('Force Kill {0}?', describeTarget(targets[0], l10n)) : l10n.t('Kill {0}?', describeTarget(targets[0], l10n)))
    : (force ? l10n.t('Force Kill {0} processes?', targets.length) : l10n.t('Kill {0} processes?', targets.length));
  return { message, detail: `${lines.join('\n\n')}\n\n${how}`, action };
}

/**
 * A kill result's message as one notification sentence: the process's own text made visible, and
 * `clause` (what the view did about it) joined into the same sentence.
 */
export function resultSentence(message: string, clause?: string, l10n: L10n = english): string {
  const text = visible(message).replace(/\.$/, '');
  return clause ? l10n.t('{0} ({1}).', text, clause) : `${text}.`;
}

/** Several still-held results in one sentence: each without its "use force" hint (the button says it). */
export function stillHeldSentence(messages: readonly string[]): string {
  return resultSentence(messages.map(m => m.replace(/; use force.*$/, '').replace(/\.$/, '')).join('; '));
}

/** "Permission denied" for `t` (or a bare pid), with the command a user can run instead and where (`a terminal`). */
export function permissionDeniedSentence(t: Pick<KillTarget, 'name' | 'pid' | 'user'> | undefined, pid: number, command: string, where?: string, l10n: L10n = english): string {
  return l10n.t('Permission denied: {0} belongs to {1}; run "{2}" in {3}, or run VS Code as that user.',
    t ? describeTarget(t, l10n) : l10n.t('pid {0}', pid), visible(t?.user || l10n.t('another user')), command, where ?? l10n.t('a terminal'));
}
