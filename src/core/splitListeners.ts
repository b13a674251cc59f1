// A port is "split" when different processes listen on it on different addresses: 127.0.0.1 and
// ::1 held by two dev servers, 0.0.0.0 beside 127.0.0.1, a device-bound socket beside a wildcard.
// Then which program a client reaches depends on the address it connects to, and `localhost`
// means whichever address the resolver lists first here (clients try that one first): the "my
// server runs but the browser shows another app" trap. Pure, apart from localhostOrder().
import type { L10n } from './l10n';
import { english } from './l10n';
import type { SocketEntry } from './model';
import { hostText, receiverOf } from './exposure';

export interface SplitPart {
  /** The addresses as ss writes them (`127.0.0.1`, `[::1]`, `*`, `0.0.0.0%enp0s3`). */
  hosts: string[];
  owners: { pid: number; name: string }[];
}

export interface SplitListener {
  port: number;
  protocol: SocketEntry['protocol'];
  /** One part per distinct set of holders, in the order their first socket came. */
  parts: SplitPart[];
  /** The first address `localhost` resolves to that a socket here receives, and the part that holds it. */
  localhostFirst: { address: string; part: number } | undefined;
}


function holdersKey(s: SocketEntry): string {
  if (s.processes.length === 0) { return `hidden:${s.uid}`; }
  return [...new Set(s.processes.map(p => p.pid))].sort((a, b) => a - b).join(',');
}

function ownersOf(sockets: readonly SocketEntry[]): { pid: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const s of sockets) { for (const p of s.processes) { if (!seen.has(p.pid)) { seen.set(p.pid, p.name); } } }
  return [...seen].sort((a, b) => a[0] - b[0]).map(([pid, name]) => ({ pid, name }));
}

/**
 * The split of one port's listening sockets (one protocol), or undefined when one set of
 * processes holds every address (a server on 127.0.0.1 and ::1 is one program, not a trap).
 */
export function splitListener(sockets: readonly SocketEntry[], localhostOrder: readonly string[]): SplitListener | undefined {
  if (sockets.length < 2) { return undefined; }
  const byHolders = new Map<string, SocketEntry[]>();
  for (const s of sockets) {
    const k = holdersKey(s);
    const list = byHolders.get(k);
    if (list) { list.push(s); } else { byHolders.set(k, [s]); }
  }
  if (byHolders.size < 2) { return undefined; }
  // The parts carry no socket entries: a split is data the Ports view receives and keeps.
  const lists = [...byHolders.values()];
  const parts: SplitPart[] = lists.map(list => ({ hosts: [...new Set(list.map(hostText))], owners: ownersOf(list) }));
  let localhostFirst: SplitListener['localhostFirst'];
  for (const address of localhostOrder) {
    const receiver = receiverOf(sockets, address);
    if (receiver) { localhostFirst = { address, part: lists.findIndex(list => list.includes(receiver)) }; break; }
  }
  return { port: sockets[0].localPort, protocol: sockets[0].protocol, parts, localhostFirst };
}

export function holdersText(part: SplitPart, l10n: L10n = english): string {
  if (part.owners.length === 0) { return l10n.t('an owner that is not visible'); }
  return part.owners.map(o => l10n.t('{0} (pid {1})', o.name || '?', o.pid)).join(', ');
}

/** "Port 3000/tcp is split: 127.0.0.1 by node (pid 41), [::1] by python3 (pid 42)." */
export function splitSummary(split: SplitListener, l10n: L10n = english): string {
  const parts = split.parts.map(p => l10n.t('{0} by {1}', p.hosts.join(', '), holdersText(p, l10n))).join('; ');
  return l10n.t('Port {0}/{1} is split between processes: {2}.', split.port, split.protocol, parts);
}

/** "localhost:3000 reaches [::1] first, python3 (pid 42): clients try the first address localhost resolves to here." */
export function localhostSentence(split: SplitListener, l10n: L10n = english): string | undefined {
  const first = split.localhostFirst;
  if (!first) { return undefined; }
  const part = split.parts[first.part];
  const address = first.address.includes(':') ? `[${first.address}]` : first.address;
  return l10n.t('localhost:{0} reaches {1} first, held by {2}: clients try the first address localhost resolves to on this machine.', split.port, address, holdersText(part, l10n));
}

/** The addresses `localhost` resolves to here, in the resolver's order (what clients try first). */
export async function localhostOrder(): Promise<string[]> {
  try {
    // Loaded here, not at start-up: `list` and the other commands that never resolve do not pay for it.
    const { lookup } = await import('node:dns/promises');
    return (await lookup('localhost', { all: true, verbatim: true })).map(a => a.address);
  } catch {
    return [];
  }
}

let knownOrder: readonly string[] = [];
let orderAsked = -Infinity;
const ORDER_TTL_MS = 60_000;

/**
 * The last known localhost order, for synchronous callers (the Ports view builds its rows
 * synchronously): asks the resolver again in the background at most once a minute. Empty until
 * the first answer came.
 */
export function recentLocalhostOrder(now = Date.now()): readonly string[] {
  if (now - orderAsked > ORDER_TTL_MS) {
    orderAsked = now;
    void localhostOrder().then(order => { knownOrder = order; });
  }
  return knownOrder;
}

/** Split ports among listening sockets, by protocol and port. */
export function splitListeners(sockets: readonly SocketEntry[], order: readonly string[]): SplitListener[] {
  const byPort = new Map<string, SocketEntry[]>();
  for (const s of sockets) {
    const k = `${s.protocol}:${s.localPort}`;
    const list = byPort.get(k);
    if (list) { list.push(s); } else { byPort.set(k, [s]); }
  }
  const out: SplitListener[] = [];
  for (const list of byPort.values()) { const split = splitListener(list, order); if (split) { out.push(split); } }
  return out;
}
