// Ending the processes that hold a port, carefully: same process as when listed (start time) and
// still holding the port, checked again right before every signal; never a protected pid; SIGTERM,
// wait for the port, SIGKILL only on request. "Holding" means a listener (TCP LISTEN, bound UDP):
// a client connected from that port number is never signalled.
import type { Collector, ProcessInfo, Protocol, SocketEntry } from '../model';
import { listenersOnPort } from '../socketQueries';
import { pidNamespaceMismatch } from './pidNamespace';
import { signalProcess } from './signal';
import { permissionHint } from '../platform/platformRules';
import { standsForContainer } from '../owners/holderRole';
import { english, type L10n } from '../l10n';
import { listenersLeft, pollUntil } from './portRelease';

export interface KillRequest {
  pid: number;
  /** Start time seen when the pid was listed (ProcessInfo.startTime). */
  startTime: number;
  port: number;
  protocol?: Protocol;
}

export type KillStatus =
  | 'released' | 'still-held' | 'not-same-process' | 'no-longer-holds-port'
  | 'protected' | 'permission-denied' | 'gone' | 'refused';

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
  /** More pids never to signal (the caller's ancestors, the application it runs in). */
  protectedPids?: readonly number[];
  /** Called when the signal is sent and the wait begins (progress messages). */
  onWaiting?: (pid: number, signal: 'SIGTERM' | 'SIGKILL') => void;
  /** For tests: where the pid-namespace check reads `self`. */
  procRoot?: string;
  /** The language of the result sentences (the extension passes vscode.l10n; the CLI speaks English). */
  l10n?: L10n;
}

/** Never signalled whatever the caller passes: the kernel's "every process" (0), init (1) and this process. */
export function builtinProtectedPids(): number[] {
  return [0, 1, process.pid];
}

/**
 * Names one socket across snapshots: its inode where the back end has one; otherwise (Windows,
 * lsof on macOS: inode 0) its protocol and both endpoints, which no other open socket shares.
 */
function socketId(s: SocketEntry): string {
  return s.inode !== 0 ? `i${s.inode}` : `${s.protocol} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`;
}

/** The listeners on the request's port in a fresh, fully walked snapshot (never the warm cache). */
async function listenersNow(collector: Collector, req: KillRequest): Promise<SocketEntry[]> {
  const snap = await collector.collect({ protocols: req.protocol ? [req.protocol] : undefined, listeningOnly: true, fullWalk: true });
  return listenersOnPort(snap.sockets, req.port, req.protocol);
}

/**
 * Released = each listener the pid held is gone, or is now held only by other processes. A dying
 * multi-threaded process can already be a zombie while its last thread is still closing fds, and a
 * socket shared with another user's process shows no owner to us: a socket still present with no
 * visible owner is still held.
 */
async function isReleased(collector: Collector, req: KillRequest, held: readonly string[]): Promise<boolean> {
  const byId = new Map((await listenersNow(collector, req)).map(s => [socketId(s), s]));
  return held.every(id => {
    const s = byId.get(id);
    return !s || (s.processes.length > 0 && !s.processes.some(p => p.pid === req.pid));
  });
}

function waitForRelease(options: KillOptions, req: KillRequest, held: readonly string[], waitMs: number): Promise<boolean> {
  return pollUntil(() => isReleased(options.collector, req, held), waitMs, options.pollMs);
}

type Identity = { info: ProcessInfo; held: string[] } | KillResult;

/** Is `req.pid` still the listed process (same start time) and does it still hold a listener on the port? */
async function confirmIdentity(collector: Collector, req: KillRequest, l10n: L10n): Promise<Identity> {
  const { pid, port } = req;
  const info = await collector.processInfo(pid);
  if (!info) {
    return { pid, status: 'gone', message: l10n.t('Process {0} no longer exists.', pid) };
  }
  if (!(info.startTime > 0)) {
    // Without a start time (Windows netstat fallback) pid reuse cannot be ruled out.
    return { pid, status: 'not-same-process', message: l10n.t('Cannot confirm that pid {0} is still the process that was listed (its start time is unknown on this system); not signalled.', pid) };
  }
  if (info.startTime !== req.startTime) {
    return { pid, status: 'not-same-process', message: l10n.t('Pid {0} now belongs to a different process ({1}, started {2}); not signalled.', pid, info.name, new Date(info.startTime).toISOString()) };
  }
  if (standsForContainer(info.name, info.commandLine)) {
    // Killing docker-proxy breaks the published port and leaves the container running.
    return { pid, status: 'refused', message: l10n.t('{0} (pid {1}) holds the port for a container; stop the container instead (signalling it would break the port and leave the container running).', info.name, pid) };
  }
  const held = (await listenersNow(collector, req)).filter(s => s.processes.some(p => p.pid === pid)).map(socketId);
  if (held.length === 0) {
    return { pid, status: 'no-longer-holds-port', message: l10n.t('{0} (pid {1}) does not listen on port {2}; not signalled.', info.name, pid, port) };
  }
  return { info, held };
}

