// Scan results as files: JSON in the CLI's --json shape, CSV (RFC 4180) one row per port.
import type { ScanResult } from './types';

/** `pretty` indents (for people and files); compact is for pipes, where a full range is ~9 MB pretty. */
/** `locals[i]`: for a scan of this machine, the comparison with its listeners (localReportJson). */
export function scanToJson(results: readonly ScanResult[], pretty = true, locals: readonly (object | undefined)[] = []): string {
  const shape = (r: ScanResult, i: number) => ({
    host: r.host, address: r.address, protocol: r.protocol, startedAt: r.startedAt, durationMs: r.durationMs,
    ports: r.ports.map(p => ({ port: p.port, protocol: p.protocol, state: p.state, reason: p.reason, service: p.service })),
    ...(r.network ? { network: r.network } : {}),
    ...(locals[i] ? { local: locals[i] } : {}),
  });
  return JSON.stringify(results.length === 1 ? shape(results[0], 0) : results.map(shape), null, pretty ? 2 : undefined) + '\n';
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function scanToCsv(results: readonly ScanResult[]): string {
  const rows = [['host', 'address', 'protocol', 'port', 'state', 'reason', 'service', 'startedAt']];
  for (const r of results) {
    for (const p of r.ports) { rows.push([r.host, r.address, p.protocol, String(p.port), p.state, p.reason, p.service, r.startedAt]); }
  }
  return rows.map(row => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
