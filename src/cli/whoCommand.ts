import { parseArgs } from './args';
import { BACKEND_FLAG, NO_CACHE_FLAG, PROTOCOL_FLAGS, onePort, protocolFilter, snapshotFor } from './common';
import { localEndpoint, socketJson, table } from './format';
import { isListening } from '../core/model';
import { exposureWords } from '../core/exposure';
import { localhostOrder, localhostSentence, splitListeners, splitSummary } from '../core/splitListeners';
import { line } from '../core/visibleText';
import { socketsOnPort } from '../core/socketQueries';
import { containerText, restartWarning } from '../core/owners/ownerText';
import { containerLabel, forwardedPorts } from '../core/owners/containerControl';
import { engineSockets } from '../core/owners/engineEndpoints';
import type { SocketEntry } from '../core/model';

/** Sentences under the table: who really serves the port, and what a kill would not achieve. */
function ownerNotes(sockets: readonly SocketEntry[], port: number): string[] {
  const notes = new Set<string>();
  for (const s of sockets) {
    const c = s.container;
    if (c && c.error === undefined) {
      const compose = c.compose ? `, compose project ${c.compose.project}, service ${c.compose.service}` : '';
      notes.add(`Port ${port} belongs to ${c.engine} container ${containerLabel(c)}${compose}, id ${c.id.slice(0, 12)}; "port-inspector kill ${port}" stops the container.`);
    } else if (c) {
      notes.add(`Port ${port} is held for a ${c.engine} container that cannot be named (${c.error}); its ${c.holder} is not killed.`);
    }
    for (const p of s.processes) {
      const w = restartWarning(s, p.name);
      if (w) { notes.add(w); }
    }
  }
  return [...notes];
}

export async function whoCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ names: ['--json'] }, ...PROTOCOL_FLAGS, BACKEND_FLAG, NO_CACHE_FLAG]);
  const port = onePort(args);
  const protocol = protocolFilter(args);
  const { snapshot } = await snapshotFor(args, { protocols: protocol ? [protocol] : undefined });
  const sockets = socketsOnPort(snapshot.sockets, port, protocol);
  if (args.flags.has('--json')) {
    process.stdout.write(JSON.stringify(sockets.map(socketJson), null, 2) + '\n');
  } else if (sockets.length === 0) {
    // No socket at all, but an engine may still forward the port (DNAT only, no proxy or placeholder).
    const env = { env: process.env, home: process.env.HOME ?? '' };
    const forwarded = process.platform === 'linux' ? await forwardedPorts([...engineSockets('docker', env), ...engineSockets('podman', env)], port, protocol) : [];
    if (forwarded.length > 0) {
      for (const f of forwarded) {
        process.stdout.write(line(`Port ${port}/${f.protocol} has no socket on this machine: it is forwarded by Docker to container ${f.container}${f.image ? ` (${f.image})` : ''}, port ${f.privatePort}.`));
      }
      return 0;
    }
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
      for (const p of s.processes) {
        const who = s.container ? containerText(s.container, `${p.name} (${p.user})`) : `${p.name} (${p.user})`;
        rows.push([where + peer, state, String(p.pid), who, p.cwd, p.commandLine]);
      }
    }
    process.stdout.write(table(['SOCKET', 'STATE', 'PID', 'PROCESS', 'CWD', 'COMMAND'], rows));
    for (const n of ownerNotes(sockets, port)) { process.stdout.write(line(n)); }
    // localhost is resolved only for a port that is split: a DNS lookup for every `who` is not needed.
    const listening = sockets.filter(isListening);
    const splits = splitListeners(listening, []).length === 0 ? [] : splitListeners(listening, await localhostOrder());
    for (const split of splits) {
      process.stdout.write(`\n${line(splitSummary(split))}`);
      const first = localhostSentence(split);
      if (first) { process.stdout.write(line(first)); }
    }
  }
  return sockets.length > 0 ? 0 : 1;
}
