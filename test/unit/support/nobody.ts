// Running things as the unprivileged user `nobody` (tests of what a non-root user sees).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { stopChild, TCP_LISTENER, type Holder } from './children';
import { repoRoot } from './paths';

export const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** A directory nobody can read, holding a fresh bundle of the CLI (the checkout may sit under /root). */
export async function cliForNobody(prefix: string): Promise<{ dir: string; cli: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  const esbuild = await import('esbuild');
  const cli = path.join(dir, 'cli.js');
  await esbuild.build({ entryPoints: [path.join(repoRoot, 'src/cli.ts')], bundle: true, platform: 'node', outfile: cli, logLevel: 'silent' });
  fs.chmodSync(cli, 0o755);
  return { dir, cli };
}

/** A TCP listener on 127.0.0.1 owned by nobody. */
export function listenerAsNobody(cwd: string): Promise<Holder<{ port: number; pid: number }>> {
  return new Promise((resolve, reject) => {
    const c = spawn('setpriv', [...AS_NOBODY, process.execPath, '-e', TCP_LISTENER('127.0.0.1')], { stdio: ['ignore', 'pipe', 'inherit'], cwd });
    const exited = new Promise<NodeJS.Signals | number | null>(r => c.once('exit', (code, sig) => r(sig ?? code)));
    c.stdout.once('data', d => resolve({ child: c, pid: c.pid!, info: JSON.parse(String(d)) as { port: number; pid: number }, exited, stop: () => stopChild(c) }));
    c.once('error', reject);
  });
}
