// The list of watched ports: what detection found in each workspace folder plus the
// portInspector.watchPorts setting, one entry per port/protocol with every place it came from.
import type { Protocol } from '../model';
import { parsePortNumber, splitProtocolSuffix } from '../portNumber';
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
/** All entries together; the status-bar check asks for each watched port. */
export const MAX_SETTING_PORTS = 5000;
/** Longer strings are not a port or range; they are reported (shortened), not parsed. */
export const MAX_ENTRY_LENGTH = 64;
/** Problems reported for one value of the setting; the rest are counted. */
export const MAX_PROBLEMS = 10;

/**
 * One watchPorts string: `from`, `from-to`, either with `/tcp` or `/udp`; blanks allowed around
 * the parts (not inside the protocol). Plain string operations, each a single pass.
 */
export function splitWatchEntry(entry: string): { from: string; to?: string; protocol: Protocol } | undefined {
  const trimmed = entry.trim();
  const split = splitProtocolSuffix(trimmed, trimmed.indexOf('/'));
  if (!split) { return undefined; }
  const { rest: s, protocol } = split;
  const dash = s.indexOf('-');
  const from = (dash < 0 ? s : s.slice(0, dash)).trim();
  const to = dash < 0 ? undefined : s.slice(dash + 1).trim();
  if (from === '' || to === '') { return undefined; }
  return { from, to, protocol };
}

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
  let dropped = 0;
  const problem = (text: string) => { if (problems.length < MAX_PROBLEMS) { problems.push(text); } else { dropped++; } };
  for (const entry of value) {
    if (ports.length >= MAX_SETTING_PORTS) { problem(`watchPorts: more than ${MAX_SETTING_PORTS} ports; the rest are not watched`); break; }
    if (typeof entry === 'number') {
      const p = parsePortNumber(String(entry));
      if (p.ok && p.port > 0) { ports.push({ port: p.port, protocol: 'tcp' }); } else { problem(`watchPorts: ${entry} is not a port (1–65535)`); }
      continue;
    }
    if (typeof entry !== 'string') { problem(`watchPorts: ${entry === null ? 'null' : Array.isArray(entry) ? 'a list' : `a ${typeof entry}`} is neither a number nor a "from-to" range`); continue; }
    if (entry.length > MAX_ENTRY_LENGTH) { problem(`watchPorts: "${entry.slice(0, 20)}…" (${entry.length} characters) is not a port or "from-to" range`); continue; }
    const parts = splitWatchEntry(entry);
    if (!parts) { problem(`watchPorts: "${entry}" is not a port or "from-to" range`); continue; }
    const from = parsePortNumber(parts.from);
    const to = parts.to === undefined ? from : parsePortNumber(parts.to);
    if (!from.ok) { problem(`watchPorts: "${entry}": ${from.message}`); continue; }
    if (!to.ok) { problem(`watchPorts: "${entry}": ${to.message}`); continue; }
    if (from.port === 0 || to.port < from.port) { problem(`watchPorts: "${entry}" is not a valid range (1–65535, from ≤ to)`); continue; }
    if (to.port - from.port + 1 > MAX_RANGE) { problem(`watchPorts: "${entry}" has more than ${MAX_RANGE} ports; skipped`); continue; }
    const last = Math.min(to.port, from.port + MAX_SETTING_PORTS - ports.length - 1);
    for (let p = from.port; p <= last; p++) { ports.push({ port: p, protocol: parts.protocol }); }
  }
  if (dropped > 0) { problems.push(`watchPorts: ${dropped} more problems not shown`); }
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
