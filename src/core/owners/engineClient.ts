// HTTP to a container engine over its Unix socket with Node's own `http`: the Docker Engine API,
// which Podman's service speaks too. Errors become one sentence (no engine there, no permission).
import type * as httpModule from 'node:http';
import type { L10n } from '../l10n';
import { english } from '../l10n';

export interface EngineResponse { status: number; body: string }

export class EngineError extends Error {
  constructor(message: string, readonly code: string) { super(message); }
}

const MAX_BODY = 32 * 1024 * 1024;

let http: typeof httpModule | undefined;

export async function engineRequest(socketPath: string, method: 'GET' | 'POST', urlPath: string, timeoutMs = 2000): Promise<EngineResponse> {
  // Loaded on the first request: most CLI runs and refreshes never ask an engine.
  http ??= await import('node:http');
  const { request } = http;
  return new Promise((resolve, reject) => {
    // One connection per request, closed after it: requests are rare (only for sockets not seen before),
    // and a pooled keep-alive socket would hold a CLI run open after its answer.
    const req = request({ socketPath, method, path: urlPath, headers: { Host: 'docker', Connection: 'close' }, agent: false, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > MAX_BODY) { req.destroy(new EngineError(`the engine's answer is larger than ${MAX_BODY} bytes`, 'ETOOBIG')); return; }
        chunks.push(d);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new EngineError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT')));
    req.on('error', reject);
    req.end();
  });
}

/** Why an engine socket could not be used, as the clause after "engine not reachable: ". */
export function engineErrorText(socketPath: string, e: unknown, l10n: L10n = english): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return l10n.t('no permission on {0} (add yourself to the docker group, or run as root)', socketPath);
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED') { return l10n.t('no engine answers at {0}', socketPath); }
  return l10n.t('{0}: {1}', socketPath, e instanceof Error ? e.message : String(e));
}
