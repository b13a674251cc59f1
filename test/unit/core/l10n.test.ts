import * as assert from 'assert';
import { english } from '../../../src/core/l10n';

describe('english (the l10n seam without a bundle)', () => {
  it('fills numbered placeholders in any order, any number of times', () => {
    assert.strictEqual(english.t('{1} holds {0}; {1} again', 5432, 'postgres'), 'postgres holds 5432; postgres again');
  });
  it('leaves a placeholder without an argument as it is and reads no other braces', () => {
    assert.strictEqual(english.t('port {0} of {1} {x}', 80), 'port 80 of {1} {x}');
    assert.strictEqual(english.t('no placeholders'), 'no placeholders');
  });
  it('writes booleans and zero as text', () => {
    assert.strictEqual(english.t('{0}/{1}', false, 0), 'false/0');
  });
});
