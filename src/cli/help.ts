// --help text, one entry per subcommand so each stays next to the others and is easy to keep honest.

const usage: Record<string, string> = {
  list: `port-inspector list [--listening] [--tcp] [--udp] [--json] [--backend procfs|lsof|windows]
  Every TCP and UDP socket (IPv4 and IPv6) with its owning processes, like \`ss -tunap\`.
    --listening   only listening TCP sockets and bound (unconnected) UDP sockets
    --tcp, --udp  only that protocol (both when neither is given)
    --json        an array of socket objects (see README) instead of a table
    --backend     where data comes from (default: procfs on Linux, lsof on macOS, windows on Windows)
    --no-cache    walk every process's fds now instead of re-validating the previous run's
                  owner cache (kept in $XDG_RUNTIME_DIR or the temp dir, per user, 0700)
`,
  who: `port-inspector who PORT [--tcp|--udp] [--json] [--backend procfs|lsof|windows] [--no-cache]
  The sockets bound to exactly PORT (80 never matches 8080) with their owners' command lines and cwd.
  Exit status: 0 when something holds the port, 1 when it is free, 2 on bad arguments.
`,
  kill: `port-inspector kill PORT [--tcp|--udp] [--force] [--yes] [--timeout MS] [--backend procfs|lsof|windows]
  Ends the processes listening on PORT (TCP LISTEN, bound UDP; a client connected from that port
  number is never signalled): SIGTERM, then waits (default 3000 ms) for the port to be released.
  Right before each signal, each pid is checked to still be the same process (start time) and to
  still hold the port. PID 1, port-inspector's own parent chain and, inside VS Code's terminal,
  VS Code's own processes are never signalled.
    --force, -9   send SIGKILL when SIGTERM did not release the port in time
    --yes         do not ask; without it the command asks on a terminal and refuses when stdin is not one
    --timeout MS  how long to wait for the port after a signal (digits only, 0-600000)
  Exit status: 0 port released (or already free), 1 still held or refused, 2 bad arguments.
`,
  scan: `port-inspector scan HOST [-p SPEC] [--udp] [--json] [--timeout MS] [--concurrency N] [--retries N] [--reason] [--yes]
  Which ports of HOST are open, closed or filtered (UDP: open|filtered), with nmap's states and reasons.
  HOST: a name (resolved; the other addresses are listed), an IPv4 address or an IPv6 literal.
  Several hosts (a CIDR block, an IPv4 range like 10.0.0.1-20, or a comma-separated list) are
  handed to nmap when it is installed.
    -p SPEC        22 | 1-1024 | 22,80,8000-8100 | all (or -) for 0-65535 | top (default)
    --udp          UDP instead of TCP (closed = ICMP port unreachable; silence = open|filtered)
    --json         { host, address, protocol, startedAt, durationMs, ports: [{ port, protocol, state, reason, service }], network }
    --timeout MS   longest wait for one probe (default: adapts to measured round-trip times, 100-5000 ms)
    --concurrency  most probes in flight (default 200 on loopback, 2000 elsewhere, UDP 256; capped by the
                   open-file limit); the TCP window grows towards it while probes are answered
    --retries N    re-send rounds made at least for unanswered ports (default 1); more follow while
                   re-sends keep bringing answers (loss or a rate limit), paced at the answer rate
    --yes          scan a target of more than 4,096 addresses
    --reason       add a REASON column (syn-ack, conn-refused, no-response, host-unreach, ...)
  A "Network:" line says when the scan saw loss or a rate limit and slowed to match.
  Exit status: 0 done, 2 bad arguments or unresolvable host, 130 interrupted (partial results printed).
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
