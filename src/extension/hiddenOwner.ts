// The explanation shown wherever the Ports view meets a socket whose owner it cannot see.

/** Why an owner is not visible, and what to do about it. As root the cause is a PID namespace, not permissions. */
export function hiddenOwnerNote(users: readonly string[]): string {
  if (process.getuid?.() === 0) {
    return 'Some sockets have no visible owner even though VS Code runs as root: their processes live outside this ' +
      'PID namespace (the container host or another container). Look from there, e.g. with ss -ltnup on the host.';
  }
  return `Some owners are not visible: they run as ${users.join(', ') || 'another user'}. ` +
    'To see them, run VS Code (or the remote server) as that user or root, or use sudo with the CLI in a terminal.';
}
