// Is a port free? The one answer for every front end that freed one (a kill, a container stop, a
// terminal's Kill and Re-run): no listener on it in a fresh read of the socket tables. Owners are
// not looked up (they do not matter for "is anything still listening"), so a check costs a table
// read, not a walk of every process.
import type { Collector, Protocol } from '../model';
import { listenersOnPort } from '../socketQueries';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Listeners on the port now (TCP LISTEN, bound UDP), whoever holds them. */
export async function listenersLeft(collector: Collector, port: number, protocol: Protocol | undefined): Promise<number> {
  const snap = await collector.collect({ protocols: protocol ? [protocol] : undefined, listeningOnly: true, owners: false });
  return listenersOnPort(snap.sockets, port, protocol).length;
}

/** Asks `done` every `pollMs` until it says true (true) or `timeoutMs` passes (false); asked at least once. */
export async function pollUntil(done: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) { return true; }
    if (Date.now() >= deadline) { return false; }
    await sleep(pollMs);
  }
}

/** Polls until nothing listens on the port (true) or `timeoutMs` passes (false). */
export function waitUntilFree(collector: Collector, port: number, protocol: Protocol | undefined, timeoutMs: number, pollMs = 100): Promise<boolean> {
  return pollUntil(async () => await listenersLeft(collector, port, protocol) === 0, timeoutMs, pollMs);
}
