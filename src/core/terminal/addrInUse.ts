// Recognises "this port is already taken" in what a command printed (a terminal's output, a task's,
// a debug session's) and says which port it was. Pure: text in, record out; never throws.
//
// Ports are read from the message with the digits anchored on both sides and checked as numbers,
// so "3000" is never found inside "30001" or a timestamp. When the message names no port (Python's
// `OSError: [Errno 98]`, Django, Rust's `AddrInUse`, Java's `BindException`), the ports come from
// the command line, read by the same parser the dev-port detection uses for package.json scripts.
import type { Protocol } from '../model';
import { portsOfCommandLine } from '../workspace/scriptPorts';

export interface AddrInUse {
  /** Candidate ports, most likely first: one when the message names it, else those of the command line. */
  ports: number[];
  protocol: Protocol;
  /** Where the ports came from. `command` with no ports: recognised, but the port is unknown. */
  source: 'message' | 'command';
  /** Which tool's wording matched (`node`, `vite/angular`, `python`, …), for the log. */
  tool: string;
  /** The output line that matched, without terminal escape sequences. */
  line: string;
}

interface NamedRule {
  tool: string;
  re: RegExp;
  /** Capture group holding the port, or holding an address whose last `:N` is the port. */
  group: number;
  address?: boolean;
  protocolGroup?: number;
}

// Messages that name the port. Order matters only where two could match one line.
const NAMED: NamedRule[] = [
  // Node (and everything on it: Next.js, webpack-dev-server, Express…): `listen EADDRINUSE: address already in use :::3000`
  { tool: 'node', re: /\bEADDRINUSE\b:?\s*(?:address already in use\s+)?(\S+)/, group: 1, address: true },
  // Vite / Vitest with --strictPort, Angular CLI: `Port 5173 is already in use`
  { tool: 'vite/angular', re: /\bPort (\d{1,5}) is already in use\b/i, group: 1 },
  // Spring Boot: `Port 8080 was already in use.`
  { tool: 'spring', re: /\bPort (\d{1,5}) was already in use\b/i, group: 1 },
  // Flask / Werkzeug: `Port 5000 is in use by another program.`
  { tool: 'werkzeug', re: /\bPort (\d{1,5}) is in use by another program\b/i, group: 1 },
  // uvicorn: `error while attempting to bind on address ('127.0.0.1', 8000): address already in use`
  { tool: 'uvicorn', re: /error while attempting to bind on address \((?:'[^']*'|"[^"]*"),\s*(\d{1,5})(?!\d)/i, group: 1 },
  // Go's net package (and docker's userland proxy): `listen tcp 127.0.0.1:8080: bind: address already in use`
  { tool: 'go', re: /\blisten (tcp|udp)[46]? (\S*?:\d{1,5}): bind: address already in use/i, group: 2, address: true, protocolGroup: 1 },
  // Ruby / Rails / Puma: `Address already in use - bind(2) for "127.0.0.1" port 3000 (Errno::EADDRINUSE)`
  { tool: 'ruby', re: /bind\(2\) for "?[^"\s]*"? port (\d{1,5})(?!\d)/, group: 1 },
  // PHP's built-in server: `Failed to listen on localhost:8000 (reason: Address already in use)`
  { tool: 'php', re: /Failed to listen on (\S+?:\d{1,5}) \(reason: [^)]*(?:in use|only one usage)/i, group: 1, address: true },
  // ASP.NET Core / Kestrel: `Failed to bind to address http://127.0.0.1:5000: address already in use.`
  { tool: 'kestrel', re: /Failed to bind to address (\S+?:\d{1,5})\/?:? address already in use/i, group: 1, address: true },
  // docker run -p: `Bind for 0.0.0.0:8080 failed: port is already allocated`
  { tool: 'docker', re: /Bind for (\S+?:\d{1,5}) failed: port is already allocated/i, group: 1, address: true },
  // ssh -L: `bind [127.0.0.1]:8080: Address already in use`, `cannot listen to port: 8080`
  { tool: 'ssh', re: /\bbind \[?[^\]\s]*\]?:(\d{1,5}): Address already in use/i, group: 1 },
  { tool: 'ssh', re: /cannot listen to port: (\d{1,5})(?!\d)/i, group: 1 },
];

// Messages that say the port is taken without naming it.
const UNNAMED: { tool: string; re: RegExp }[] = [
  { tool: 'django', re: /That port is already in use\./ },
  { tool: 'python', re: /\[(?:Errno|WinError) (?:98|48|10048)\]/ },
  { tool: 'rust', re: /\bkind: AddrInUse\b/ },
  { tool: 'java', re: /\bjava\.net\.BindException\b/ },
  { tool: 'dotnet', re: /\bAddressInUseException\b/ },
  { tool: 'docker', re: /port is already allocated/i },
  { tool: 'node', re: /\bEADDRINUSE\b/ },
  { tool: 'generic', re: /\baddress already in use\b/i },
  { tool: 'windows', re: /only one usage of each socket address/i },
];

// CSI (colours, cursor moves) and OSC (titles, shell-integration marks) sequences.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Output as a person reads it: no escape sequences, carriage returns as line ends. */
export function plainText(output: string): string {
  return output.replace(ESCAPES, '').replace(/\r\n?/g, '\n');
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) { return undefined; }
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** `:::3000`, `0.0.0.0:3000`, `[::1]:3000`, `http://localhost:5000/` → 3000…; a socket path → undefined. */
function portOfAddress(address: string): number | undefined {
  const m = /:(\d{1,5})\/?[.,;)]*$/.exec(address);
  return m ? portNumber(m[1]) : undefined;
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? text.length : end).trim();
}

/** The ports a command line asks for: explicit ones (flags, PORT=…) first, then tools' defaults. */
export function commandLinePorts(commandLine: string): { ports: number[]; protocol: Protocol } {
  const found = portsOfCommandLine(commandLine);
  const explicit = found.filter(p => p.kind === 'explicit');
  const chosen = explicit.length > 0 ? explicit : found;
  return { ports: [...new Set(chosen.map(p => p.port))], protocol: chosen[0]?.protocol ?? 'tcp' };
}

/**
 * The first "port already taken" message in `output`, or undefined. `commandLine` (what was run)
 * supplies the port when the message does not name one.
 */
export function recogniseAddrInUse(output: string, commandLine = ''): AddrInUse | undefined {
  const text = plainText(output);
  let best: { index: number; result: AddrInUse } | undefined;
  for (const rule of NAMED) {
    // Every occurrence, not just the first: `code: 'EADDRINUSE'` in an error dump names no address.
    for (const m of text.matchAll(new RegExp(rule.re.source, `${rule.re.flags}g`))) {
      if (best && best.index <= m.index) { break; }
      const raw = m[rule.group];
      const port = rule.address ? portOfAddress(raw) : portNumber(raw);
      if (port === undefined) { continue; }
      const protocol: Protocol = rule.protocolGroup !== undefined && m[rule.protocolGroup].toLowerCase() === 'udp' ? 'udp' : 'tcp';
      best = { index: m.index, result: { ports: [port], protocol, source: 'message', tool: rule.tool, line: lineAt(text, m.index) } };
      break;
    }
  }
  if (best) { return best.result; }
  for (const rule of UNNAMED) {
    const m = rule.re.exec(text);
    if (!m) { continue; }
    const { ports, protocol } = commandLinePorts(commandLine);
    return { ports, protocol, source: 'command', tool: rule.tool, line: lineAt(text, m.index) };
  }
  return undefined;
}
