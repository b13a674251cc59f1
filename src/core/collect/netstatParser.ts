// Pure parsers for the Windows fallback: `netstat -ano` and `tasklist /fo csv /nh`, after the
// bytes were decoded from the console code page (codePages.ts). They never throw.
//
// netstat's headings and TCP state words are localised ("Aktive Verbindungen", "ABHÖREN" on German
// Windows; Japanese Windows localises the headings but keeps the English state words), so rows are
// recognised by shape only:
//     TCP    <local>    <foreign>    <state word(s)>    <pid>
//     UDP    <local>    *:*                            <pid>
// where an endpoint is a.b.c.d:port or [ipv6%zone]:port. A TCP row whose foreign side is the
// wildcard with port 0 is LISTEN whatever the word says; the other words are looked up in a table
// of the languages we have seen captures of, and anything else is UNKNOWN rather than a guess.
import type { Family, SocketState } from '../model';
import { parseEndpoint } from './ipText';
import type { WinSocketRow } from './powershellParser';

const STATE_WORDS: Record<string, SocketState> = {
  // English (also Japanese Windows)
  LISTENING: 'LISTEN', ESTABLISHED: 'ESTABLISHED', TIME_WAIT: 'TIME_WAIT', CLOSE_WAIT: 'CLOSE_WAIT',
  SYN_SENT: 'SYN_SENT', SYN_RECEIVED: 'SYN_RECV', FIN_WAIT_1: 'FIN_WAIT1', FIN_WAIT_2: 'FIN_WAIT2',
  LAST_ACK: 'LAST_ACK', CLOSING: 'CLOSING', CLOSED: 'CLOSE', BOUND: 'BOUND', DELETE_TCB: 'CLOSE',
  // German
  'ABHÖREN': 'LISTEN', HERGESTELLT: 'ESTABLISHED', WARTEND: 'TIME_WAIT', SCHLIESSEN_WARTEN: 'CLOSE_WAIT',
  SYN_GESENDET: 'SYN_SENT', SYN_EMPFANGEN: 'SYN_RECV', FIN_WARTEN_1: 'FIN_WAIT1', FIN_WARTEN_2: 'FIN_WAIT2',
  LETZTES_ACK: 'LAST_ACK', SCHLIESSEND: 'CLOSING', GESCHLOSSEN: 'CLOSE', GEBUNDEN: 'BOUND',
};

export interface NetstatParse {
  sockets: WinSocketRow[];
  /** Lines that start like a socket row (TCP/UDP) but do not have its shape. */
  malformed: number;
}

function endpointFamily(text: string): Family {
  return text.startsWith('[') ? 6 : 4;
}

export function parseNetstat(text: string): NetstatParse {
  const sockets: WinSocketRow[] = [];
  let malformed = 0;
  for (const raw of text.split('\n')) {
    const f = raw.trim().split(/\s+/);
    const proto = f[0]?.toUpperCase();
    if (proto !== 'TCP' && proto !== 'UDP') { continue; }
    const pidText = f[f.length - 1];
    if (f.length < 4 || !/^\d{1,10}$/.test(pidText)) { malformed++; continue; }
    const family = endpointFamily(f[1]);
    const local = parseEndpoint(f[1], family);
    const remote = parseEndpoint(f[2], family);
    if (!local || !remote) { malformed++; continue; }
    const word = f.slice(3, -1).join(' ');
    let state: SocketState;
    if (proto === 'UDP') {
      if (word !== '') { malformed++; continue; }
      state = remote.port === 0 ? 'UNCONN' : 'ESTABLISHED';
    } else {
      if (word === '') { malformed++; continue; }
      const wildcardRemote = remote.port === 0 && (remote.address === '0.0.0.0' || remote.address === '::');
      state = wildcardRemote ? 'LISTEN' : (Object.prototype.hasOwnProperty.call(STATE_WORDS, word.toUpperCase()) ? STATE_WORDS[word.toUpperCase()] : 'UNKNOWN');
    }
    sockets.push({
      protocol: proto === 'TCP' ? 'tcp' : 'udp', family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
      state, pid: Number(pidText),
    });
  }
  return { sockets, malformed };
}

/** One CSV record (RFC 4180 quoting: "a ""b"", c"); undefined when a quote is left open. */
export function parseCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) { return undefined; }
        if (line[i] === '"') {
          if (line[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += line[i++];
      }
      while (i < line.length && line[i] !== ',') { value += line[i++]; }
    } else {
      while (i < line.length && line[i] !== ',') { value += line[i++]; }
    }
    out.push(value);
    if (i >= line.length) { return out; }
    i++; // the comma
  }
}

export interface TasklistParse {
  /** pid -> image name */
  names: Map<number, string>;
  malformed: number;
}

/**
 * `tasklist /fo csv /nh`: "Image Name","PID","Session Name","Session#","Mem Usage" per line, no
 * header. Only name and pid are used; the memory column's digit grouping is localised anyway.
 */
export function parseTasklistCsv(text: string): TasklistParse {
  const names = new Map<number, string>();
  let malformed = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '') { continue; }
    const cells = parseCsvLine(line);
    if (!cells || cells.length < 2 || !/^\d{1,10}$/.test(cells[1])) {
      // "INFO: No tasks are running which match the specified criteria." (localised) is not a row.
      malformed += line.startsWith('"') ? 1 : 0;
      continue;
    }
    names.set(Number(cells[1]), cells[0]);
  }
  return { names, malformed };
}
