// The TCP probe loop of one round: every port of the round gets one connect() attempt (a
// self-connect or a local shortage is tried again within the round), with at most `cwnd` attempts
// in flight and, when the round is paced, at most `ratePerSec` new attempts a second. An answer
// (SYN-ACK, RST, an ICMP error) settles the port; silence until the timeout leaves it for the next
// round, which the caller decides on (tcpPlan.ts). One TcpProber lives as long as the scan, in the
// calling thread or in a scan worker, so its round-trip estimate and window carry over.
//
// The window follows nmap's congestion control: it grows with every answer (by one below the slow
// start threshold, by 1/cwnd above it) and is halved, at most once per timeout interval, when a
// re-sent probe is answered: that answer proves an earlier attempt was dropped. Plain silence never
// shrinks it, so a host that DROPs most ports is scanned at full width.
import { makeConnector, type Connector, type ConnectOutcome } from './tcpConnect';
import { sustainedRate } from './tcpPlan';

/** Numeric codes keep worker messages small; scan.ts maps them back to names. */
export const TCP_STATE = { open: 1, closed: 2, filtered: 3 } as const;
export const TCP_REASON = {
  'syn-ack': 1, 'conn-refused': 2, 'no-response': 3, 'host-unreach': 4, 'net-unreach': 5,
  'admin-prohibited': 6, 'proto-unreach': 7, 'local-error': 8,
} as const;
const S = TCP_STATE, R = TCP_REASON;

export interface ProberConfig {
  /** IP literal (already resolved). */
  address: string;
  family: 4 | 6;
  initialTimeoutMs: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Most attempts in flight (this prober's share of the scan's concurrency). */
  window: number;
  /** Use net.Socket even when the binding is available (tests of the fallback). */
  forceNet: boolean;
}

export interface RoundRequest {
  ports: number[];
  /** True for rounds after the first: every attempt re-sends a probe that went unanswered. */
  resend: boolean;
  /** New attempts per second (0 = unpaced). */
  ratePerSec: number;
}

export interface RoundReport {
  /** Ports that stayed silent until their timeout, ascending. */
  silent: number[];
  sent: number;
  answers: number;
  durationMs: number;
  /** Answers per second while answers kept coming (see sustainedRate); 0 when too few. */
  answerRate: number;
  /** Attempts per second between the first and the last send. */
  sendRate: number;
  maxInFlight: number;
  selfConnects: number;
  localErrors: number;
  timeoutMs: number;
  srttMs: number;
  cwnd: number;
  cancelled: boolean;
  usedBinding: boolean;
}

export type ProberMessage = { type: 'results'; data: number[] } | { type: 'round'; report: RoundReport };

interface Live { port: number; t0: number; attempt: { abandon(): void } }

export class TcpProber {
  private readonly connector: Connector;
  private srtt = -1;
  private rttvar = 0;
  private timeout: number;
  private cwnd: number;
  private ssthresh: number;
  private lastCut = -Infinity;
  private current: RoundRun | undefined;

  constructor(private readonly cfg: ProberConfig) {
    this.connector = makeConnector(cfg.address, cfg.family, cfg.forceNet);
    this.timeout = cfg.initialTimeoutMs;
    this.cwnd = Math.max(1, cfg.window);
    this.ssthresh = this.cwnd;
  }

  get usedBinding(): boolean { return this.connector.usedBinding; }

  /** Runs one round; `emit` gets result batches and, last, the round's report. */
  run(req: RoundRequest, emit: (m: ProberMessage) => void): void {
    this.current = new RoundRun(this, req, emit);
    this.current.start();
  }

  cancel(): void { this.current?.cancel(); }

  /** @internal used by RoundRun */
  sample(ms: number): void {
    if (this.srtt < 0) { this.srtt = ms; this.rttvar = ms / 2; }
    else { this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms); this.srtt = 0.875 * this.srtt + 0.125 * ms; }
    this.timeout = Math.min(this.cfg.maxTimeoutMs, Math.max(this.cfg.minTimeoutMs, this.srtt + 4 * this.rttvar));
  }

  /** @internal */
  answered(resend: boolean, inFlight: number, floor: number, t: number): void {
    if (resend && t - this.lastCut > this.timeout) {
      this.lastCut = t;
      this.ssthresh = Math.max(floor, Math.floor(Math.min(this.cwnd, inFlight + 1) / 2));
      this.cwnd = this.ssthresh;
      return;
    }
    this.cwnd = Math.min(this.cfg.window, this.cwnd + (this.cwnd < this.ssthresh ? 1 : 1 / this.cwnd));
  }

  /** @internal our own shortage (EMFILE, ENOBUFS...): fewer sockets at once */
  shortage(inFlight: number): void {
    this.cwnd = Math.max(8, Math.floor(Math.min(this.cwnd, inFlight + 1) * 0.8));
    this.ssthresh = this.cwnd;
  }

  /** @internal */ get state() { return { timeout: this.timeout, srtt: this.srtt, cwnd: this.cwnd, connector: this.connector }; }
}

