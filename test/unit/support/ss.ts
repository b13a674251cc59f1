// Reads `ss -tunapH` into the same keys the engine produces, for cross-checks.
import { execFileSync } from 'node:child_process';

export function hasCommand(cmd: string): boolean {
  try { execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }); return true; } catch { return false; }
}

function normAddr(a: string): string {
  let s = a.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (s.startsWith('::ffff:') && s.includes('.')) { s = s.slice(7); }
  return s === '*' ? '0.0.0.0' : s;
}

function splitEndpoint(text: string): [string, number] {
  const i = text.lastIndexOf(':');
  const port = text.slice(i + 1);
  return [normAddr(text.slice(0, i)), port === '*' ? 0 : Number(port)];
}

export function normState(state: string): string {
  const s = state.replace(/-/g, '_');
  return s === 'ESTAB' ? 'ESTABLISHED' : s;
}

export interface SsRow { key: string; localPort: number; remotePort: number; pids: number[] }

export function ssRows(): SsRow[] {
  const out = execFileSync('ss', ['-tunapH'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rows: SsRow[] = [];
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) { continue; }
    const [netid, state, , , local, peer] = f;
    const [la, lp] = splitEndpoint(local);
    const [ra, rp] = splitEndpoint(peer);
    const pids = [...line.matchAll(/pid=(\d+)/g)].map(m => Number(m[1]));
    rows.push({ key: socketKey(netid, la, lp, ra, rp, normState(state)), localPort: lp, remotePort: rp, pids: [...new Set(pids)].sort((a, b) => a - b) });
  }
  return rows;
}

/** Wildcards compare equal across families, as ss prints `*` for some of them. */
export function socketKey(protocol: string, la: string, lp: number, ra: string, rp: number, state: string): string {
  const w = (a: string) => (a === '::' || a === '0.0.0.0' ? '*' : a);
  return `${protocol} ${w(la)}:${lp} ${w(ra)}:${rp} ${state}`;
}
