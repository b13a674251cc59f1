// UDP scan with connect()ed datagram sockets: on Linux (and other systems) an ICMP error for a
// connected UDP socket surfaces as an error on that socket, e.g. port-unreachable as ECONNREFUSED.
// No raw sockets needed.
//
// What Linux reports to a connected IPv4 UDP socket (net/ipv4/icmp.c icmp_err_convert, and
// __udp4_lib_err, which passes only "fatal" codes unless IP_RECVERR is set):
//   port-unreachable (3)                         -> ECONNREFUSED  => closed (port-unreach)
//   net-unknown (6), net-prohibited (9)          -> ENETUNREACH   => filtered (net-unreach)
//   host-unknown (7)                             -> EHOSTDOWN     => filtered (host-unreach)
//   host-isolated (8)                            -> ENONET        => filtered (host-unreach)
//   host-prohibited (10), admin-prohibited (13),
//   precedence violation/cutoff (14, 15)         -> EHOSTUNREACH  => filtered (admin-prohibited)
//   protocol-unreachable (2)                     -> ENOPROTOOPT   => filtered (proto-unreach)
//   net-unreachable (0), host-unreachable (1)    -> not reported at all ("soft" errors): silence
// IPv6 (icmpv6_err_convert): admin-prohibited, policy-fail, reject-route -> EACCES; port-unreach
// -> ECONNREFUSED; no-route/address-unreachable are soft and not reported.
//
// ICMP is rate-limited by the target's kernel (Linux: per peer 1 per second after a burst of 6,
// plus 1000/s per namespace; loopback is exempt). A closed port whose ICMP answer was suppressed
// looks exactly like a DROPped one, so unanswered ports are probed again in rounds, each paced at
// the ICMP answer rate the previous round observed, until a round brings no new answer.
import * as dgram from 'node:dgram';
import { networkSummary } from './tcpPlan';
import type { NetworkReport, PortReason, PortState, ProbeRunStats } from './types';
import { udpPayload } from './udpPayloads';

export interface UdpRunOptions {
  address: string;
  family: 4 | 6;
  ports: readonly number[];
  concurrency: number;
  initialTimeoutMs: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Rounds for unanswered ports after the first, at least (more when answers keep coming). */
  retries: number;
  /** First round's probe rate per second (0 = unpaced). */
  initialRate: number;
  /** Before calling silent ports open|filtered, check slowly whether the silence was ICMP rate limiting. */
  checkIcmpBudget: boolean;
  signal?: AbortSignal;
  onResult(port: number, state: PortState, reason: PortReason): void;
}

export interface UdpRunStats extends ProbeRunStats {
  rounds: number;
  minRatePerSec: number;
  /** Ports that answered only in a later round (a lost probe or reply, or a suppressed ICMP error). */
  recovered: number;
  /** Of those, ports that answered with data: a lost probe or reply, never an ICMP limit. */
  recoveredOpen: number;
  /** Answers per second the pacing settled on below the first round's rate (ICMP limit); 0 = none. */
  icmpLimitPerSec: number;
}

/** The network part of a UDP scan's report; `answeredPorts` = ports that got any answer. */
export function udpNetwork(s: UdpRunStats, portCount: number, answeredPorts: number): NetworkReport {
  const n: NetworkReport = {
    probesSent: s.probes, probesResent: Math.max(0, s.probes - portCount), rounds: s.rounds,
    answeredOnlyWhenResent: s.recovered,
    lossPercent: answeredPorts > 0 && s.recovered > 0 ? Math.round((1000 * s.recovered) / answeredPorts) / 10 : 0,
    answerRateLimitPerSec: s.icmpLimitPerSec > 0 ? Math.round(s.icmpLimitPerSec * 10) / 10 : null,
    pacedAtPerSec: s.minRatePerSec > 0 ? s.minRatePerSec : null, summary: '',
  };
  n.summary = networkSummary(n, 'UDP probes');
  return n;
}

/** The most rounds a scan makes; each later one only re-probes ports still silent. */
const MAX_EXTRA_ROUNDS = 8;

