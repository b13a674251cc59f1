// Where to ask a container engine, the way its own CLI decides: DOCKER_HOST, else the current
// `docker context` (DOCKER_CONTEXT, or currentContext in ~/.docker/config.json, whose endpoint is in
// contexts/meta/<sha256 of the name>/meta.json), then the usual sockets: /var/run/docker.sock and the
// rootless one under $XDG_RUNTIME_DIR. Podman speaks the same API: CONTAINER_HOST, the rootless
// $XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock. Only Unix sockets: a TCP engine is
// another machine's, whose containers do not hold this machine's sockets.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerEngine } from '../model';
import { unixSocketPath } from './holderRole';

export interface EndpointEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  readFile?: (file: string) => string | undefined;
}

function readText(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) { return undefined; }
  try { return JSON.parse(text); } catch { return undefined; }
}

/** The current docker context's Unix socket, or undefined for "default" / none / a TCP endpoint. */
export function dockerContextSocket(e: EndpointEnv): string | undefined {
  const read = e.readFile ?? readText;
  const configDir = e.env.DOCKER_CONFIG || path.join(e.home, '.docker');
  const config = parseJson(read(path.join(configDir, 'config.json'))) as { currentContext?: unknown } | undefined;
  const name = e.env.DOCKER_CONTEXT || (typeof config?.currentContext === 'string' ? config.currentContext : '');
  if (!name || name === 'default') { return undefined; }
  const dir = createHash('sha256').update(name).digest('hex');
  const meta = parseJson(read(path.join(configDir, 'contexts', 'meta', dir, 'meta.json'))) as
    { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === 'string' ? unixSocketPath(host) : undefined;
}

/** Candidate API sockets for `engine`, most specific first, without duplicates. */
export function engineSockets(engine: ContainerEngine, e: EndpointEnv, daemonHosts: readonly string[] = []): string[] {
  const runtime = e.env.XDG_RUNTIME_DIR;
  const list: (string | undefined)[] = [...daemonHosts];
  if (engine === 'docker') {
    if (e.env.DOCKER_HOST) { list.push(unixSocketPath(e.env.DOCKER_HOST)); } else { list.push(dockerContextSocket(e)); }
    list.push('/var/run/docker.sock', runtime ? path.join(runtime, 'docker.sock') : undefined);
  } else {
    list.push(e.env.CONTAINER_HOST ? unixSocketPath(e.env.CONTAINER_HOST) : undefined);
    list.push(runtime ? path.join(runtime, 'podman', 'podman.sock') : undefined, '/run/podman/podman.sock');
  }
  return [...new Set(list.filter((p): p is string => typeof p === 'string' && p.length > 0))];
}