/** The process ended (or the kernel says it has): released only when the port really is. */
async function afterExit(options: KillOptions, req: KillRequest, name: string, held: readonly string[], signal?: 'SIGTERM' | 'SIGKILL'): Promise<KillResult> {
  const { pid, port } = req;
  const l10n = options.l10n ?? english;
  if (await isReleased(options.collector, req, held)) {
    return { pid, status: 'released', message: l10n.t('{0} (pid {1}) exited; port {2} is released.', name, pid, port), signal };
  }
  return { pid, status: 'still-held', message: l10n.t('{0} (pid {1}) is gone, but port {2} is still held (by a process whose owner is not visible, or a socket still closing).', name, pid, port), signal };
}

export async function killPortOwner(req: KillRequest, options: KillOptions): Promise<KillResult> {
  const { pid, port } = req;
  const l10n = options.l10n ?? english;
  const protectedSet = new Set([...builtinProtectedPids(), ...(options.protectedPids ?? [])]);
  if (!Number.isInteger(pid) || pid <= 0 || protectedSet.has(pid)) {
    return { pid, status: 'protected', message: l10n.t('Refusing to signal pid {0}: it is PID 1, this program or one of its parents.', pid) };
  }
  const namespace = pidNamespaceMismatch(options.procRoot);
  if (namespace) { return { pid, status: 'refused', message: namespace }; }
  const first = await confirmIdentity(options.collector, req, l10n);
  if ('status' in first) { return first; }
  let { held } = first;
  const { info } = first;
  const waitMs = options.waitMs ?? 3000;
  const signals: ('SIGTERM' | 'SIGKILL')[] = options.immediate ? ['SIGKILL'] : options.force ? ['SIGTERM', 'SIGKILL'] : ['SIGTERM'];
  let last: 'SIGTERM' | 'SIGKILL' | undefined;
  for (const [i, signal] of signals.entries()) {
    if (i > 0) {
      // The wait took up to waitMs: the pid may have exited and been reused since the first check.
      const again = await confirmIdentity(options.collector, req, l10n);
      if ('status' in again) {
        return again.status === 'gone' ? afterExit(options, req, info.name, held, last) : { ...again, signal: last };
      }
      held = again.held;
    }
    const sent = await signalProcess(pid, signal);
    if (sent === 'permission-denied') {
      const hint = permissionHint(pid, signal === 'SIGKILL').text;
      return { pid, status: 'permission-denied', message: l10n.t('Permission denied: {0} (pid {1}) belongs to {2}. Try: {3}', info.name, pid, info.user || l10n.t('another user'), hint), signal: last };
    }
    last = signal;
    if (sent === 'gone') { return afterExit(options, req, info.name, held, signal); }
    options.onWaiting?.(pid, signal);
    if (await waitForRelease(options, req, held, waitMs)) {
      return { pid, status: 'released', message: l10n.t('{0} (pid {1}) released port {2} after {3}.', info.name, pid, port, signal), signal };
    }
  }
  const now = await options.collector.processInfo(pid);
  if (!now || now.startTime !== req.startTime) { return afterExit(options, req, info.name, held, last); }
  return {
    pid, status: 'still-held', signal: last,
    message: last === 'SIGTERM'
      ? l10n.t('{0} (pid {1}) still holds port {2} {3} s after SIGTERM; use force to send SIGKILL.', info.name, pid, port, waitMs / 1000)
      : l10n.t('{0} (pid {1}) still holds port {2} {3} s after {4}.', info.name, pid, port, waitMs / 1000, String(last)),
  };
}

/**
 * Every owner was released, but is the port free? Listeners whose owner is not visible to us, or
 * that a process opened since the list was taken, still hold it; a fresh full walk says. One
 * sentence when some remain, else undefined.
 */
export async function portStillHeld(collector: Collector, port: number, protocol: Protocol | undefined, l10n: L10n = english): Promise<string | undefined> {
  const left = await listenersLeft(collector, port, protocol);
  return left === 0 ? undefined : l10n.t('Port {0} is still held: {1} listener(s) remain (their owners are not visible or appeared since).', port, left);
}

/** Kills each requested owner in turn (a pre-fork server's workers often exit with their master). */
export async function killPortOwners(requests: readonly KillRequest[], options: KillOptions): Promise<KillResult[]> {
  const results: KillResult[] = [];
  for (const req of requests) {
    if (results.some(r => r.status === 'released')) {
      // An earlier kill may have taken this one with it.
      const info = await options.collector.processInfo(req.pid);
      if (!info || info.startTime !== req.startTime) {
        results.push({ pid: req.pid, status: 'released', message: (options.l10n ?? english).t('Process {0} exited with its parent.', req.pid) });
        continue;
      }
    }
    results.push(await killPortOwner(req, options));
  }
  return results;
}
