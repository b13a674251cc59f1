// Child processes that hold sockets, for the unit tests (plain Node) and the integration tests (run
// by the extension host's own Node: code-server's, or Electron as Node on the desktop). Each child
// prints one JSON line when it is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as dgram from 'node:dgram';

export interface Holder<T = Record<string, number>> {
  child: ChildProcess;
  pid: number;
  info: T;
  /** The exit signal, or the exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
  stop(): Promise<void>;
}

export interface HolderOptions {
  cwd?: string;
  /** Extra arguments after `-e code` (they appear in the child's command line). */
  args?: readonly string[];
}

/** Runs `code` in a new Node process; the code must print one JSON line to stdout when ready. */
export function runHolder<T = Record<string, number>>(code: string, cwdOrOptions?: string | HolderOptions): Promise<Holder<T>> {
  const options = typeof cwdOrOptions === 'string' ? { cwd: cwdOrOptions } : cwdOrOptions ?? {};
  const child = spawn(process.execPath, ['-e', code, ...(options.args ?? [])], {
    cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const exited = new Promise<NodeJS.Signals | number | null>(r => child.once('exit', (c, sig) => r(sig ?? c)));
  let err = '';
  child.stderr!.on('data', d => { err += d; process.stderr.write(d); });
  return new Promise((resolve, reject) => {
    let buf = '';
    let ready = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`holder did not start: ${err}`)); }, 15000);
    void exited.then(c => { clearTimeout(timer); if (!ready) { reject(new Error(`holder exited early (${String(c)}): ${err}`)); } });
    child.stdout!.on('data', d => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0 && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, info: JSON.parse(buf.slice(0, nl)) as T, exited, stop: () => stopChild(child) });
      }
    });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) { return Promise.resolve(); }
  return new Promise(resolve => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls until check() returns a truthy value or the deadline passes; returns the last value. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await check();
  while (!v && Date.now() < deadline) { await sleep(stepMs); v = await check(); }
  return v;
}

/** A port nothing listens on right now (bound and closed again by the test itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/**
 * TCP and UDP, IPv4 and IPv6 loopback, each protocol on one port number for both families:
 * prints {tcp, udp, any}. `wildcard` additionally listens on 0.0.0.0 (binding only; no traffic).
 */
export const MULTI_LISTENER = (wildcard = false) => `
  const net = require('net'), dgram = require('dgram');
  const listen = (host, port) => new Promise((res, rej) => { const s = net.createServer(c => c.on('error', () => {})); s.once('error', rej); s.listen({ host, port }, () => res(s)); });
  const bind = (type, host, port) => new Promise((res, rej) => { const s = dgram.createSocket(type); s.once('error', rej); s.bind(port, host, () => res(s)); });
  (async () => {
    for (let i = 0; i < 20; i++) {
      try {
        const t4 = await listen('127.0.0.1', 0); const tcp = t4.address().port;
        await listen('::1', tcp);
        const u4 = await bind('udp4', '127.0.0.1', 0); const udp = u4.address().port;
        await bind('udp6', '::1', udp);
        const any = ${wildcard} ? (await listen('0.0.0.0', 0)).address().port : 0;
        console.log(JSON.stringify({ tcp, udp, any }));
        return;
      } catch (e) { /* the other family's port was taken: try another pair */ }
    }
    process.exit(3);
  })();
  setInterval(() => {}, 1 << 30);`;

/**
 * A client only: connects to 127.0.0.1:port and prints {localPort} — the ephemeral port its
 * outbound connection leaves from. It listens on nothing.
 */
export const TCP_CLIENT = (port: number) => `
  const c = require('net').connect({ host: '127.0.0.1', port: ${port} }, () => console.log(JSON.stringify({ localPort: c.localPort, pid: process.pid })));
  c.on('error', () => {});
  setInterval(() => {}, 1 << 30);`;

/** A child that listens on TCP (host) and prints {port}. */
export const TCP_LISTENER = (host: string, port = 0) => `
  const s = require('net').createServer(c => c.on('error', () => {}));
  s.listen({ host: ${JSON.stringify(host)}, port: ${port} }, () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));
  process.on('SIGTERM', () => { s.close(); process.exit(0); });`;

/**
 * A pre-fork server: the parent listens on 127.0.0.1 and hands that one listening socket to
 * `children` child processes; prints {port, pid, children} once all hold it. SIGTERM ends the
 * family; a child also exits when its parent is gone (its IPC channel closes), so none is orphaned.
 */
export const SHARED_LISTENER = (children: number, title?: string) => `
  const net = require('net'), cp = require('child_process');
  ${title === undefined ? '' : `process.title = ${JSON.stringify(title)};`}
  const kid = "process.on('disconnect', () => process.exit(0)); process.on('message', (m, server) => { if (m === 'server') { global.keep = server; process.send('ok'); } });";
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => {
    const kids = Array.from({ length: ${children} }, () => cp.spawn(process.execPath, ['-e', kid], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    let ok = 0;
    for (const k of kids) {
      k.on('message', () => { if (++ok === kids.length) { console.log(JSON.stringify({ port: server.address().port, pid: process.pid, children: kids.map(c => c.pid) })); } });
      k.send('server', server);
    }
    process.on('SIGTERM', () => { kids.forEach(k => k.kill('SIGKILL')); process.exit(0); });
  });`;

/** Ignores SIGTERM, so only SIGKILL frees the port. */
export const STUBBORN_TCP_LISTENER = `
  const s = require('net').createServer();
  process.on('SIGTERM', () => {});
  s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));`;

export function listenTcp(host: string, port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer(c => c.on('error', () => {}));
    s.once('error', reject);
    s.listen({ host, port, ipv6Only: host === '::' ? false : undefined }, () => resolve(s));
  });
}

export function bindUdp(type: 'udp4' | 'udp6', host: string, port = 0): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(type);
    s.once('error', reject);
    s.bind(port, host, () => resolve(s));
  });
}

export function connectTcp(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host, port }, () => resolve(c));
    c.once('error', reject);
  });
}

export function closeServer(s: net.Server): Promise<void> {
  return new Promise(r => s.close(() => r()));
}

export const portOf = (s: net.Server | dgram.Socket) => ((s as net.Server).address() as net.AddressInfo).port;

/**
 * Counts the SIGTERMs it receives instead of exiting, and tells the count to each connection:
 * "was it signalled?" becomes a question with an answer instead of a sleep. It answers on the
 * next turn of its event loop, after any signal that arrived before the connection was handled.
 */
export const TERM_COUNTING_LISTENER = `
  let terms = 0;
  process.on('SIGTERM', () => { terms++; });
  const s = require('net').createServer(c => { c.on('error', () => {}); setImmediate(() => c.end(JSON.stringify({ terms }))); });
  s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));`;

/** The SIGTERM count a TERM_COUNTING_LISTENER on 127.0.0.1:port reports. */
export function termsSeen(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const c = net.connect({ host: '127.0.0.1', port });
    c.on('data', d => { text += d; });
    c.once('end', () => resolve((JSON.parse(text) as { terms: number }).terms));
    c.once('error', reject);
  });
}
