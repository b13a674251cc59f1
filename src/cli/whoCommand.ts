import { parseArgs } from './args';
import { BACKEND_FLAG, NO_CACHE_FLAG, PROTOCOL_FLAGS, onePort, protocolFilter, snapshotFor } from './common';
import { socketJson, table } from './format';
import { line } from '../core/visibleText';
import { socketsOnPort } from '../core/socketQueries';

export async function whoCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ names: ['--json'] }, ...PROTOCOL_FLAGS, BACKEND_FLAG, NO_CACHE_FLAG]);
  const port = onePort(args);
  const protocol = protocolFilter(args);
  const { snapshot } = await snapshotFor(args, { protocols: protocol ? [protocol] : undefined });
  const sockets = socketsOnPort(snapshot.sockets, port, protocol);
  if (args.flags.has('--json')) {
    process.stdout.write(JSON.stringify(sockets.map(socketJson), null, 2) + '\n');
  } else if (sockets.length === 0) {
    process.stdout.write(line(`Port ${port} is free${protocol ? ` (${protocol})` : ''}.`));
  } else {
    const rows: string[][] = [];
    for (const s of sockets) {
      const where = `${s.protocol}${s.family === 6 ? '6' : ''} ${s.localAddress.includes(':') ? `[${s.localAddress}]` : s.localAddress}:${s.localPort}`;
      const peer = s.remotePort === 0 ? '' : ` ← ${s.remoteAddress}:${s.remotePort}`;
      if (s.processes.length === 0) {
        rows.push([where + peer, s.state, '-', `owner not visible (user ${s.user || s.uid})`, '', '']);
      }
      for (const p of s.processes) { rows.push([where + peer, s.state, String(p.pid), `${p.name} (${p.user})`, p.cwd, p.commandLine]); }
    }
    process.stdout.write(table(['SOCKET', 'STATE', 'PID', 'PROCESS', 'CWD', 'COMMAND'], rows));
  }
  return sockets.length > 0 ? 0 : 1;
}
