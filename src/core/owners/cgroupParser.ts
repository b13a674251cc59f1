// Where /proc/<pid>/cgroup places a process: inside a container (Docker's `/docker/<id>` with the
// cgroupfs driver, `docker-<id>.scope` with the systemd driver, Podman's `libpod-<id>.scope` and
// `libpod-conmon-<id>.scope`), or in a systemd unit (`/system.slice/nginx.service`, or a user unit
// below `user@<uid>.service`). Pure: text in, placement out.
import type { ContainerEngine } from '../model';

export interface CgroupPlacement {
  container: { engine: ContainerEngine; id: string } | null;
  unit: { name: string; user: boolean; uid: number } | null;
}

const ID = '([0-9a-f]{64})';
const CONTAINER_PATTERNS: { re: RegExp; engine: ContainerEngine }[] = [
  { re: new RegExp(`(?:^|/)docker-${ID}\\.scope(?:/|$)`), engine: 'docker' },
  { re: new RegExp(`(?:^|/)docker/${ID}(?:/|$)`), engine: 'docker' },
  { re: new RegExp(`(?:^|/)libpod-(?:conmon-)?${ID}(?:\\.scope)?(?:/|$)`), engine: 'podman' },
];

/** The path part of each line ("hierarchy-id:controllers:path"); a path may itself contain colons. */
function linePaths(text: string): { controllers: string; path: string }[] {
  const out: { controllers: string; path: string }[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) { continue; }
    out.push({ controllers: line.slice(a + 1, b), path: line.slice(b + 1).trim() });
  }
  return out;
}

export function containerOfPath(p: string): CgroupPlacement['container'] {
  for (const { re, engine } of CONTAINER_PATTERNS) {
    const m = re.exec(p);
    if (m) { return { engine, id: m[1] }; }
  }
  return null;
}

/**
 * The unit of a systemd cgroup path: the innermost `*.service` below `user@<uid>.service` for a user
 * unit, else the innermost `*.service` (a system unit). Scopes (login sessions, containers) and
 * user@<uid>.service itself (the user's manager) are not units a user stops to free a port.
 */
export function unitOfPath(p: string): CgroupPlacement['unit'] {
  const parts = p.split('/').filter(Boolean);
  const userAt = parts.findIndex(x => /^user@\d+\.service$/.test(x));
  if (userAt >= 0) {
    const uid = Number(/^user@(\d+)/.exec(parts[userAt])![1]);
    const inner = parts.slice(userAt + 1).filter(x => x.endsWith('.service'));
    return inner.length > 0 ? { name: inner[inner.length - 1], user: true, uid } : null;
  }
  const services = parts.filter(x => x.endsWith('.service'));
  return services.length > 0 ? { name: services[services.length - 1], user: false, uid: 0 } : null;
}

export function parseCgroup(text: string): CgroupPlacement {
  const lines = linePaths(text);
  let container: CgroupPlacement['container'] = null;
  for (const l of lines) {
    container = containerOfPath(l.path);
    if (container) { break; }
  }
  // systemd's own hierarchy names the unit: cgroup v2's single line, or v1's name=systemd line.
  const systemd = lines.find(l => l.controllers === '' && l.path !== '/') ?? lines.find(l => l.controllers === 'name=systemd');
  const unit = container || !systemd ? null : unitOfPath(systemd.path);
  return { container, unit };
}
