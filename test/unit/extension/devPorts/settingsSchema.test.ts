// The settings as package.json declares them: where each may be set (a repository's
// .vscode/settings.json must not switch a confirmation off), and the watchPorts pattern VS Code
// runs on every entry while the user types, which must agree with the parser and not backtrack.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { splitWatchEntry } from '../../../../src/core/workspace/watchList';
import { repoRoot } from '../../support/paths';

interface Setting { scope?: string; items?: { anyOf: { type: string; pattern?: string }[] } }
const properties = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Setting> } };
}).contributes.configuration.properties;

describe('settings scopes and the watchPorts pattern', function () {
  this.timeout(2000);

  it('every setting names its scope; confirmations come from the user only, a workspace may list its ports', () => {
    const scopes = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v.scope]));
    for (const [key, scope] of Object.entries(scopes)) { assert.ok(scope, `${key} has no scope`); }
    assert.equal(scopes['portInspector.confirmKill'], 'application');
    assert.equal(scopes['portInspector.scan.confirmNonLocalTargets'], 'application');
    assert.equal(scopes['portInspector.watchPorts'], 'machine-overridable');
  });

  const pattern = new RegExp(properties['portInspector.watchPorts'].items?.anyOf.find(a => a.type === 'string')?.pattern ?? '(missing)');

  it('the pattern accepts exactly the entries the parser splits into port numbers', () => {
    const ch = fc.constantFrom(' ', '-', '/', '1', '0', '9', 'a', 't', 'c', 'p', 'u', 'd');
    fc.assert(fc.property(fc.array(ch, { maxLength: 16 }).map(a => a.join('')), s => {
      const parts = splitWatchEntry(s);
      const digits = (x: string | undefined) => x === undefined || /^\d{1,5}$/.test(x);
      const parsed = parts !== undefined && digits(parts.from) && digits(parts.to);
      assert.equal(pattern.test(s), parsed, JSON.stringify(s));
    }), { numRuns: 5000 });
  });

  it('does not backtrack on long runs of blanks', () => {
    // The earlier pattern had two adjacent \s* around an optional group: quadratic in the blanks.
    for (const s of ['1' + ' '.repeat(100_000) + '/x', '1' + ' '.repeat(100_000) + '-x', ' '.repeat(100_000) + '1-']) {
      assert.equal(pattern.test(s), false);
    }
  });
});
