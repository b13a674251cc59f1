// The TCP connect() probe loop. It is written as ONE self-contained function (no imports, no
// module-level helpers) because it runs both in the calling thread and, for large scans, inside
// worker threads started from its own source text (`new Worker(src, { eval: true })`). That keeps
// the engine a single file that works the same bundled (dist/cli.js, dist/extension.js) and
// unbundled (unit tests), with no separate worker file to ship and locate at run time.
//
// Speed: on Node it uses the tcp_wrap binding (the handles under net.Socket) when available: no
// Socket object, no stream machinery and no Error object per refused port, which is most of the
// per-port cost of a loopback scan. When the binding is missing or changed shape (another runtime,
// a future Node) it falls back to net.Socket with identical classification.
import type { ProbeRunStats } from './types'; // erased at build: the engine's source stays self-contained

/** Numeric codes keep worker messages small; scanTcp.ts maps them back to names. */
export const TCP_STATE = { open: 1, closed: 2, filtered: 3 } as const;
export const TCP_REASON = {
  'syn-ack': 1, 'conn-refused': 2, 'no-response': 3, 'host-unreach': 4, 'net-unreach': 5,
  'admin-prohibited': 6, 'proto-unreach': 7, 'local-error': 8,
} as const;

export interface TcpEngineConfig {
  /** IP literal (already resolved). */
  address: string;
  family: 4 | 6;
  ports: number[];
  concurrency: number;
  initialTimeoutMs: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  retries: number;
  /** Error.stackTraceLimit = 0: only in a worker we own, it is global to the isolate. */
  noStack: boolean;
  /** Use net.Socket even when the binding is available (tests of the fallback). */
  forceNet: boolean;
}

export interface TcpEngineStats extends ProbeRunStats {
  usedBinding: boolean;
}

export type TcpEngineMessage =
  | { type: 'results'; data: number[] }
  | { type: 'done'; stats: TcpEngineStats };

export interface TcpEngineControl { cancel(): void }

