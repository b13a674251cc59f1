// Child processes that hold sockets for the tests. Each prints one JSON line when ready.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as dgram from 'node:dgram';

export interface Holder<T = Record<string, number>> {
  child: ChildProcess;
  info: T;
  stop(): Promise<void>;
}

/** Runs `code` in a new Node process; the code must print one JSON line to stdout when ready. */
export function runHolder<T = Record<string, number>>(code: string, cwd?: string): Promise<Holder<T>> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], cwd });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('holder did not start')); }, 10000);
    child.once('exit', c => { clearTimeout(timer); reject(new Error(`holder exited early (${c})`)); });
    child.stdout!.on('data', d => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, info: JSON.parse(buf.slice(0, nl)) as T, stop: () => stopChild(child) });
      }
    });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) { return Promise.resolve(); }
  return new Promise(resolve => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
}

/** A child that listens on TCP (host) and prints {port}. */
export const TCP_LISTENER = (host: string, port = 0) => `
  const s = require('net').createServer(c => c.on('error', () => {}));
  s.listen(${port}, ${JSON.stringify(host)}, () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));
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
