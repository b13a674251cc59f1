// The explanation shown wherever the Ports view meets a socket whose owner it cannot see.
import { visible } from '../../core/visibleText';

/** Why an owner is not visible, and what to do about it. As root the cause is a PID namespace, not permissions. */
export function hiddenOwnerNote(users: readonly string[]): string {
  if (process.getuid?.() === 0) {
    return 'Some owners are not visible, even as root: they run outside this PID namespace (the container host or another container). Look from there (e.g. ss -ltnup).';
  }
  return `Some owners are not visible: they run as ${users.join(', ') || 'another user'}. ` +
    'Run VS Code (or the remote server) as that user or root, or use sudo with the CLI.';
}

/**
 * One sentence for a notification about a port whose owner, running as `user`, this window cannot
 * see; `command` is the CLI command that would see it. As root the cause is a PID namespace, so
 * sudo would not help.
 */
export function hiddenPortOwnerSentence(port: number, user: string, command: 'who' | 'kill', asRoot = process.getuid?.() === 0): string {
  const who = visible(user || 'another user');
  if (asRoot) {
    return `Port ${port} is held by a process of ${who} outside this PID namespace, which this VS Code cannot see or signal; run port-inspector ${command} ${port} on the container host or in that container.`;
  }
  return command === 'kill'
    ? `Port ${port} is held by a process of ${who} that this VS Code cannot see or signal; in a terminal, run: sudo port-inspector kill ${port}`
    : `The owner of port ${port} runs as ${who} and is not visible to this VS Code; run VS Code (or the remote server) as that user or root, or in a terminal: sudo port-inspector who ${port}`;
}
