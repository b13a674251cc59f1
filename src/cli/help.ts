// --help text, one entry per subcommand so each stays next to the others and is easy to keep honest.

const usage: Record<string, string> = {
  list: `port-inspector list [--listening] [--tcp] [--udp] [--json] [--backend procfs|lsof]
  Every TCP and UDP socket (IPv4 and IPv6) with its owning processes, like \`ss -tunap\`.
    --listening   only listening TCP sockets and bound (unconnected) UDP sockets
    --tcp, --udp  only that protocol (both when neither is given)
    --json        an array of socket objects (see README) instead of a table
    --backend     where data comes from (default: the platform's best)
`,
  who: `port-inspector who PORT [--tcp|--udp] [--json] [--backend procfs|lsof]
  The sockets bound to exactly PORT (80 never matches 8080) with their owners' command lines and cwd.
  Exit status: 0 when something holds the port, 1 when it is free, 2 on bad arguments.
`,
  kill: `port-inspector kill PORT [--tcp|--udp] [--force] [--yes] [--timeout MS]
  Ends the processes holding PORT: SIGTERM, then waits (default 3000 ms) for the port to be released.
  Before signalling, each pid is checked to still be the same process (start time) and to still hold the port.
  PID 1 and port-inspector's own parent chain are never signalled.
    --force       send SIGKILL when SIGTERM did not release the port in time
    --yes         do not ask; without it the command asks on a terminal and refuses when stdin is not one
  Exit status: 0 port released (or already free), 1 still held or refused, 2 bad arguments.
`,
  scan: `port-inspector scan HOST [-p SPEC] [--udp] [--json] [--timeout MS] [--concurrency N]
  Which ports of HOST are open, closed or filtered (see README).
`,
};

export function helpText(command?: string): string {
  if (command && usage[command]) {
    return usage[command];
  }
  return `port-inspector — which process owns which port, free a port, scan a host.

Commands:
${Object.values(usage).map(u => '  ' + u.split('\n')[0]).join('\n')}

Run \`port-inspector <command> --help\` for details.
Exit status 2 means bad arguments; 3 means the system could not answer (e.g. /proc unreadable, tool missing).
`;
}
