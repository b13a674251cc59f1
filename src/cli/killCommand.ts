import * as readline from 'node:readline/promises';
import { UsageError, parseArgs } from './args';
import { BACKEND_FLAG, PROTOCOL_FLAGS, backendOption, enricher, onePort, protocolFilter } from './common';
import { line } from '../core/visibleText';
import { createCollector } from '../core/collect/createCollector';
import { listenersOnPort, socketsOnPort } from '../core/socketQueries';
import { killPortOwners, portStillHeld, type KillRequest } from '../core/process/kill';
import { protectedPids } from '../core/process/ancestry';
import { pidNamespaceMismatch } from '../core/process/pidNamespace';
import type { Collector, ContainerOwner, Protocol, SocketEntry, SocketOwner } from '../core/model';
import { containerAction, containerLabel, containerQuestion } from '../core/owners/containerControl';
import { restartWarning } from '../core/owners/ownerText';

async function ask(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const say = (text: string) => process.stdout.write(line(text));
const warn = (text: string) => process.stderr.write(line(text));

/** Digits only: `1e3`, `0x10`, `+5` and `3.0` are not what a user means by milliseconds. */
function timeoutOption(text: string | true | undefined): number {
  if (text === undefined) { return 3000; }
  const ms = typeof text === 'string' && /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(ms <= 600_000)) { throw new UsageError(`--timeout must be a number of milliseconds (0–600000), not "${String(text)}"`); }
  return ms;
}

/**
 * A port a container publishes is freed by stopping the container through its engine: its
 * docker-proxy or dockerd is never signalled (the port would break and the container keep running).
 */
async function stopContainers(sockets: readonly SocketEntry[], port: number, protocol: Protocol | undefined, collector: Collector, yes: boolean, waitMs: number): Promise<number> {
  const byId = new Map<string, ContainerOwner>();
  for (const s of sockets) { if (s.container) { byId.set(s.container.id || `?${s.container.holder}`, s.container); } }
  const containers = [...byId.values()];
  const unnamed = containers.find(c => !c.id || !c.endpoint);
  if (unnamed) {
    const how = unnamed.id ? ` Stop it with "${unnamed.engine} stop ${unnamed.id.slice(0, 12)}".` : '';
    warn(`Port ${port} is held by ${unnamed.holder} for a ${unnamed.engine} container, which cannot be stopped from here (${unnamed.error ?? 'unknown engine'}); ${unnamed.holder} is not killed.${how}`);
    return 1;
  }
  for (const c of containers) {
    const compose = c.compose ? `, compose ${c.compose.project}/${c.compose.service}` : '';
    warn(`${c.engine} container ${containerLabel(c)} (id ${c.id.slice(0, 12)}${compose}) publishes port ${port} through ${c.holder}.`);
  }
  let status = 0;
  for (const c of containers) {
    if (!yes) {
      if (!process.stdin.isTTY) { warn('Refusing to stop a container without confirmation: stdin is not a terminal (pass --yes).'); return 1; }
      if (!(await ask(`${containerQuestion('stop', c, port)} [y/N] `))) { warn('Nothing stopped.'); return 1; }
    }
    warn(`Stopping container ${containerLabel(c)} (the engine sends SIGTERM, then SIGKILL after the container's stop timeout)…`);
    const r = await containerAction(c, 'stop', { port: { port, protocol, collector }, waitMs });
    say(r.message);
    if (r.status !== 'stopped' && r.status !== 'not-running') { status = 1; }
  }
  return status;
}

export async function killCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ names: ['--force', '-9'] }, { names: ['--yes', '-y'] }, { names: ['--timeout'], value: true }, ...PROTOCOL_FLAGS, BACKEND_FLAG]);
  const port = onePort(args);
  const protocol = protocolFilter(args);
  const waitMs = timeoutOption(args.flags.get('--timeout'));
  const yes = args.flags.has('--yes');
  let force = args.flags.has('--force');

  const namespace = pidNamespaceMismatch();
  if (namespace) { warn(namespace); return 1; }
  const collector = createCollector(backendOption(args));
  const snapshot = await collector.collect({ protocols: protocol ? [protocol] : undefined, fullWalk: true });
  if (process.platform === 'linux') { await enricher().enrich(snapshot); }
  // Only the port's listeners are targets; a client whose connection leaves from this port number is not.
  const sockets = listenersOnPort(snapshot.sockets, port, protocol);
  if (sockets.length === 0) {
    const connections = socketsOnPort(snapshot.sockets, port, protocol).length;
    say(connections > 0
      ? `Nothing listens on port ${port}; ${connections} connection(s) from that local port belong to clients and are not killed.`
      : `Port ${port} is free; nothing to kill.`);
    return 0;
  }
  if (sockets.some(s => s.container)) { return stopContainers(sockets, port, protocol, collector, yes, waitMs); }
  const owners = new Map<number, SocketOwner>();
  for (const s of sockets) { for (const p of s.processes) { owners.set(p.pid, p); } }
  if (owners.size === 0) {
    warn(`Port ${port} is held, but its owner is not visible (user ${sockets[0].user || sockets[0].uid}); run as root to see and kill it.`);
    return 1;
  }
  const guard = await protectedPids(collector);
  for (const p of owners.values()) {
    warn(`${p.name} (pid ${p.pid}, user ${p.user}${guard.includes(p.pid) ? ', protected: will not be signalled' : ''}): ${p.commandLine}`);
  }
  const restarts = new Set(sockets.flatMap(s => s.processes.map(p => restartWarning(s, p.name)).filter(Boolean)));
  for (const w of restarts) { warn(w); }
  if (!yes) {
    if (!process.stdin.isTTY) {
      warn('Refusing to kill without confirmation: stdin is not a terminal (pass --yes).');
      return 1;
    }
    if (!(await ask(`Send SIGTERM to ${owners.size} process(es) holding port ${port}? [y/N] `))) {
      warn('Nothing killed.');
      return 1;
    }
  }
  const requests: KillRequest[] = [...owners.values()].map(p => ({ pid: p.pid, startTime: p.startTime, port, protocol }));
  const onWaiting = (pid: number, signal: string) => warn(`Sent ${signal} to ${pid}; waiting up to ${waitMs} ms for port ${port} to be released…`);
  let results = await killPortOwners(requests, { collector, force, waitMs, protectedPids: guard, onWaiting });
  const stuck = results.filter(r => r.status === 'still-held');
  if (stuck.length > 0 && !force && !yes && process.stdin.isTTY) {
    for (const r of stuck) { warn(r.message); }
    force = await ask(`Send SIGKILL to ${stuck.map(r => r.pid).join(', ')}? [y/N] `);
    if (force) {
      const again = await killPortOwners(requests.filter(q => stuck.some(r => r.pid === q.pid)), { collector, immediate: true, waitMs, protectedPids: guard, onWaiting });
      results = results.map(r => again.find(a => a.pid === r.pid) ?? r);
    }
  }
  for (const r of results) { say(r.message); }
  if (!results.every(r => r.status === 'released')) { return 1; }
  // Each owner's own check passed; the port itself must be free too before this says so.
  const held = await portStillHeld(collector, port, protocol);
  if (held) { warn(held); return 1; }
  return 0;
}
