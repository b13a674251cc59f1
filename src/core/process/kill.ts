// Ending the processes that hold a port, carefully: same process as when listed (start time),
// still holding the port, never a protected pid; SIGTERM, wait for the port, SIGKILL only on request.
import type { Collector, Protocol, SocketEntry } from '../model';
import { socketsOnPort } from '../socketQueries';
import { signalProcess } from './signal';
import { permissionHint } from '../platform/platformRules';

export interface KillRequest {
  pid: number;
  /** Start time seen when the pid was listed (ProcessInfo.startTime). */
  startTime: number;
  port: number;
  protocol?: Protocol;
}

export type KillStatus =
  | 'released' | 'still-held' | 'not-same-process' | 'no-longer-holds-port'
  | 'protected' | 'permission-denied' | 'gone';

export interface KillResult {
  pid: number;
  status: KillStatus;
  /** One sentence for the user. */
  message: string;
  /** Signal actually sent last, if any. */
  signal?: 'SIGTERM' | 'SIGKILL';
}

export interface KillOptions {
  collector: Collector;
  /** SIGKILL when SIGTERM did not release the port within waitMs (or right away with `immediate`). */
  force?: boolean;
  /** Skip SIGTERM: send SIGKILL straight away (the UI's "Force Kill"). */
  immediate?: boolean;
  waitMs?: number;
  pollMs?: number;
  /** pids never to signal (the caller adds itself and its ancestors). 0 and 1 are always protected. */
  protectedPids?: readonly number[];
  /** Called when the signal is sent and the wait begins (progress messages). */
  onWaiting?: (pid: number, signal: 'SIGTERM' | 'SIGKILL') => void;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Inodes of the sockets on `port` that `pid` holds right now (empty = it holds none). */
/**
 * Names one socket across snapshots: its inode where the back end has one; otherwise (Windows,
 * lsof on macOS: inode 0) its protocol and both endpoints, which no other open socket shares.
 */
function socketId(s: SocketEntry): string {
  return s.inode !== 0 ? `i${s.inode}` : `${s.protocol} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`;
}

/** The sockets on the request's port in a fresh, fully walked snapshot (never the warm cache). */
async function socketsOnPortNow(collector: Collector, req: KillRequest): Promise<SocketEntry[]> {
  const snap = await collector.collect({ protocols: req.protocol ? [req.protocol] : undefined, fullWalk: true });
  return socketsOnPort(snap.sockets, req.port, req.protocol);
}

/** The sockets on the port that the pid holds right now (empty = it holds none). */
async function heldSockets(collector: Collector, req: KillRequest): Promise<string[]> {
  return (await socketsOnPortNow(collector, req)).filter(s => s.processes.some(p => p.pid === req.pid)).map(socketId);
}

/**
 * Released = each socket the pid held is gone, or is now held only by other processes. A dying
 * multi-threaded process can already be a zombie while its last thread is still closing fds, so
 * "the pid is gone" alone is not enough: a socket still present with no owner is still closing.
 */
async function isReleased(collector: Collector, req: KillRequest, held: readonly string[]): Promise<boolean> {
  const byId = new Map((await socketsOnPortNow(collector, req)).map(s => [socketId(s), s]));
  return held.every(id => {
    const s = byId.get(id);
    return !s || (s.processes.length > 0 && !s.processes.some(p => p.pid === req.pid));
  });
}

async function waitForRelease(options: KillOptions, req: KillRequest, held: readonly string[], waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await isReleased(options.collector, req, held)) { return true; }
    if (Date.now() >= deadline) { return false; }
    await sleep(options.pollMs ?? 100);
  }
}

export async function killPortOwner(req: KillRequest, options: KillOptions): Promise<KillResult> {
  const { pid, port } = req;
  const protectedSet = new Set([0, 1, ...(options.protectedPids ?? [])]);
  if (!Number.isInteger(pid) || pid <= 0 || protectedSet.has(pid)) {
    return { pid, status: 'protected', message: `Refusing to signal pid ${pid}: it is PID 1, this program or one of its parents.` };
  }
  const info = await options.collector.processInfo(pid);
  if (!info) {
    return { pid, status: 'gone', message: `Process ${pid} no longer exists.` };
  }
  if (!(info.startTime > 0)) {
    // Without a start time (Windows netstat fallback) pid reuse cannot be ruled out.
    return { pid, status: 'not-same-process', message: `Cannot confirm that pid ${pid} is still the process that was listed (its start time is unknown on this system); not signalled.` };
  }
  if (info.startTime !== req.startTime) {
    return { pid, status: 'not-same-process', message: `Pid ${pid} now belongs to a different process (${info.name}, started ${new Date(info.startTime).toISOString()}); not signalled.` };
  }
  const held = await heldSockets(options.collector, req);
  if (held.length === 0) {
    return { pid, status: 'no-longer-holds-port', message: `${info.name} (pid ${pid}) no longer holds port ${port}; not signalled.` };
  }
  const waitMs = options.waitMs ?? 3000;
  const signals: ('SIGTERM' | 'SIGKILL')[] = options.immediate ? ['SIGKILL'] : options.force ? ['SIGTERM', 'SIGKILL'] : ['SIGTERM'];
  let last: 'SIGTERM' | 'SIGKILL' | undefined;
  for (const signal of signals) {
    const sent = await signalProcess(pid, signal);
    if (sent === 'permission-denied') {
      const hint = permissionHint(pid, signal === 'SIGKILL').text;
      return { pid, status: 'permission-denied', message: `Permission denied: ${info.name} (pid ${pid}) belongs to ${info.user || 'another user'}. Try: ${hint}`, signal: last };
    }
    last = signal;
    if (sent === 'gone') { return { pid, status: 'released', message: `${info.name} (pid ${pid}) exited.`, signal }; }
    options.onWaiting?.(pid, signal);
    if (await waitForRelease(options, req, held, waitMs)) {
      return { pid, status: 'released', message: `${info.name} (pid ${pid}) released port ${port} after ${signal}.`, signal };
    }
  }
  return {
    pid, status: 'still-held', signal: last,
    message: `${info.name} (pid ${pid}) still holds port ${port} ${waitMs / 1000} s after ${last}${last === 'SIGTERM' ? '; use force to send SIGKILL' : ''}.`,
  };
}

/** Kills each requested owner in turn (a pre-fork server's workers often exit with their master). */
export async function killPortOwners(requests: readonly KillRequest[], options: KillOptions): Promise<KillResult[]> {
  const results: KillResult[] = [];
  for (const req of requests) {
    const done = results.find(r => r.status === 'released');
    if (done) {
      // An earlier kill may have taken this one with it.
      const info = await options.collector.processInfo(req.pid);
      if (!info || info.startTime !== req.startTime) {
        results.push({ pid: req.pid, status: 'released', message: `Process ${req.pid} exited with its parent.` });
        continue;
      }
    }
    results.push(await killPortOwner(req, options));
  }
  return results;
}