export function runTcpEngine(cfg: TcpEngineConfig, emit: (m: TcpEngineMessage) => void): TcpEngineControl {
  /* eslint-disable @typescript-eslint/no-require-imports -- self-contained: see the file comment */
  const util = require('node:util') as typeof import('node:util');
  const net = require('node:net') as typeof import('node:net');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const OPEN = 1, CLOSED = 2, FILTERED = 3;
  const R_SYNACK = 1, R_REFUSED = 2, R_NORESP = 3, R_HOST = 4, R_NET = 5, R_ADMIN = 6, R_PROTO = 7, R_LOCAL = 8;
  if (cfg.noStack) { Error.stackTraceLimit = 0; }

  interface Probe {
    port: number;
    attempt: number;
    t0: number;
    done: boolean;
    close(reset: boolean): void;
  }

  type Binding = {
    TCP: new (type: number) => BindingHandle;
    TCPConnectWrap: new () => ConnectReq;
    constants: { SOCKET: number };
  };
  type ConnectReq = { oncomplete?: (status: number, handle: BindingHandle, req: ConnectReq) => void; probe?: Probe };
  type BindingHandle = {
    connect(req: object, address: string, port: number): number;
    connect6(req: object, address: string, port: number): number;
    getsockname(out: { address?: string; port?: number }): number;
    getpeername(out: { address?: string; port?: number }): number;
    reset(cb: () => void): number;
    close(cb?: () => void): void;
  };
  let binding: Binding | undefined;
  if (!cfg.forceNet) {
    try {
      const b = (process as unknown as { binding(name: string): Binding }).binding('tcp_wrap');
      if (typeof b.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.TCP.prototype.reset === 'function'
        && typeof b.TCP.prototype.connect === 'function' && typeof b.TCP.prototype.connect6 === 'function') {
        binding = b;
      }
    } catch { /* not available: net.Socket below */ }
  }

  const ports = cfg.ports;
  const address = cfg.address;
  let concurrency = Math.max(1, cfg.concurrency);
  let qi = 0;
  const retryPorts: number[] = [];
  const retryAttempts: number[] = [];
  let retryHead = 0;
  const live = new Set<Probe>();
  const selfCount = new Map<number, number>();
  const localCount = new Map<number, number>();
  let pending: number[] = [];
  let probes = 0, maxInFlight = 0, selfConnects = 0, localErrors = 0, delayed = 0;
  let finished = false, cancelled = false;
  // RTT estimate (RFC 6298, as nmap's timing code): start conservative, tighten with samples.
  let srtt = -1, rttvar = 0, timeout = cfg.initialTimeoutMs;
  let sweepTimer: ReturnType<typeof setTimeout> | undefined;
  let flushAt = 0;
  let pumpQueued = false;
  const errName = new Map<number, string>();
  const now = () => performance.now();

  function sample(ms: number): void {
    if (srtt < 0) { srtt = ms; rttvar = ms / 2; }
    else { rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - ms); srtt = 0.875 * srtt + 0.125 * ms; }
    timeout = Math.min(cfg.maxTimeoutMs, Math.max(cfg.minTimeoutMs, srtt + 4 * rttvar));
  }

  function record(port: number, state: number, reason: number): void {
    pending.push(port, state, reason);
    if (pending.length >= 3072) { flush(); }
  }

  function flush(): void {
    if (pending.length === 0) { return; }
    const data = pending;
    pending = [];
    flushAt = now();
    emit({ type: 'results', data });
  }

  function requeue(port: number, attempt: number): void {
    retryPorts.push(port);
    retryAttempts.push(attempt);
  }

  function schedulePump(): void {
    if (pumpQueued) { return; }
    pumpQueued = true;
    setImmediate(() => { pumpQueued = false; pump(); });
  }

  function settle(p: Probe): boolean {
    if (p.done) { return false; }
    p.done = true;
    live.delete(p);
    return true;
  }

  /** An errno name from a failed connect -> state, or a retry for local shortages. */
  function onError(p: Probe, code: string): void {
    switch (code) {
      case 'ECONNREFUSED': case 'ECONNRESET':
        sample(now() - p.t0); record(p.port, CLOSED, R_REFUSED); return;
      case 'EHOSTUNREACH': case 'EHOSTDOWN': case 'ENONET':
        sample(now() - p.t0); record(p.port, FILTERED, R_HOST); return;
      case 'ENETUNREACH': case 'ENETDOWN':
        sample(now() - p.t0); record(p.port, FILTERED, R_NET); return;
      case 'EACCES': case 'EPERM':
        // IPv6 admin-prohibited/policy/reject-route arrive as EACCES; EPERM is our own host's firewall
        record(p.port, FILTERED, R_ADMIN); return;
      case 'ENOPROTOOPT':
        record(p.port, FILTERED, R_PROTO); return;
      case 'ETIMEDOUT':
        unanswered(p); return;
      case 'EMFILE': case 'ENFILE': case 'ENOBUFS': case 'ENOMEM': case 'EAGAIN': case 'EADDRNOTAVAIL': case 'EADDRINUSE':
        // Our shortage, not the target's answer: shrink, wait a moment, try the same attempt again.
        localErrors++;
        if ((localCount.get(p.port) ?? 0) >= 50) { record(p.port, FILTERED, R_LOCAL); return; }
        localCount.set(p.port, (localCount.get(p.port) ?? 0) + 1);
        if (code !== 'EADDRNOTAVAIL' && code !== 'EADDRINUSE') {
          concurrency = Math.max(8, Math.floor(Math.min(concurrency, live.size + 1) * 0.8));
        }
        requeue(p.port, p.attempt);
        delayed++;
        setTimeout(() => { delayed--; pump(); }, 25);
        return;
      default:
        record(p.port, FILTERED, R_LOCAL);
    }
  }

  function unanswered(p: Probe): void {
    if (p.attempt < cfg.retries) { requeue(p.port, p.attempt + 1); }
    else { record(p.port, FILTERED, R_NORESP); }
  }

  /** Linux loopback "simultaneous open": our ephemeral port was the target port. Re-probe. */
  function selfConnect(p: Probe): void {
    selfConnects++;
    const n = (selfCount.get(p.port) ?? 0) + 1;
    selfCount.set(p.port, n);
    // A new socket gets a new ephemeral port; five coincidences in a row would mean nothing listens.
    if (n < 5) { requeue(p.port, p.attempt); } else { record(p.port, CLOSED, R_REFUSED); }
  }

  function startBinding(b: Binding, port: number, attempt: number): void {
    const h = new b.TCP(b.constants.SOCKET);
    const req = new b.TCPConnectWrap();
    const p: Probe = {
      port, attempt, t0: now(), done: false,
      close: (reset) => { if (!reset || h.reset(noop) !== 0) { h.close(); } },
    };
    req.probe = p;
    req.oncomplete = onBindingComplete;
    const err = cfg.family === 6 ? h.connect6(req, address, port) : h.connect(req, address, port);
    probes++;
    if (err !== 0) {
      h.close();
      p.done = true;
      onError(p, nameOf(err));
      return;
    }
    live.add(p);
  }

  function noop(): void { /* reset completion: nothing to do */ }

  function nameOf(status: number): string {
    let n = errName.get(status);
    if (n === undefined) {
      try { n = util.getSystemErrorName(status); } catch { n = 'E' + status; }
      errName.set(status, n);
    }
    return n;
  }

  function onBindingComplete(status: number, handle: BindingHandle, req: ConnectReq): void {
    const p = req.probe as Probe;
    if (!settle(p)) { return; } // already expired or cancelled: the close triggered this
    if (status === 0) {
      const me: { address?: string; port?: number } = {};
      const peer: { address?: string; port?: number } = {};
      handle.getsockname(me);
      handle.getpeername(peer);
      // Close open ports with RST (SO_LINGER 0), as nmap does: no TIME_WAIT left behind.
      if (handle.reset(noop) !== 0) { handle.close(); }
      if (me.port === peer.port && me.address === peer.address) { selfConnect(p); }
      else { sample(now() - p.t0); record(p.port, OPEN, R_SYNACK); }
    } else {
      handle.close();
      onError(p, nameOf(status));
    }
    schedulePump();
  }

  function startNet(port: number, attempt: number): void {
    const s = new net.Socket();
    const p: Probe = {
      port, attempt, t0: now(), done: false,
      close: (reset) => { if (reset) { s.resetAndDestroy(); } else { s.destroy(); } },
    };
    probes++;
    live.add(p);
    s.once('connect', () => {
      if (!settle(p)) { return; }
      const self = s.localPort === s.remotePort && s.localAddress === s.remoteAddress;
      s.resetAndDestroy();
      if (self) { selfConnect(p); } else { sample(now() - p.t0); record(port, OPEN, R_SYNACK); }
      schedulePump();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (!settle(p)) { return; }
      s.destroy();
      onError(p, e.code ?? 'EUNKNOWN');
      schedulePump();
    });
    s.connect({ port, host: address, family: cfg.family });
  }

  function pump(): void {
    if (finished) { return; }
    // Start at most a batch per loop turn: a long synchronous burst of connect() calls would delay
    // the handling of early answers (inflating the measured RTT) and block the event loop.
    let started = 0;
    while (live.size < concurrency) {
      if (++started > 128) { schedulePump(); break; }
      let port: number, attempt: number;
      if (retryHead < retryPorts.length) {
        port = retryPorts[retryHead]; attempt = retryAttempts[retryHead]; retryHead++;
        if (retryHead > 4096 && retryHead * 2 > retryPorts.length) {
          retryPorts.splice(0, retryHead); retryAttempts.splice(0, retryHead); retryHead = 0;
        }
      } else if (qi < ports.length) {
        port = ports[qi++]; attempt = 0;
      } else {
        break;
      }
      if (binding) { startBinding(binding, port, attempt); } else { startNet(port, attempt); }
    }
    if (live.size > maxInFlight) { maxInFlight = live.size; }
    if (live.size === 0 && delayed === 0 && qi >= ports.length && retryHead >= retryPorts.length) { finish(); }
  }

  let lastSweep = now();
  function sweep(): void {
    sweepTimer = undefined;
    if (finished) { return; }
    const t = now();
    // A sweep that runs late (busy loop) may find answers still queued in the kernel: grant the lag.
    const lag = Math.max(0, t - lastSweep - tick());
    lastSweep = t;
    let expired = false;
    for (const p of live) {
      if (t - p.t0 > timeout + lag) {
        settle(p);
        p.close(false);
        unanswered(p);
        expired = true;
      }
    }
    if (t - flushAt > 100) { flush(); }
    if (expired) { pump(); }
    if (!finished) { sweepTimer = setTimeout(sweep, tick()); }
  }
  function tick(): number { return Math.max(5, Math.min(50, timeout / 4)); }

  function finish(): void {
    if (finished) { return; }
    finished = true;
    if (sweepTimer) { clearTimeout(sweepTimer); sweepTimer = undefined; }
    flush();
    emit({
      type: 'done',
      stats: {
        probes, maxInFlight, selfConnects, localErrors, finalTimeoutMs: Math.round(timeout),
        srttMs: srtt < 0 ? -1 : Math.round(srtt * 1000) / 1000, cancelled, usedBinding: binding !== undefined,
      },
    });
  }

  function cancel(): void {
    if (finished) { return; }
    cancelled = true;
    for (const p of live) { settle(p); p.close(false); }
    finish();
  }

  sweepTimer = setTimeout(sweep, tick());
  pump();
  return { cancel };
}
