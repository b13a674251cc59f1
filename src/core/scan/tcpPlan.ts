// What the TCP scan does after each round, from what the round saw. Pure: no sockets, no clock.
//
// Round 0 probes every port; each later round re-sends the probes that got no answer. A re-sent
// probe that is answered is evidence that the first one was lost (packet loss, a SYN rate limit),
// not filtered: from then on rounds are paced at the answer rate the target showed, and the scan
// goes on while re-sends keep bringing answers. It stops when a round brings nothing new (two such
// rounds in a row once loss was seen, since a few lossy ports can all be unlucky once). Only the
// ports still silent then are reported filtered.
import type { NetworkReport } from './types';
import { english, type L10n } from '../l10n';

/** What one round (all workers together) saw. */
export interface RoundOutcome {
  sent: number;
  answers: number;
  silent: number;
  /** Sustained answers per second (0 = too few to say). */
  answerRate: number;
  /** Attempts per second while sending. */
  sendRate: number;
  /** The pace the round was sent at (0 = unpaced). */
  ratePerSec: number;
}

export type NextRound = { stop: true } | { stop: false; ratePerSec: number };

/** Answers a round needs before its answer rate is taken as the target's limit. */
const MIN_RATE_SAMPLE = 32;

/** Rounds at most, the first included: with 5 % loss four re-sends leave ~0 of 65,536 ports wrong. */
export const MAX_ROUNDS = 12;

/**
 * Answers per second while they kept coming, from answer times (ms, ascending): the rate between
 * the 50th and the 90th percentile, which leaves out a burst the target allows at the start (a
 * token bucket's depth) and the tail after the last send. Fewer than 8 answers: 0 (unknown).
 */
export function sustainedRate(times: readonly number[]): number {
  const n = times.length;
  if (n < 8) { return 0; }
  const lo = Math.floor(n * 0.5), hi = Math.floor(n * 0.9);
  const span = times[hi] - times[lo];
  if (span <= 0) { return (hi - lo) * 1000 / 0.05; }
  return ((hi - lo) * 1000) / span;
}

export class TcpPlan {
  private readonly rounds: RoundOutcome[] = [];
  private lossSeen = false;
  private quiet = 0;
  private pace = 0;
  private limit = 0;
  private resent = 0;
  private recovered = 0;

  /** @param retries re-send rounds made at least (the CLI's --retries; default 1, nmap's first retry). */
  constructor(private readonly retries: number, private readonly maxRounds = MAX_ROUNDS) {}

  /** Records a finished round and decides on the next one. */
  next(o: RoundOutcome): NextRound {
    const index = this.rounds.length;
    this.rounds.push(o);
    if (index > 0) {
      this.resent += o.sent;
      this.recovered += o.answers;
      if (o.answers > 0) { this.lossSeen = true; }
    }
    // A round that got few of its answers while sending much faster than answers came: the target
    // (or a firewall in front of it) answers at most about that rate.
    // Only re-send rounds count (in the first, silence may just be a firewall's DROP), and only with
    // enough answers to time: the last few lossy ports of a tail round say nothing about a rate.
    if (index > 0 && o.answers >= MIN_RATE_SAMPLE && o.answers < 0.8 * o.sent && o.answerRate > 0 && o.sendRate >= 1.5 * o.answerRate) {
      this.limit = o.answerRate;
    }
    if (o.silent === 0 || this.rounds.length >= this.maxRounds) { return { stop: true }; }
    this.quiet = index > 0 && o.answers === 0 ? this.quiet + 1 : 0;
    const minRounds = 1 + this.retries;
    const goOn = this.rounds.length < minRounds || this.quiet === 0 || (this.lossSeen && this.quiet < 2);
    if (!goOn) { return { stop: true }; }
    if (this.lossSeen) { this.pace = this.nextPace(o); }
    return { stop: false, ratePerSec: this.pace };
  }

  private nextPace(o: RoundOutcome): number {
    if (this.limit === 0) { return 0; } // loss without a rate limit: a few fast re-sends are enough
    if (o.ratePerSec > 0 && o.answerRate >= 0.95 * o.ratePerSec) {
      // kept up with the pace: the limit may be higher than measured
      return Math.max(10, o.ratePerSec * 1.5);
    }
    const base = o.answers >= MIN_RATE_SAMPLE && o.answerRate > 0 && (o.ratePerSec === 0 || o.answerRate < o.ratePerSec) ? o.answerRate : this.limit;
    return Math.max(10, base * 1.1);
  }

  /** What the scan saw of the network, for the report. `probes` = every attempt sent. */
  network(probes: number, answeredPorts: number): NetworkReport {
    const first = this.rounds[0];
    const lossPercent = first && answeredPorts > 0 && this.recovered > 0 ? Math.round((1000 * this.recovered) / answeredPorts) / 10 : 0;
    const report: NetworkReport = {
      probesSent: probes, probesResent: this.resent, rounds: this.rounds.length,
      answeredOnlyWhenResent: this.recovered, lossPercent,
      answerRateLimitPerSec: this.limit > 0 ? Math.round(this.limit) : null,
      pacedAtPerSec: this.pace > 0 ? Math.round(this.pace) : null,
      summary: '',
    };
    report.summary = networkSummary(report, 'SYN');
    return report;
  }
}

/**
 * The one line a report shows when the scan saw loss or a rate limit ('' when it saw neither).
 * Whole sentences per protocol and count, so that each language can word them (`l10n`).
 */
export function networkSummary(n: NetworkReport, what: 'SYN' | 'UDP probes', l10n: L10n = english): string {
  const num = (x: number) => x.toLocaleString('en-US');
  const resent = n.probesResent === 1 ? l10n.t('1 probe re-sent') : l10n.t('{0} probes re-sent', num(n.probesResent));
  if (n.answerRateLimitPerSec !== null) {
    return what === 'SYN'
      ? l10n.t('The target answered at most ~{0} SYN/s; the scan slowed to match ({1}, {2} rounds).', num(n.answerRateLimitPerSec), resent, n.rounds)
      : l10n.t('The target answered at most ~{0} UDP probes/s; the scan slowed to match ({1}, {2} rounds).', num(n.answerRateLimitPerSec), resent, n.rounds);
  }
  if (n.answeredOnlyWhenResent > 0) {
    const ports = num(n.answeredOnlyWhenResent);
    if (what === 'SYN') {
      return n.answeredOnlyWhenResent === 1
        ? l10n.t('Packet loss: 1 port (~{0} %) answered only when probed again ({1}, {2} rounds); ports still silent are reported filtered.', n.lossPercent, resent, n.rounds)
        : l10n.t('Packet loss: {0} ports (~{1} %) answered only when probed again ({2}, {3} rounds); ports still silent are reported filtered.', ports, n.lossPercent, resent, n.rounds);
    }
    return n.answeredOnlyWhenResent === 1
      ? l10n.t('Packet loss: 1 port (~{0} %) answered only when probed again ({1}, {2} rounds); ports still silent are reported open|filtered.', n.lossPercent, resent, n.rounds)
      : l10n.t('Packet loss: {0} ports (~{1} %) answered only when probed again ({2}, {3} rounds); ports still silent are reported open|filtered.', ports, n.lossPercent, resent, n.rounds);
  }
  return '';
}
