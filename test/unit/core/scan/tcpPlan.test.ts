// The TCP scan's round plan, fed the outcomes real rounds have (numbers as measured against the
// namespaced targets of scanImperfectNetwork.test.ts), and the answer-rate estimate.
import * as assert from 'node:assert/strict';
import { MAX_ROUNDS, TcpPlan, networkSummary, sustainedRate, type RoundOutcome } from '../../../../src/core/scan/tcpPlan';

const round = (o: Partial<RoundOutcome>): RoundOutcome => ({ sent: 0, answers: 0, silent: 0, answerRate: 0, sendRate: 0, ratePerSec: 0, ...o });

describe('scan: TCP round plan', () => {
  it('ideal link: one re-send round of the silent ports, then stop (nothing new)', () => {
    const plan = new TcpPlan(1);
    assert.deepEqual(plan.next(round({ sent: 65536, answers: 65515, silent: 21, answerRate: 50000, sendRate: 52000 })), { stop: false, ratePerSec: 0 });
    assert.deepEqual(plan.next(round({ sent: 21, answers: 0, silent: 21 })), { stop: true });
    const n = plan.network(65557, 65515);
    assert.deepEqual([n.probesResent, n.rounds, n.answeredOnlyWhenResent, n.answerRateLimitPerSec, n.summary], [21, 2, 0, null, '']);
  });

  it('retries 0 with nothing silent stops at once; retries 3 makes three re-send rounds even when they bring nothing', () => {
    assert.deepEqual(new TcpPlan(0).next(round({ sent: 10, answers: 10, silent: 0 })), { stop: true });
    const plan = new TcpPlan(3);
    const silent = round({ sent: 5, answers: 0, silent: 5 });
    assert.equal(plan.next(round({ sent: 10, answers: 5, silent: 5 })).stop, false);
    assert.equal(plan.next(silent).stop, false);
    assert.equal(plan.next(silent).stop, false);
    assert.equal(plan.next(silent).stop, true);
  });

  it('random loss: re-sends while they bring answers, unpaced, and wants two silent rounds before stopping', () => {
    const plan = new TcpPlan(1);
    assert.deepEqual(plan.next(round({ sent: 65536, answers: 62260, silent: 3276, answerRate: 48000, sendRate: 51000 })), { stop: false, ratePerSec: 0 });
    assert.deepEqual(plan.next(round({ sent: 3276, answers: 3100, silent: 176, answerRate: 30000, sendRate: 31000 })), { stop: false, ratePerSec: 0 });
    assert.equal(plan.next(round({ sent: 176, answers: 150, silent: 26, answerRate: 20000, sendRate: 21000 })).stop, false);
    assert.equal(plan.next(round({ sent: 26, answers: 0, silent: 26 })).stop, false, 'a first silent round is not proof when loss was seen');
    assert.equal(plan.next(round({ sent: 26, answers: 0, silent: 26 })).stop, true);
    const n = plan.network(69000, 65510);
    assert.equal(n.answerRateLimitPerSec, null);
    assert.equal(n.answeredOnlyWhenResent, 3250);
    assert.equal(n.lossPercent, 5);
    assert.equal(n.summary, 'Packet loss: 3,250 ports (~5 %) answered only when probed again (3,504 probes re-sent, 5 rounds); ports still silent are reported filtered.');
  });

  it('SYN rate limit: paces at the answer rate the re-sends showed, goes faster when the pace was kept up with', () => {
    const plan = new TcpPlan(1);
    assert.deepEqual(plan.next(round({ sent: 5000, answers: 125, silent: 4875, answerRate: 301, sendRate: 20000 })), { stop: false, ratePerSec: 0 });
    const paced = plan.next(round({ sent: 4875, answers: 2250, silent: 2625, answerRate: 300, sendRate: 640 }));
    assert.equal(paced.stop, false);
    assert.ok(!paced.stop && Math.abs(paced.ratePerSec - 330) < 1, JSON.stringify(paced));
    const same = plan.next(round({ sent: 2625, answers: 2380, silent: 245, answerRate: 299, sendRate: 330, ratePerSec: 330 }));
    assert.ok(!same.stop && Math.abs(same.ratePerSec - 328.9) < 1, JSON.stringify(same));
    const faster = plan.next(round({ sent: 245, answers: 224, silent: 21, answerRate: 328, sendRate: 329, ratePerSec: 329 }));
    assert.ok(!faster.stop && faster.ratePerSec > 450, JSON.stringify(faster));
    assert.equal(plan.next(round({ sent: 21, answers: 0, silent: 21 })).stop, false);
    assert.equal(plan.next(round({ sent: 21, answers: 0, silent: 21 })).stop, true);
    const n = plan.network(12787, 4979);
    assert.equal(n.answerRateLimitPerSec, 300);
    assert.equal(n.summary, 'The target answered at most ~300 SYN/s; the scan slowed to match (7,787 probes re-sent, 6 rounds).');
  });

  it('a small tail round of lossy ports is no evidence of a rate limit (too few answers to time)', () => {
    const plan = new TcpPlan(1);
    plan.next(round({ sent: 65536, answers: 62260, silent: 3276, answerRate: 48000, sendRate: 51000 }));
    plan.next(round({ sent: 3276, answers: 3100, silent: 176, answerRate: 30000, sendRate: 31000 }));
    // 29 re-sent (21 of them DROPped for good), 8 answered, spread over the round's timeout
    assert.deepEqual(plan.next(round({ sent: 29, answers: 8, silent: 21, answerRate: 40, sendRate: 25000 })), { stop: false, ratePerSec: 0 });
    assert.equal(plan.network(69000, 65510).answerRateLimitPerSec, null);
  });

  it('a DROP-everything host is never paced (silence is not evidence of a limit)', () => {
    const plan = new TcpPlan(1);
    assert.deepEqual(plan.next(round({ sent: 65536, answers: 3, silent: 65533, answerRate: 0, sendRate: 30000 })), { stop: false, ratePerSec: 0 });
    assert.deepEqual(plan.next(round({ sent: 65533, answers: 0, silent: 65533, sendRate: 30000 })), { stop: true });
    assert.equal(plan.network(131069, 3).summary, '');
  });

  it('stops after MAX_ROUNDS even while rounds keep bringing answers', () => {
    const plan = new TcpPlan(1);
    let r = plan.next(round({ sent: 100, answers: 50, silent: 50 }));
    let rounds = 1;
    while (!r.stop) { r = plan.next(round({ sent: 50, answers: 1, silent: 49 })); rounds++; }
    assert.equal(rounds, MAX_ROUNDS);
  });

  it('UDP wording', () => {
    const n = { probesSent: 120, probesResent: 20, rounds: 4, answeredOnlyWhenResent: 14, lossPercent: 14, answerRateLimitPerSec: 1, pacedAtPerSec: 0.9, summary: '' };
    assert.equal(networkSummary(n, 'UDP probes'), 'The target answered at most ~1 UDP probes/s; the scan slowed to match (20 probes re-sent, 4 rounds).');
  });
});

describe('scan: sustained answer rate', () => {
  it('leaves out a token bucket\'s burst: 50 answers at once, then one every 1/300 s', () => {
    const times = [...Array.from({ length: 50 }, () => 0.1), ...Array.from({ length: 100 }, (_, i) => 1 + (i * 1000) / 300)];
    assert.ok(Math.abs(sustainedRate(times) - 300) < 5, String(sustainedRate(times)));
  });
  it('a steady stream gives its rate; fewer than 8 answers give 0 (unknown)', () => {
    const steady = Array.from({ length: 1000 }, (_, i) => i * 0.02);
    assert.ok(Math.abs(sustainedRate(steady) - 50000) < 100);
    assert.equal(sustainedRate([1, 2, 3, 4, 5, 6, 7]), 0);
  });
});
