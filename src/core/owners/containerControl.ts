// Freeing a port a container publishes: the container is stopped (or restarted) through its engine,
// `POST /containers/{id}/stop` — the engine's own SIGTERM, then SIGKILL after its timeout — never by
// signalling docker-proxy or dockerd, which would break the port and leave the container running.
import type { Collector, ContainerOwner, Protocol, SocketEntry } from '../model';
import { waitUntilFree } from '../process/portRelease';
import type { L10n } from '../l10n';
import { english } from '../l10n';
import { listenersOnPort } from '../socketQueries';
import { engineErrorText, engineRequest } from './engineClient';
import { parseContainerList } from './engineJson';

export type ContainerAction = 'stop' | 'restart';

export interface ContainerActionResult {
  status: 'stopped' | 'restarted' | 'not-running' | 'gone' | 'still-held' | 'unreachable' | 'failed';
  message: string;
}

export interface ContainerActionOptions {
  /** Seconds the engine waits after SIGTERM before SIGKILL; default: the container's own stop timeout (10 s unless set). */
  stopTimeoutS?: number;
  /** After a stop: how long to wait for the port to be free, and through what. */
  port?: { port: number; protocol?: Protocol; collector: Collector };
  waitMs?: number;
  l10n?: L10n;
}

/** "shop-db (postgres:16)", or the short id when the engine could not name it. */
export function containerLabel(c: ContainerOwner): string {
  const name = c.name || (c.id ? c.id.slice(0, 12) : '?');
  return c.image ? `${name} (${c.image})` : name;
}

/** The confirmation's question: "Stop container shop-db (image postgres:16)? It publishes port 5432." */
export function containerQuestion(action: ContainerAction, c: ContainerOwner, port: number, l10n: L10n = english): string {
  const name = c.name || c.id.slice(0, 12);
  if (action === 'restart') {
    return c.image ? l10n.t('Restart container {0} (image {1})? It publishes port {2}.', name, c.image, port) : l10n.t('Restart container {0}? It publishes port {1}.', name, port);
  }
  return c.image ? l10n.t('Stop container {0} (image {1})? It publishes port {2}.', name, c.image, port) : l10n.t('Stop container {0}? It publishes port {1}.', name, port);
}

/** The container a port's listeners stand for, if any (the first one with an id). */
export function containerOfListeners(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): ContainerOwner | undefined {
  const listeners = listenersOnPort(sockets, port, protocol);
  return listeners.map(s => s.container).find((c): c is ContainerOwner => !!c) ?? undefined;
}


export async function containerAction(c: ContainerOwner, action: ContainerAction, options: ContainerActionOptions = {}): Promise<ContainerActionResult> {
  const l10n = options.l10n ?? english;
  const label = containerLabel(c);
  if (!c.id || !c.endpoint) {
    return { status: 'unreachable', message: cannot(action, label, c.error ?? l10n.t('its engine is not known'), l10n) };
  }
  const t = options.stopTimeoutS;
  const query = t === undefined ? '' : `?t=${t}`;
  const id = encodeURIComponent(c.id);
  let res;
  try {
    // the engine answers when the container has exited: up to its stop timeout, which can be long
    res = await engineRequest(c.endpoint, 'POST', `/containers/${id}/${action}${query}`, ((t ?? 120) + 20) * 1000);
  } catch (e) {
    return { status: 'unreachable', message: cannot(action, label, engineErrorText(c.endpoint, e, l10n), l10n) };
  }
  if (res.status === 404) { return { status: 'gone', message: l10n.t('Container {0} no longer exists.', label) }; }
  if (res.status === 304 && action === 'stop') { return { status: 'not-running', message: l10n.t('Container {0} was not running.', label) }; }
  if (res.status !== 204 && res.status !== 304) {
    const why = engineMessage(res.body) || `HTTP ${res.status}`;
    return {
      status: 'failed',
      message: action === 'stop' ? l10n.t('The engine refused to stop container {0}: {1}.', label, why) : l10n.t('The engine refused to restart container {0}: {1}.', label, why),
    };
  }
  if (action === 'restart') { return { status: 'restarted', message: l10n.t('Container {0} restarted.', label) }; }
  const p = options.port;
  if (!p) { return { status: 'stopped', message: l10n.t('Container {0} stopped.', label) }; }
  // The engine answers after the container exited; its proxy and placeholder close right after.
  return await waitUntilFree(p.collector, p.port, p.protocol, options.waitMs ?? 3000)
    ? { status: 'stopped', message: l10n.t('Container {0} stopped; port {1} is free.', label, p.port) }
    : { status: 'still-held', message: l10n.t('Container {0} stopped, but port {1} is still held.', label, p.port) };
}

function cannot(action: ContainerAction, label: string, why: string, l10n: L10n): string {
  return action === 'stop' ? l10n.t('Cannot stop container {0}: {1}.', label, why) : l10n.t('Cannot restart container {0}: {1}.', label, why);
}

function engineMessage(body: string): string {
  try { const m = (JSON.parse(body) as { message?: unknown }).message; return typeof m === 'string' ? m : ''; } catch { return ''; }
}

/** The ports an engine publishes with no socket on this machine (DNAT only): "forwarded by Docker to X". */
export async function forwardedPorts(sockets: readonly string[], port: number, protocol: Protocol | undefined, timeoutMs = 2000): Promise<{ container: string; image: string; engineSocket: string; privatePort: number; protocol: Protocol }[]> {
  const out: { container: string; image: string; engineSocket: string; privatePort: number; protocol: Protocol }[] = [];
  for (const socket of sockets) {
    let list;
    try {
      const res = await engineRequest(socket, 'GET', '/containers/json', timeoutMs);
      if (res.status !== 200) { continue; }
      list = parseContainerList(res.body);
    } catch { continue; }
    for (const c of list) {
      for (const p of c.ports) {
        if (p.publicPort === port && (!protocol || p.protocol === protocol)) {
          out.push({ container: c.name || c.id.slice(0, 12), image: c.image, engineSocket: socket, privatePort: p.privatePort, protocol: p.protocol });
        }
      }
    }
    if (out.length > 0) { break; }
  }
  return out;
}
