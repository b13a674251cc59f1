// Text rendering for the CLI: plain aligned columns, like ss and lsof print.
import type { SocketEntry } from '../core/model';

export function endpoint(address: string, port: number, family: 4 | 6): string {
  const a = address.includes(':') ? `[${address}]` : address;
  if (port === 0 && (address === '0.0.0.0' || address === '::')) { return `${family === 6 ? '[::]' : '0.0.0.0'}:*`; }
  return `${a}:${port}`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map(h => h.length);
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) { if (r[i].length > widths[i]) { widths[i] = r[i].length; } }
  }
  const line = (cells: string[]) => {
    let out = '';
    for (let i = 0; i < cells.length; i++) { out += i === cells.length - 1 ? cells[i] : cells[i].padEnd(widths[i] + 2); }
    return out.trimEnd();
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(header);
  for (let i = 0; i < rows.length; i++) { lines[i + 1] = line(rows[i]); }
  return lines.join('\n') + '\n';
}

/** One row per (socket, owner); sockets without a visible owner get one row saying so. */
export function socketRows(sockets: readonly SocketEntry[]): string[][] {
  const rows: string[][] = [];
  for (const s of sockets) {
    const base = [s.protocol + (s.family === 6 ? '6' : ''), endpoint(s.localAddress, s.localPort, s.family), endpoint(s.remoteAddress, s.remotePort, s.family), s.state];
    if (s.processes.length === 0) {
      const why = s.state === 'TIME_WAIT' ? '-' : `(owner not visible, uid ${s.user || s.uid})`;
      rows.push([...base, why, '', s.user]);
    } else {
      for (const p of s.processes) { rows.push([...base, p.name, String(p.pid), p.user]); }
    }
  }
  return rows;
}

export const SOCKET_HEADER = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PROCESS', 'PID', 'USER'];

/** The JSON shape documented in the README; field order fixed so output diffs cleanly. */
export function socketJson(s: SocketEntry): object {
  return {
    protocol: s.protocol, family: s.family,
    localAddress: s.localAddress, localPort: s.localPort,
    remoteAddress: s.remoteAddress, remotePort: s.remotePort,
    state: s.state, inode: s.inode, uid: s.uid, user: s.user,
    ownerVisible: s.ownerVisible,
    processes: s.processes.map(p => ({ pid: p.pid, ppid: p.ppid, name: p.name, commandLine: p.commandLine, cwd: p.cwd, user: p.user, startTime: p.startTime, fd: p.fd })),
  };
}
