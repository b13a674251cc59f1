// Child processes that hold ports on loopback for the integration tests. They run with the extension
// host's own Node (code-server's Node 24, or Electron as Node on the desktop) and print one JSON line
// when they are ready.
import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';

export interface Holder<T> {
  child: ChildProcess;
  pid: number;
  info: T;
  exited: Promise<NodeJS.Signals | number | null>;
  stop(): Promise<void>;
}

export function runHolder<T = { port: number }>(code: string, cwd?: string): Promise<Holder<T>> {
  const child = spawn(process.execPath, ['-e', code], {
    cwd, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const exited = new Promise<NodeJS.Signals | number | null>(r => child.once('exit', (c, sig) => r(sig ?? c)));
  let err = '';
  child.stderr!.on('data', d => { err += d; });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`holder did not start: ${err}`)); }, 15000);
    void exited.then(c => { clearTimeout(timer); reject(new Error(`holder exited early (${String(c)}): ${err}`)); });
    child.stdout!.on('data', d => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({
          child, pid: child.pid!, info: JSON.parse(buf.slice(0, nl)) as T, exited,
          stop: async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; } },
        });
      }
    });
  });
}

/**
 * TCP and UDP, IPv4 and IPv6 loopback, each protocol on one port number for both families:
 * prints {tcp, udp}. `wildcard` additionally listens on 0.0.0.0 (binding only; no traffic).
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

/** Listens on host:port (0 = any free port) and prints {port}. */
export const TCP_LISTENER = (host: string, port = 0) => `
  const s = require('net').createServer(c => c.on('error', () => {}));
  s.listen({ host: ${JSON.stringify(host)}, port: ${port} }, () => console.log(JSON.stringify({ port: s.address().port })));
  process.on('SIGTERM', () => { s.close(); process.exit(0); });`;

/** Ignores SIGTERM: only SIGKILL frees its port. */
export const STUBBORN_LISTENER = `
  const s = require('net').createServer();
  process.on('SIGTERM', () => {});
  s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));`;

/** A port nothing listens on right now (bound and closed again by the test itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls until check() returns a truthy value or the deadline passes; returns the last value. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await check();
  while (!v && Date.now() < deadline) { await sleep(stepMs); v = await check(); }
  return v;
}
