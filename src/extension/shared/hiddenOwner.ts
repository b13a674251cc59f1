// The explanation shown wherever the Ports view meets a socket whose owner it cannot see.

/** Why an owner is not visible, and what to do about it. As root the cause is a PID namespace, not permissions. */
export function hiddenOwnerNote(users: readonly string[]): string {
  if (process.getuid?.() === 0) {
    return 'Some owners are not visible, even as root: they run outside this PID namespace (the container host or another container). Look from there (e.g. ss -ltnup).';
  }
  return `Some owners are not visible: they run as ${users.join(', ') || 'another user'}. ` +
    'Run VS Code (or the remote server) as that user or root, or use sudo with the CLI.';
}
