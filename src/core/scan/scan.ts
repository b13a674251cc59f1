// One entry point for a scan: checks the input, resolves the host, picks defaults for the target
// (loopback is CPU-bound and never rate-limited; remote hosts are latency-bound), runs the TCP or
// UDP engine and returns every scanned port with its state, reason and service name.
import type { Protocol } from '../model';
import { capConcurrency } from './fdLimit';
import { parsePortSpec } from './portSpec';
import { runTcpScan, defaultTcpWorkers } from './scanTcp';
import { runUdpScan } from './scanUdp';
import { serviceNames } from './services';
import { parseTarget, resolveTarget, type ResolvedTarget } from './target';
import { TCP_REASON, TCP_STATE } from './tcpRound';
import { udpNetwork } from './scanUdp';
import { ScanInputError, type NetworkReport, type PortReason, type PortResult, type PortState, type ScanOptions, type ScanResult } from './types';

const STATE_NAMES: Record<number, PortState> = Object.fromEntries(Object.entries(TCP_STATE).map(([k, v]) => [v, k as PortState]));
const REASON_NAMES: Record<number, PortReason> = Object.fromEntries(Object.entries(TCP_REASON).map(([k, v]) => [v, k as PortReason]));

/** nmap's floor for a probe timeout; our RTT estimate never goes below it. */
const MIN_TIMEOUT_MS = 100;
const INITIAL_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 5000;

export function resolvePorts(ports: ScanOptions['ports'], protocol: Protocol): number[] {
  if (typeof ports === 'string') {
    const r = parsePortSpec(ports, protocol);
    if (!r.ok) { throw new ScanInputError(r.message); }
    return r.ports;
  }
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) { throw new ScanInputError(`${p} is not a port number (0–65535)`); }
  }
  return [...new Set(ports)].sort((a, b) => a - b);
}

function checkNumber(name: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isFinite(v) || v < min || v > max || !Number.isInteger(v))) {
    throw new ScanInputError(`${name} must be a whole number from ${min} to ${max} (got ${v})`);
  }
}

/** Scans one host. Many hosts (CIDR, lists) go to scanWithNmap; see scanTargets. */
export async function scanHost(options: ScanOptions, resolved?: ResolvedTarget): Promise<ScanResult> {
  const protocol: Protocol = options.protocol ?? 'tcp';
  checkNumber('timeout', options.timeoutMs, 1, 60000);
  checkNumber('concurrency', options.concurrency, 1, 1_000_000);
  checkNumber('retries', options.retries, 0, 10);
  checkNumber('workers', options.workers, 1, 16);
  let ports = resolvePorts(options.ports, protocol);
  const target = resolved ?? await resolveSingle(options.host);
  const notes: string[] = [];
  if (protocol === 'udp' && ports.includes(0)) {
    // The socket API refuses to send to port 0 (nmap reaches it with raw packets, as root).
    ports = ports.filter(p => p !== 0);
    notes.push('UDP port 0 skipped: it cannot be probed without raw sockets.');
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const maxTimeout = options.timeoutMs ?? MAX_TIMEOUT_MS;
  const timeouts = {
    initialTimeoutMs: Math.min(INITIAL_TIMEOUT_MS, maxTimeout),
    minTimeoutMs: Math.min(MIN_TIMEOUT_MS, maxTimeout),
    maxTimeoutMs: maxTimeout,
  };
  const requested = options.concurrency ?? defaultConcurrency(protocol, target.loopback);
  const { concurrency, capped } = capConcurrency(requested);
  if (capped) { notes.push(`Concurrency lowered from ${requested} to ${concurrency} to stay within the open-file limit.`); }
  const retries = options.retries ?? 1;

  const byPort = new Map<number, { state: PortState; reason: PortReason }>();
  let open = 0;
  let lastProgress = 0;
  const progress = (force: boolean) => {
    if (!options.onProgress) { return; }
    const t = performance.now();
    if (!force && t - lastProgress < 100) { return; }
    lastProgress = t;
    options.onProgress({ done: byPort.size, total: ports.length, openSoFar: open });
  };
  const put = (port: number, state: PortState, reason: PortReason) => {
    if (byPort.has(port)) { return; }
    byPort.set(port, { state, reason });
    if (state === 'open') { open++; }
  };
  progress(true);

  let stats: ScanResult['stats'];
  let cancelled: boolean;
  let network: NetworkReport;
  if (protocol === 'tcp') {
    const workers = options.workers ?? defaultTcpWorkers(ports.length);
    const s = await runTcpScan({
      address: target.address, family: target.family, ports, concurrency, workers, retries, ...timeouts,
      signal: options.signal, inWorker: options.inWorker,
      onResults: data => {
        for (let i = 0; i < data.length; i += 3) { put(data[i], STATE_NAMES[data[i + 1]], REASON_NAMES[data[i + 2]]); }
        progress(false);
      },
    });
    cancelled = s.cancelled;
    network = s.network;
    stats = {
      probes: s.probes, maxInFlight: s.maxInFlight, concurrency, concurrencyCapped: capped, workers: s.workers,
      finalTimeoutMs: s.finalTimeoutMs, srttMs: s.srttMs, selfConnects: s.selfConnects, localErrors: s.localErrors,
    };
  } else {
    const s = await runUdpScan({
      address: target.address, family: target.family, ports, concurrency, retries, ...timeouts,
      // Loopback is exempt from ICMP rate limits; elsewhere start below Linux's 1000/s ICMP budget.
      initialRate: target.loopback ? 0 : 800,
      checkIcmpBudget: !target.loopback,
      signal: options.signal,
      onResult: (port, state, reason) => { put(port, state, reason); progress(false); },
    });
    cancelled = s.cancelled;
    network = udpNetwork(s, ports.length, [...byPort.values()].filter(v => v.state !== 'open|filtered').length);
    stats = {
      probes: s.probes, maxInFlight: s.maxInFlight, concurrency, concurrencyCapped: capped, workers: 0,
      finalTimeoutMs: s.finalTimeoutMs, srttMs: s.srttMs, selfConnects: s.selfConnects, localErrors: s.localErrors,
      rounds: s.rounds, minRatePerSec: s.minRatePerSec,
    };
  }
  progress(true);
  const names = serviceNames();
  const results: PortResult[] = [];
  for (const port of ports) {
    const r = byPort.get(port);
    if (r) { results.push({ port, protocol, state: r.state, reason: r.reason, service: names.name(port, protocol) }); }
  }
  return {
    host: target.host, address: target.address, otherAddresses: target.otherAddresses, protocol,
    startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - t0), ports: results,
    cancelled, notes, stats, network,
  };
}

function defaultConcurrency(protocol: Protocol, loopback: boolean): number {
  if (protocol === 'udp') { return 256; }
  // Loopback is CPU-bound (more sockets in flight only add overhead); remote hosts are latency-bound.
  return loopback ? 200 : 2000;
}

async function resolveSingle(host: string): Promise<ResolvedTarget> {
  const t = parseTarget(host);
  if (t.kind === 'multi') {
    throw new ScanInputError(`"${host}" names several hosts; scan one host at a time, or install nmap for many`);
  }
  return resolveTarget(t.host);
}