export async function runUdpScan(o: UdpRunOptions): Promise<UdpRunStats> {
  const stats: UdpRunStats = {
    probes: 0, maxInFlight: 0, selfConnects: 0, localErrors: 0, finalTimeoutMs: o.initialTimeoutMs,
    srttMs: -1, rounds: 0, minRatePerSec: o.initialRate, cancelled: false, recovered: 0, recoveredOpen: 0, icmpLimitPerSec: 0,
  };
  let srtt = -1, rttvar = 0, timeout = o.initialTimeoutMs;
  const sample = (ms: number) => {
    if (srtt < 0) { srtt = ms; rttvar = ms / 2; }
    else { rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - ms); srtt = 0.875 * srtt + 0.125 * ms; }
    timeout = Math.min(o.maxTimeoutMs, Math.max(o.minTimeoutMs, srtt + 4 * rttvar));
  };

  let todo = [...o.ports];
  let rate = o.initialRate;
  let round = 0;
  let minRounds = 1 + o.retries;
  let maxRounds = minRounds + MAX_EXTRA_ROUNDS;
  let budgetChecked = false;
  let icmpSeen = 0;
  let quiet = 0;
  let limitSeen = false;
  while (todo.length > 0) {
    if (o.signal?.aborted) { stats.cancelled = true; break; }
    const r = await runRound(todo, rate);
    stats.rounds = ++round;
    icmpSeen += r.icmp;
    if (round > 1) { stats.recovered += r.answers; stats.recoveredOpen += r.answers - r.icmp; }
    if (r.cancelled) { stats.cancelled = true; break; }
    // Most probes of a round unanswered while some got ICMP errors: the target may be limiting them.
    if (r.icmp > 0 && r.answers < 0.5 * r.sent) { limitSeen = true; }
    todo = r.silent;
    if (todo.length === 0) { break; }
    quiet = round > 1 && r.answers === 0 ? quiet + 1 : 0;
    // A data reply that came only on a re-probe means probes or replies get lost on the way: one
    // silent round is then not proof enough, and a second one is made before calling ports silent.
    const confirm = stats.recoveredOpen > 0 && quiet === 1 && round < maxRounds;
    if (round < minRounds || (r.answers > 0 && round < maxRounds) || confirm) {
      if (r.icmp > 0) {
        // Pace the next round at the ICMP answer rate the target allowed in this one, never faster
        // than before: with Linux's per-peer limit this converges on its 1/s within two rounds.
        const next = Math.max(0.5, (r.icmp / Math.max(0.05, r.durationMs / 1000)) * 0.9);
        if (rate === 0 || next < rate) { rate = next; }
      }
      continue;
    }
    // More ICMP answers than Linux's burst means the budget was measured and the rounds paced to it.
    if (!o.checkIcmpBudget || budgetChecked || icmpSeen > 6) { break; }
    // Silence can also mean a drained ICMP budget (Linux: 1 per second per peer after a burst of
    // 6; a scan that just ended, ours or anyone's, leaves it empty). Ask a few silent ports slowly:
    // if any of them answers now, the silence was the limit, and every silent port gets another
    // round at that pace.
    budgetChecked = true;
    // spread over the list: silent ports cluster (a DROP rule covers ranges), closed ones too
    const n = Math.min(5, todo.length);
    const sample = [...new Set(Array.from({ length: n }, (_, i) => todo[Math.floor((i * (todo.length - 1)) / Math.max(1, n - 1))]))];
    const check = await runRound(sample, 1 / 1.1);
    stats.rounds = ++round;
    if (check.cancelled) { stats.cancelled = true; break; }
    if (check.answers === 0) { break; }
    const still = new Set(check.silent);
    todo = todo.filter(p => !sample.includes(p) || still.has(p));
    rate = rate === 0 ? 0.9 : Math.min(rate, 0.9);
    limitSeen = true;
    minRounds = round + 1;
    maxRounds = minRounds + MAX_EXTRA_ROUNDS;
  }
  for (const p of todo) { if (!stats.cancelled) { o.onResult(p, 'open|filtered', 'no-response'); } }
  // Later rounds answered what the first did not, at the pace they were slowed to: that is the limit.
  if (limitSeen && stats.recovered > 0 && rate > 0) { stats.icmpLimitPerSec = rate / 0.9; }
  stats.finalTimeoutMs = Math.round(timeout);
  stats.srttMs = srtt < 0 ? -1 : Math.round(srtt * 1000) / 1000;
  if (rate > 0 && (stats.minRatePerSec === 0 || rate < stats.minRatePerSec)) { stats.minRatePerSec = Math.round(rate * 100) / 100; }
  return stats;

  interface RoundResult { silent: number[]; sent: number; answers: number; icmp: number; durationMs: number; cancelled: boolean }

  function runRound(ports: number[], ratePerSec: number): Promise<RoundResult> {
    return new Promise(resolve => {
      interface Probe { port: number; t0: number; socket: dgram.Socket; done: boolean }
      const live = new Set<Probe>();
      const silent: number[] = [];
      const again: number[] = [];
      let qi = 0, answers = 0, icmp = 0, sent = 0, finished = false, selfTries = 0;
      let sweepTimer: ReturnType<typeof setTimeout> | undefined;
      let paceTimer: ReturnType<typeof setTimeout> | undefined;
      const start = performance.now();
      let lastSend = start - (ratePerSec > 0 ? 1000 / ratePerSec : 0);

      const close = (p: Probe) => { try { p.socket.close(); } catch { /* already closed */ } };
      const settle = (p: Probe): boolean => {
        if (p.done) { return false; }
        p.done = true;
        live.delete(p);
        close(p);
        return true;
      };
      const answered = (p: Probe, state: PortState, reason: PortReason) => {
        if (!settle(p)) { return; }
        sample(performance.now() - p.t0);
        answers++;
        if (state !== 'open') { icmp++; }
        o.onResult(p.port, state, reason);
        setImmediate(pump);
      };
      const onAbort = () => {
        for (const p of [...live]) { settle(p); }
        end(true);
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });

      function probe(port: number): void {
        const socket = dgram.createSocket(o.family === 6 ? 'udp6' : 'udp4');
        const p: Probe = { port, t0: performance.now(), socket, done: false };
        live.add(p);
        if (live.size > stats.maxInFlight) { stats.maxInFlight = live.size; }
        socket.on('message', () => answered(p, 'open', 'udp-response'));
        socket.on('error', (e: NodeJS.ErrnoException) => onError(p, e.code ?? 'EUNKNOWN'));
        socket.connect(port, o.address, () => {
          if (p.done) { return; }
          const me = socket.address();
          if (me.port === port && me.address === socket.remoteAddress().address) {
            // Our ephemeral port is the target port: the probe would come back to us as "open".
            stats.selfConnects++;
            settle(p);
            if (++selfTries < 50) { again.push(port); } else { o.onResult(port, 'closed', 'port-unreach'); }
            setImmediate(pump);
            return;
          }
          stats.probes++;
          sent++;
          p.t0 = performance.now();
          socket.send(udpPayload(port), err => { if (err) { onError(p, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN'); } });
        });
      }

      function onError(p: Probe, code: string): void {
        switch (code) {
          case 'ECONNREFUSED': answered(p, 'closed', 'port-unreach'); return;
          case 'EHOSTUNREACH': case 'EACCES': answered(p, 'filtered', 'admin-prohibited'); return;
          case 'ENETUNREACH': answered(p, 'filtered', 'net-unreach'); return;
          case 'EHOSTDOWN': case 'ENONET': answered(p, 'filtered', 'host-unreach'); return;
          case 'ENOPROTOOPT': answered(p, 'filtered', 'proto-unreach'); return;
          case 'EPERM':
            // our own host's firewall refused to send it
            if (settle(p)) { o.onResult(p.port, 'filtered', 'admin-prohibited'); setImmediate(pump); }
            return;
          default:
            // EMFILE, ENOBUFS, EAGAIN...: ours, not the target's. Try it again in a moment.
            if (!settle(p)) { return; }
            stats.localErrors++;
            again.push(p.port);
            setTimeout(pump, 25);
        }
      }

      function next(): number | undefined {
        if (again.length > 0) { return again.shift(); }
        return qi < ports.length ? ports[qi++] : undefined;
      }

      function pump(): void {
        if (finished) { return; }
        while (live.size < o.concurrency) {
          if (ratePerSec > 0) {
            const gap = 1000 / ratePerSec;
            const t = performance.now();
            if (t - lastSend < gap) {
              if (!paceTimer && (again.length > 0 || qi < ports.length)) {
                paceTimer = setTimeout(() => { paceTimer = undefined; pump(); }, Math.max(1, gap - (t - lastSend)));
              }
              break;
            }
            const port = next();
            if (port === undefined) { break; }
            lastSend = t;
            probe(port);
          } else {
            const port = next();
            if (port === undefined) { break; }
            probe(port);
          }
        }
        if (live.size === 0 && again.length === 0 && qi >= ports.length) { end(false); }
      }

      function sweep(): void {
        sweepTimer = undefined;
        if (finished) { return; }
        const t = performance.now();
        for (const p of live) {
          if (t - p.t0 > timeout) { settle(p); silent.push(p.port); }
        }
        pump();
        if (!finished) { sweepTimer = setTimeout(sweep, Math.max(5, Math.min(50, timeout / 4))); }
      }

      function end(cancelled: boolean): void {
        if (finished) { return; }
        finished = true;
        if (sweepTimer) { clearTimeout(sweepTimer); }
        if (paceTimer) { clearTimeout(paceTimer); }
        o.signal?.removeEventListener('abort', onAbort);
        resolve({ silent: silent.sort((a, b) => a - b), sent, answers, icmp, durationMs: performance.now() - start, cancelled });
      }

      sweepTimer = setTimeout(sweep, Math.max(5, Math.min(50, timeout / 4)));
      pump();
    });
  }
}
