import * as readline from 'node:readline/promises';
import { UsageError, parseArgs } from './args';
import { BACKEND_FLAG, PROTOCOL_FLAGS, backendOption, onePort, protocolFilter } from './common';
import { createCollector } from '../core/collect/createCollector';
import { socketsOnPort } from '../core/socketQueries';
import { killPortOwners, type KillRequest } from '../core/process/kill';
import { protectedPids } from '../core/process/ancestry';
import type { SocketOwner } from '../core/model';

async function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function killCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ names: ['--force', '-9'] }, { names: ['--yes', '-y'] }, { names: ['--timeout'], value: true }, ...PROTOCOL_FLAGS, BACKEND_FLAG]);
  const port = onePort(args);
  const protocol = protocolFilter(args);
  const timeoutText = args.flags.get('--timeout');
  const waitMs = timeoutText === undefined ? 3000 : Number(timeoutText);
  if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > 600_000) { throw new UsageError(`--timeout must be a number of milliseconds (0–600000), not "${timeoutText}"`); }
  const yes = args.flags.has('--yes');
  let force = args.flags.has('--force');

  const collector = createCollector(backendOption(args));
  const snapshot = await collector.collect({ protocols: protocol ? [protocol] : undefined, fullWalk: true });
  const sockets = socketsOnPort(snapshot.sockets, port, protocol);
  if (sockets.length === 0) {
    process.stdout.write(`Port ${port} is free; nothing to kill.\n`);
    return 0;
  }
  const owners = new Map<number, SocketOwner>();
  for (const s of sockets) { for (const p of s.processes) { owners.set(p.pid, p); } }
  if (owners.size === 0) {
    process.stderr.write(`Port ${port} is held, but its owner is not visible (user ${sockets[0].user || sockets[0].uid}); run as root to see and kill it.\n`);
    return 1;
  }
  const guard = await protectedPids(collector);
  for (const p of owners.values()) {
    process.stderr.write(`${p.name} (pid ${p.pid}, user ${p.user}${guard.includes(p.pid) ? ', protected: will not be signalled' : ''}): ${p.commandLine}\n`);
  }
  if (!yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write('Refusing to kill without confirmation: stdin is not a terminal (pass --yes).\n');
      return 1;
    }
    if (!(await ask(`Send SIGTERM to ${owners.size} process(es) holding port ${port}? [y/N] `))) {
      process.stderr.write('Nothing killed.\n');
      return 1;
    }
  }
  const requests: KillRequest[] = [...owners.values()].map(p => ({ pid: p.pid, startTime: p.startTime, port, protocol }));
  const onWaiting = (pid: number, signal: string) => process.stderr.write(`Sent ${signal} to ${pid}; waiting up to ${waitMs} ms for port ${port} to be released…\n`);
  let results = await killPortOwners(requests, { collector, force, waitMs, protectedPids: guard, onWaiting });
  const stuck = results.filter(r => r.status === 'still-held');
  if (stuck.length > 0 && !force && !yes && process.stdin.isTTY) {
    for (const r of stuck) { process.stderr.write(r.message + '\n'); }
    force = await ask(`Send SIGKILL to ${stuck.map(r => r.pid).join(', ')}? [y/N] `);
    if (force) {
      const again = await killPortOwners(requests.filter(q => stuck.some(r => r.pid === q.pid)), { collector, immediate: true, waitMs, protectedPids: guard, onWaiting });
      results = results.map(r => again.find(a => a.pid === r.pid) ?? r);
    }
  }
  for (const r of results) { process.stdout.write(r.message + '\n'); }
  return results.every(r => r.status === 'released') ? 0 : 1;
}
