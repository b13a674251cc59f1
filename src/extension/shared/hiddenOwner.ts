// The explanation shown wherever the Ports view meets a socket whose owner it cannot see.
import { english, type L10n } from '../../core/l10n';
import { visible } from '../../core/visibleText';

/** Why an owner is not visible, and what to do about it. As root the cause is a PID namespace, not permissions. */
export function hiddenOwnerNote(users: readonly string[], l10n: L10n = english): string {
  if (process.getuid?.() === 0) {
    return l10n.t('Some owners are not visible, even as root: they run outside this PID namespace (the container host or another container). Look from there (e.g. ss -ltnup).');
  }
  return l10n.t('Some owners are not visible: they run as {0}. Run VS Code (or the remote server) as that user or root, or use sudo with the CLI.',
    users.join(', ') || l10n.t('another user'));
}

/**
 * One sentence for a notification about a port whose owner, running as `user`, this window cannot
 * see; `command` is the CLI command that would see it. As root the cause is a PID namespace, so
 * sudo would not help.
 */
export function hiddenPortOwnerSentence(port: number, user: string, command: 'who' | 'kill', asRoot = process.getuid?.() === 0, l10n: L10n = english): string {
  const who = visible(user || l10n.t('another user'));
  if (asRoot) {
    return l10n.t('Port {0} is held by a process of {1} outside this PID namespace, which this VS Code cannot see or signal; run port-inspector {2} {0} on the container host or in that container.', port, who, command);
  }
  return command === 'kill'
    ? l10n.t('Port {0} is held by a process of {1} that this VS Code cannot see or signal; in a terminal, run: sudo port-inspector kill {0}', port, who)
    : l10n.t('The owner of port {0} runs as {1} and is not visible to this VS Code; run VS Code (or the remote server) as that user or root, or in a terminal: sudo port-inspector who {0}', port, who);
}
