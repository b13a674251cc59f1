// The collector worker answers "unchanged" from SentSnapshots alone: it must say so only for the
// very same entries in the same order, per set of options.
import * as assert from 'node:assert/strict';
import { SentSnapshots } from '../../../../../src/extension/shared/collector/sentSnapshots';

describe('SentSnapshots', () => {
  const a = { n: 1 }, b = { n: 2 }, c = { n: 3 };

  it('gives the hash back for the same objects in the same order only', () => {
    const s = new SentSnapshots<{ n: number }>();
    assert.equal(s.sameAs('k', [a, b]), undefined, 'nothing sent yet');
    s.remember('k', [a, b], 'h1');
    assert.equal(s.sameAs('k', [a, b]), 'h1');
    assert.equal(s.sameAs('k', [b, a]), undefined, 'order changed');
    assert.equal(s.sameAs('k', [a, { n: 2 }]), undefined, 'an equal but new object');
    assert.equal(s.sameAs('k', [a]), undefined, 'one gone');
    assert.equal(s.sameAs('k', [a, b, c]), undefined, 'one more');
    assert.equal(s.sameAs('other', [a, b]), undefined, 'other options');
    s.remember('k', [c], 'h2');
    assert.equal(s.sameAs('k', [a, b]), undefined, 'replaced');
    assert.equal(s.sameAs('k', [c]), 'h2');
  });

  it('remembers one set of options: the last one sent', () => {
    const s = new SentSnapshots<{ n: number }>();
    s.remember('1', [a], 'h1');
    assert.equal(s.sameAs('1', [a]), 'h1');
    s.remember('2', [a], 'h2');
    assert.equal(s.sameAs('1', [a]), undefined, 'the other options were replaced');
    assert.equal(s.sameAs('2', [a]), 'h2');
  });
});
