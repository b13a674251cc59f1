// The one way a test skips: it says why, and under CI (CI=true), where the machine is set up to run
// every test of this platform, a missing tool or kernel feature is a failure rather than a skip.
// Only `otherPlatform` skips (a Windows test on Linux) stay skips in CI.

export interface SkipContext { skip(): void }

export type SkipKind = 'needs-setup' | 'other-platform';

/** Skips the test (or the suite, from `before`) unless `ok`; prints `reason` either way it goes. */
export function skipUnless(ctx: SkipContext, ok: unknown, reason: string, kind: SkipKind = 'needs-setup'): void {
  if (ok) { return; }
  if (kind === 'needs-setup' && process.env.CI === 'true') {
    throw new Error(`CI is set up to run this test, but it cannot run: ${reason}`);
  }
  process.stdout.write(`      (skipped: ${reason})\n`);
  ctx.skip();
}

/** For tests of the Linux engine (/proc, unshare, setpriv): elsewhere they are another platform's. */
export function linuxOnly(ctx: SkipContext): void {
  skipUnless(ctx, process.platform === 'linux', `Linux only (this is ${process.platform})`, 'other-platform');
}
