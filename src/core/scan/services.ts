// Port -> service name: /etc/services where the system has one (it is the user's own, possibly
// edited, truth), then the shipped IANA table.
import { readFileSync } from 'node:fs';
import type { Protocol } from '../model';
import { ianaServiceTable } from './ianaServices';

/** Parses services(5) text: `name port/proto [aliases...] [# comment]`. First entry per port wins. */
export function parseEtcServices(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') { continue; }
    const m = /^(\S+)\s+(\d+)\/(tcp|udp)\b/i.exec(line);
    if (!m) { continue; }
    const port = Number(m[2]);
    if (port > 65535) { continue; }
    const key = `${port}/${m[3].toLowerCase()}`;
    if (!out.has(key)) { out.set(key, m[1]); }
  }
  return out;
}

export class ServiceNames {
  constructor(private readonly system: Map<string, string>, private readonly shipped = ianaServiceTable()) {}

  /** Reads /etc/services once (missing or unreadable: only the shipped table is used). */
  static load(path = '/etc/services'): ServiceNames {
    let text = '';
    try { text = readFileSync(path, 'utf8'); } catch { /* Windows, minimal containers */ }
    return new ServiceNames(parseEtcServices(text));
  }

  name(port: number, protocol: Protocol): string {
    const key = `${port}/${protocol}`;
    return this.system.get(key) ?? this.shipped.get(key) ?? '';
  }
}

let shared: ServiceNames | undefined;
export function serviceNames(): ServiceNames {
  shared ??= ServiceNames.load();
  return shared;
}