/** One round's bookkeeping. */
class RoundRun {
  private readonly live = new Set<Live>();
  private readonly again: number[] = [];
  private readonly silent: number[] = [];
  private readonly answerTimes: number[] = [];
  private readonly selfCount = new Map<number, number>();
  private readonly localCount = new Map<number, number>();
  private pending: number[] = [];
  private qi = 0;
  private sent = 0;
  private maxInFlight = 0;
  private selfConnects = 0;
  private localErrors = 0;
  private delayed = 0;
  private firstSend = -1;
  private lastSend = -1;
  private tokens = 1;
  private tokensAt: number;
  private finished = false;
  private cancelled = false;
  private pumpQueued = false;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private paceTimer: ReturnType<typeof setTimeout> | undefined;
  private flushAt: number;
  private lastSweep: number;
  private readonly t0 = performance.now();
  /** The window is never cut below what the pace needs, nor below a useful width. */
  private readonly floor: number;

  constructor(private readonly p: TcpProber, private readonly req: RoundRequest, private readonly emit: (m: ProberMessage) => void) {
    this.tokensAt = this.t0;
    this.flushAt = this.t0;
    this.lastSweep = this.t0;
    const w = p.state;
    this.floor = Math.max(Math.min(64, Math.ceil(w.cwnd)), Math.ceil((req.ratePerSec * w.timeout) / 500));
  }

  start(): void {
    this.sweepTimer = setTimeout(() => this.sweep(), this.tick());
    this.pump();
  }

  cancel(): void {
    if (this.finished) { return; }
    this.cancelled = true;
    for (const l of this.live) { l.attempt.abandon(); }
    this.live.clear();
    this.finish();
  }

  private tick(): number { return Math.max(5, Math.min(50, this.p.state.timeout / 4)); }

  private record(port: number, state: number, reason: number): void {
    this.pending.push(port, state, reason);
    if (this.pending.length >= 3072) { this.flush(); }
  }

  private flush(): void {
    if (this.pending.length === 0) { return; }
    const data = this.pending;
    this.pending = [];
    this.flushAt = performance.now();
    this.emit({ type: 'results', data });
  }

  private schedulePump(): void {
    if (this.pumpQueued) { return; }
    this.pumpQueued = true;
    setImmediate(() => { this.pumpQueued = false; this.pump(); });
  }

  /** A pace token is available now (refilled at ratePerSec, at most a 20 ms burst). */
  private takeToken(t: number): boolean {
    const rate = this.req.ratePerSec;
    if (rate <= 0) { return true; }
    this.tokens = Math.min(Math.max(1, rate * 0.02), this.tokens + ((t - this.tokensAt) * rate) / 1000);
    this.tokensAt = t;
    if (this.tokens >= 1) { this.tokens -= 1; return true; }
    if (!this.paceTimer) {
      this.paceTimer = setTimeout(() => { this.paceTimer = undefined; this.pump(); }, Math.max(1, ((1 - this.tokens) * 1000) / rate));
    }
    return false;
  }

  private pump(): void {
    if (this.finished) { return; }
    // Start at most a batch per loop turn: a long synchronous burst of connect() calls would delay
    // the handling of early answers (inflating the measured RTT) and block the event loop.
    let started = 0;
    const ports = this.req.ports;
    while (this.live.size < this.p.state.cwnd && (this.again.length > 0 || this.qi < ports.length)) {
      if (++started > 128) { this.schedulePump(); break; }
      const t = performance.now();
      if (!this.takeToken(t)) { break; }
      const port = this.again.length > 0 ? this.again.pop()! : ports[this.qi++];
      this.launch(port, t);
    }
    if (this.live.size > this.maxInFlight) { this.maxInFlight = this.live.size; }
    if (this.live.size === 0 && this.delayed === 0 && this.again.length === 0 && this.qi >= ports.length) { this.finish(); }
  }

  private launch(port: number, t: number): void {
    this.sent++;
    if (this.firstSend < 0) { this.firstSend = t; }
    this.lastSend = t;
    const l: Live = { port, t0: t, attempt: { abandon: () => undefined } };
    this.live.add(l);
    l.attempt = this.p.state.connector.start(port, o => this.done(l, o));
  }

