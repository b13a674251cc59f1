import { parseArgs } from './args';
import { BACKEND_FLAG, NO_CACHE_FLAG, PROTOCOL_FLAGS, onePort, protocolFilter, snapshotFor } from './common';
import { localEndpoint, socketJson, table } from './format';
import { isListening } from '../core/model';
import { exposureWords } from '../core/exposure';
import { localhostOrder, localhostSentence, splitListeners, splitSummary } from '../core/splitListeners';
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
      const where = `${s.protocol}${s.family === 6 ? '6' : ''} ${localEndpoint(s)}`;
      const peer = s.remotePort === 0 ? '' : ` ← ${s.remoteAddress}:${s.remotePort}`;
      const state = isListening(s) ? `${s.state} (${exposureWords(s)})` : s.state;
      if (s.processes.length === 0) {
        rows.push([where + peer, state, '-', `owner not visible (user ${s.user || s.uid})`, '', '']);
      }
      for (const p of s.processes) { rows.push([where + peer, state, String(p.pid), `${p.name} (${p.user})`, p.cwd, p.commandLine]); }
    }
    process.stdout.write(table(['SOCKET', 'STATE', 'PID', 'PROCESS', 'CWD', 'COMMAND'], rows));
    const splits = splitListeners(sockets.filter(isListening), await localhostOrder());
    for (const split of splits) {
      process.stdout.write(`\n${line(splitSummary(split))}`);
      const first = localhostSentence(split);
      if (first) { process.stdout.write(line(first)); }
    }
  }
  return sockets.length > 0 ? 0 : 1;
}
