// The list of watched ports: what detection found in each workspace folder plus the
// portInspector.watchPorts setting, one entry per port/protocol with every place it came from.
import type { Protocol } from '../model';
import { parsePortNumber } from '../portNumber';
import type { Detection } from './devPortTypes';

export interface PortSource {
  /** Workspace folder name; '' for the setting. */
  folder: string;
  /** Relative file path, or 'settings' for portInspector.watchPorts. */
  file: string;
  /** 1-based; 0 when there is no line (the setting). */
  line: number;
  detail: string;
  kind: 'explicit' | 'default' | 'setting';
}

export interface WatchedPort {
  port: number;
  protocol: Protocol;
  sources: PortSource[];
}

export interface PortSpec { port: number; protocol: Protocol }

export const MAX_RANGE = 1000;

/**
 * portInspector.watchPorts: numbers, "3000", "3000-3010", optionally with "/udp" or "/tcp".
 * Bad entries are reported one message each and skipped; the good ones still count.
 */
export function parseWatchPortsSetting(value: unknown): { ports: PortSpec[]; problems: string[] } {
  const ports: PortSpec[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) { return { ports, problems }; }
  if (!Array.isArray(value)) {
    return { ports, problems: ['portInspector.watchPorts must be a list, e.g. [3000, "8000-8010"]'] };
  }
  for (const entry of value) {
    if (typeof entry === 'number') {
      const p = parsePortNumber(String(entry));
      if (p.ok && p.port > 0) { ports.push({ port: p.port, protocol: 'tcp' }); } else { problems.push(`watchPorts: ${entry} is not a port (1–65535)`); }
      continue;
    }
    if (typeof entry !== 'string') { problems.push(`watchPorts: ${JSON.stringify(entry)} is neither a number nor a "from-to" range`); continue; }
    const m = /^\s*([^/-]+?)\s*(?:-\s*([^/]+?)\s*)?(?:\/(tcp|udp))?\s*$/i.exec(entry);
    if (!m) { problems.push(`watchPorts: "${entry}" is not a port or "from-to" range`); continue; }
    const protocol = (m[3]?.toLowerCase() ?? 'tcp') as Protocol;
    const from = parsePortNumber(m[1]);
    const to = m[2] === undefined ? from : parsePortNumber(m[2]);
    if (!from.ok) { problems.push(`watchPorts: "${entry}": ${from.message}`); continue; }
    if (!to.ok) { problems.push(`watchPorts: "${entry}": ${to.message}`); continue; }
    if (from.port === 0 || to.port < from.port) { problems.push(`watchPorts: "${entry}" is not a valid range (1–65535, from ≤ to)`); continue; }
    if (to.port - from.port + 1 > MAX_RANGE) { problems.push(`watchPorts: "${entry}" has more than ${MAX_RANGE} ports; skipped`); continue; }
    for (let p = from.port; p <= to.port; p++) { ports.push({ port: p, protocol }); }
  }
  return { ports, problems };
}

export function buildWatchList(folders: readonly { folder: string; detection: Detection }[], settingPorts: readonly PortSpec[]): WatchedPort[] {
  const byKey = new Map<string, WatchedPort>();
  const add = (port: number, protocol: Protocol, source: PortSource) => {
    const key = `${port}/${protocol}`;
    let w = byKey.get(key);
    if (!w) { w = { port, protocol, sources: [] }; byKey.set(key, w); }
    if (!w.sources.some(s => s.folder === source.folder && s.file === source.file && s.line === source.line && s.detail === source.detail)) {
      w.sources.push(source);
    }
  };
  for (const { folder, detection } of folders) {
    for (const p of detection.ports) {
      add(p.port, p.protocol, { folder, file: p.file, line: p.line, detail: p.detail, kind: p.kind });
    }
  }
  for (const s of settingPorts) {
    add(s.port, s.protocol, { folder: '', file: 'settings', line: 0, detail: 'portInspector.watchPorts', kind: 'setting' });
  }
  return [...byKey.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** "package.json:4" / "web/.env:2" / "settings". */
export function describeSource(s: PortSource, multiRoot: boolean): string {
  if (s.kind === 'setting') { return 'setting portInspector.watchPorts'; }
  const where = `${multiRoot && s.folder ? `${s.folder}/` : ''}${s.file}:${s.line}`;
  return `${where} (${s.detail})`;
}