  private done(l: Live, o: ConnectOutcome): void {
    if (!this.live.delete(l) || this.finished) { return; }
    const t = performance.now();
    if (o.kind === 'connected') {
      if (o.self) { this.selfConnect(l.port); } else { this.answer(l, t, S.open, R['syn-ack']); }
    } else {
      this.onError(l, o.code, t);
    }
    this.schedulePump();
  }

  private answer(l: Live, t: number, state: number, reason: number, rtt = true): void {
    if (rtt) { this.p.sample(t - l.t0); }
    this.answerTimes.push(t - this.t0);
    this.p.answered(this.req.resend, this.live.size, this.floor, t);
    this.record(l.port, state, reason);
  }

  /** Linux loopback "simultaneous open": our ephemeral port was the target port. Re-probe. */
  private selfConnect(port: number): void {
    this.selfConnects++;
    const n = (this.selfCount.get(port) ?? 0) + 1;
    this.selfCount.set(port, n);
    // A new socket gets a new ephemeral port; five coincidences in a row would mean nothing listens.
    if (n < 5) { this.again.push(port); } else { this.record(port, S.closed, R['conn-refused']); }
  }

  /** An errno name from a failed connect -> state, or a retry for local shortages. */
  private onError(l: Live, code: string, t: number): void {
    switch (code) {
      case 'ECONNREFUSED': case 'ECONNRESET': this.answer(l, t, S.closed, R['conn-refused']); return;
      case 'EHOSTUNREACH': case 'EHOSTDOWN': case 'ENONET': this.answer(l, t, S.filtered, R['host-unreach']); return;
      case 'ENETUNREACH': case 'ENETDOWN': this.answer(l, t, S.filtered, R['net-unreach']); return;
      // IPv6 admin-prohibited/policy/reject-route arrive as EACCES; EPERM is our own host's firewall
      case 'EACCES': case 'EPERM': this.answer(l, t, S.filtered, R['admin-prohibited'], false); return;
      case 'ENOPROTOOPT': this.answer(l, t, S.filtered, R['proto-unreach'], false); return;
      case 'ETIMEDOUT': this.silent.push(l.port); return;
      case 'EMFILE': case 'ENFILE': case 'ENOBUFS': case 'ENOMEM': case 'EAGAIN': case 'EADDRNOTAVAIL': case 'EADDRINUSE': {
        // Our shortage, not the target's answer: shrink, wait a moment, try the same port again.
        this.localErrors++;
        const n = this.localCount.get(l.port) ?? 0;
        if (n >= 50) { this.record(l.port, S.filtered, R['local-error']); return; }
        this.localCount.set(l.port, n + 1);
        if (code !== 'EADDRNOTAVAIL' && code !== 'EADDRINUSE') { this.p.shortage(this.live.size); }
        this.delayed++;
        setTimeout(() => { this.delayed--; this.again.push(l.port); this.pump(); }, 25);
        return;
      }
      default: this.record(l.port, S.filtered, R['local-error']);
    }
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    if (this.finished) { return; }
    const t = performance.now();
    // A sweep that runs late (busy loop) may find answers still queued in the kernel: grant the lag.
    const lag = Math.max(0, t - this.lastSweep - this.tick());
    this.lastSweep = t;
    const limit = this.p.state.timeout + lag;
    let expired = false;
    for (const l of this.live) {
      if (t - l.t0 > limit) {
        this.live.delete(l);
        l.attempt.abandon();
        this.silent.push(l.port);
        expired = true;
      }
    }
    if (t - this.flushAt > 100) { this.flush(); }
    if (expired) { this.pump(); }
    if (!this.finished) { this.sweepTimer = setTimeout(() => this.sweep(), this.tick()); }
  }

  private finish(): void {
    if (this.finished) { return; }
    this.finished = true;
    if (this.sweepTimer) { clearTimeout(this.sweepTimer); }
    if (this.paceTimer) { clearTimeout(this.paceTimer); }
    this.flush();
    const s = this.p.state;
    const sendSpan = this.lastSend - this.firstSend;
    this.emit({
      type: 'round',
      report: {
        silent: this.silent.sort((a, b) => a - b), sent: this.sent, answers: this.answerTimes.length,
        durationMs: performance.now() - this.t0, answerRate: sustainedRate(this.answerTimes),
        sendRate: sendSpan > 0 ? (this.sent * 1000) / sendSpan : 0,
        maxInFlight: this.maxInFlight, selfConnects: this.selfConnects, localErrors: this.localErrors,
        timeoutMs: Math.round(s.timeout), srttMs: s.srtt < 0 ? -1 : Math.round(s.srtt * 1000) / 1000,
        cwnd: Math.round(s.cwnd), cancelled: this.cancelled, usedBinding: s.connector.usedBinding,
      },
    });
  }
}
