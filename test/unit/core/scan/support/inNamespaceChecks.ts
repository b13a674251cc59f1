// Checks that must run inside a namespace of their own (they scan whole port ranges) and measure
// this process's own file descriptors. Run as:
//   unshare -n node inNamespaceChecks.js loopback-full      (private loopback with our 20 listeners)
//   ip netns exec <scanner> node inNamespaceChecks.js cancel <target-ip>
// Prints one JSON object on stdout.
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import { countOpenFds } from '../../../../../src/core/scan/fdLimit';
import { scanHost } from '../../../../../src/core/scan/scan';

async function settleFds(): Promise<number> {
  // closes queued by libuv land on the next turns of the loop
  await new Promise(r => setTimeout(r, 20));
  return countOpenFds() ?? -1;
}

async function loopbackFull(): Promise<object> {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  const servers: net.Server[] = [];
  const listeners: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = net.createServer(c => { c.on('error', () => undefined); c.destroy(); });
    await new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
    listeners.push((s.address() as net.AddressInfo).port);
  }
  listeners.sort((a, b) => a - b);
  const before = await settleFds();
  const runs: { open: number[]; selfConnects: number; ms: number; fdsAfter: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await scanHost({ host: '127.0.0.1', ports: 'all' });
    runs.push({ open: r.ports.filter(p => p.state === 'open').map(p => p.port), selfConnects: r.stats.selfConnects, ms: r.durationMs, fdsAfter: await settleFds() });
  }
  const capped = await scanHost({ host: '127.0.0.1', ports: '1-20000', concurrency: 1_000_000, workers: 1 });
  const out = {
    listeners, fdsBefore: before, runs,
    capped: { concurrency: capped.stats.concurrency, capped: capped.stats.concurrencyCapped, notes: capped.notes,
      open: capped.ports.filter(p => p.state === 'open').map(p => p.port), localErrors: capped.stats.localErrors, total: capped.ports.length },
    fdsEnd: await settleFds(),
  };
  for (const s of servers) { s.close(); }
  return out;
}

async function cancel(target: string, protocol: 'tcp' | 'udp'): Promise<object> {
  // Warm-up with worker threads: Node opens a few process-wide fds lazily on first use (libuv
  // thread pool, worker plumbing); they are not scan sockets and would skew the baseline.
  await scanHost({ host: target, ports: '22,80', protocol, workers: 2 });
  const before = await settleFds();
  const ac = new AbortController();
  let progressEvents = 0;
  let abortedAt = 0;
  setTimeout(() => { abortedAt = performance.now(); ac.abort(); }, 400);
  let duringMax = 0;
  const poll = setInterval(() => { duringMax = Math.max(duringMax, countOpenFds() ?? 0); }, 50);
  let settled = false, progressAfterSettle = 0;
  const r = await scanHost({ host: target, ports: 'all', protocol, signal: ac.signal, onProgress: () => { progressEvents++; if (settled) { progressAfterSettle++; } } });
  settled = true;
  const settleMs = performance.now() - abortedAt;
  const fdsAtSettle = countOpenFds() ?? -1;
  clearInterval(poll);
  return { settleMs, cancelled: r.cancelled, fdsBefore: before, fdsAtSettle, fdsLater: await settleFds(), duringMax, progressEvents, progressAfterSettle, finished: r.ports.length };
}

async function main(): Promise<void> {
  const [what, target, protocol] = process.argv.slice(2);
  const out = what === 'loopback-full' ? await loopbackFull() : await cancel(target, protocol === 'udp' ? 'udp' : 'tcp');
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

main().catch(e => { process.stderr.write(String((e as Error).stack) + '\n'); process.exit(1); });
