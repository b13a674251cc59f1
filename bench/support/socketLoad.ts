// Socket load for benchmarks: P processes, each with its share of N TCP listeners (alternating
// 127.0.0.1 and ::1), U UDP sockets, and M established loopback connections to the next process
// (to itself when P is 1: connected pairs inside one process).
// Loopback only. Every process is ours and is SIGKILLed by stop().
import { spawn, type ChildProcess } from 'node:child_process';

const WORKER = `
const net = require('net'), dgram = require('dgram');
const [listen, udp] = JSON.parse(process.argv[1]);
const servers = [], sockets = [], ports = [];
function listenOne(i) {
  return new Promise((res, rej) => {
    const s = net.createServer(c => { sockets.push(c); c.on('error', () => {}); });
    s.once('error', rej);
    const host = i % 2 ? '::1' : '127.0.0.1';
    s.listen(0, host, 4096, () => { servers.push(s); ports.push([host, s.address().port]); res(); });
  });
}
(async () => {
  for (let i = 0; i < listen; i++) { await listenOne(i); }
  for (let i = 0; i < udp; i++) {
    const u = dgram.createSocket(i % 2 ? 'udp6' : 'udp4');
    await new Promise(r => u.bind(0, i % 2 ? '::1' : '127.0.0.1', r));
    sockets.push(u);
  }
  process.send({ ports });
  process.on('message', async ({ connect }) => {
    let done = 0;
    const batch = 200;
    for (let i = 0; i < connect.length; i += batch) {
      await Promise.all(connect.slice(i, i + batch).map(([host, port]) => new Promise(r => {
        const c = net.connect({ host, port }, () => { done++; r(); });
        c.on('error', r);
        sockets.push(c);
      })));
    }
    process.send({ connected: done });
  });
})();
`;

export interface Load { processes: ChildProcess[]; stop(): Promise<void> }

export async function startLoad(listeners: number, udp: number, established: number, procs: number): Promise<Load> {
  const children: ChildProcess[] = [];
  const portLists: [string, number][][] = [];
  for (let p = 0; p < procs; p++) {
    const share = Math.floor(listeners / procs) + (p < listeners % procs ? 1 : 0);
    const child = spawn(process.execPath, ['-e', WORKER, JSON.stringify([share, Math.floor(udp / procs)])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    portLists.push(await new Promise<[string, number][]>((resolve, reject) => {
      child.once('message', (m: { ports: [string, number][] }) => resolve(m.ports));
      child.once('exit', c => reject(new Error(`load process exited (${c})`)));
    }));
  }
  // Each process connects to the next one's listeners.
  const perProc = Math.floor(established / procs);
  await Promise.all(children.map((child, p) => new Promise<void>(resolve => {
    // More connections than the next process has listeners: several to each (listen backlog 4096).
    const next = portLists[(p + 1) % procs];
    const targets = next.length === 0 ? [] : Array.from({ length: perProc }, (_, i) => next[i % next.length]);
    child.once('message', () => resolve());
    child.send({ connect: targets });
  })));
  return {
    processes: children,
    stop: async () => {
      await Promise.all(children.map(c => new Promise<void>(r => {
        if (c.exitCode !== null || c.signalCode !== null) { r(); return; }
        c.once('exit', () => r());
        c.kill('SIGKILL');
      })));
    },
  };
}
