// The skip policy holds for the whole suite: every skip goes through skipUnless (so it says why and
// fails under CI when CI should have run it), and skipUnless does what it says.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { skipUnless } from './skip';

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? (e.name === 'fixtures' ? [] : tsFiles(path.join(dir, e.name))) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('skip policy', () => {
  it('no test skips except through skipUnless', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(path.join(repoRoot, 'test'))) {
      if (file === path.join(repoRoot, 'test/unit/support/skip.ts')) { continue; }
      fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
        if (/\.skip\(\)|\b(it|describe|context)\.skip\b|\bxit\(|\bxdescribe\(/.test(text)) {
          offenders.push(`${path.relative(repoRoot, file)}:${i + 1}: ${text.trim()}`);
        }
      });
    }
    assert.deepEqual(offenders, []);
  });

  const saved = process.env.CI;
  afterEach(() => { if (saved === undefined) { delete process.env.CI; } else { process.env.CI = saved; } });

  it('under CI=true a missing tool fails the test; another platform\'s test still skips', () => {
    let skipped = 0;
    const ctx = { skip: () => { skipped++; } };
    // What it prints is captured (and checked), so this run's skip list does not show these.
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((text: string) => { printed.push(text); return true; }) as typeof process.stdout.write;
    try {
      process.env.CI = 'true';
      assert.throws(() => skipUnless(ctx, false, 'nft is not installed'), /^Error: CI is set up to run this test, but it cannot run: nft is not installed$/);
      skipUnless(ctx, false, 'Windows only', 'other-platform');
      assert.equal(skipped, 1);
      skipUnless(ctx, true, 'never printed');
      assert.equal(skipped, 1);
      delete process.env.CI;
      skipUnless(ctx, false, 'nft is not installed');
      assert.equal(skipped, 2);
    } finally { process.stdout.write = write; }
    assert.deepEqual(printed, ['      (skipped: Windows only)\n', '      (skipped: nft is not installed)\n']);
  });
});
