// The engine's answers, parsed: `GET /containers/json` (a list) into what the owner lookup needs.
// Pure, and forgiving: a field of the wrong type is left out rather than thrown on.
import type { ContainerEngine, ContainerOwner, Protocol } from '../model';

export interface PublishedPort { ip: string; privatePort: number; publicPort: number; protocol: Protocol }

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  ports: PublishedPort[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function labelsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) { if (typeof x === 'string') { out[k] = x; } }
  }
  return out;
}

export function parseContainerList(text: string): ContainerSummary[] {
  let data: unknown;
  try { data = JSON.parse(text); } catch { return []; }
  if (!Array.isArray(data)) { return []; }
  return data.filter((c): c is Record<string, unknown> => !!c && typeof c === 'object').map(c => {
    const names = Array.isArray(c.Names) ? c.Names.filter((n): n is string => typeof n === 'string') : [];
    const ports = Array.isArray(c.Ports) ? c.Ports as Record<string, unknown>[] : [];
    return {
      id: str(c.Id), name: (names[0] ?? '').replace(/^\//, ''), image: str(c.Image), state: str(c.State),
      labels: labelsOf(c.Labels),
      ports: ports.filter(p => p && typeof p === 'object' && typeof p.PublicPort === 'number').map(p => ({
        ip: str(p.IP), privatePort: Number(p.PrivatePort) || 0, publicPort: p.PublicPort as number,
        protocol: p.Type === 'udp' ? 'udp' as const : 'tcp' as const,
      })),
    };
  });
}

/** Does `p` publish `port` on `address`? An unspecified engine address (0.0.0.0, ::, '') matches any. */
export function publishes(p: PublishedPort, protocol: Protocol, port: number, address: string): boolean {
  if (p.publicPort !== port || p.protocol !== protocol) { return false; }
  const any = (a: string) => a === '' || a === '0.0.0.0' || a === '::';
  return any(p.ip) || any(address) || p.ip === address;
}

export function ownerFromSummary(c: ContainerSummary, engine: ContainerEngine, endpoint: string, via: ContainerOwner['via'], holder: string): ContainerOwner {
  const project = c.labels['com.docker.compose.project'];
  const service = c.labels['com.docker.compose.service'];
  return {
    engine, id: c.id, name: c.name, image: c.image,
    compose: project !== undefined && service !== undefined ? { project, service } : null,
    via, holder, endpoint,
  };
}
