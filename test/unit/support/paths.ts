// Where things are when a test runs: tests run from their transpiled copies under out/test/unit/…,
// at whatever depth their folder mirrors in src/, so paths are computed from this one file.
import * as path from 'node:path';

/** The repository's root (this file runs as out/test/unit/support/paths.js). */
export const repoRoot = path.resolve(__dirname, '../../../..');
/** The per-file test build (esbuild --tests): out/src/…, out/test/…. */
export const outRoot = path.join(repoRoot, 'out');
