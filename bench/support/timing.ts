// Timing helpers shared by the benchmarks.
import { spawn } from 'node:child_process';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall time of a whole process, output discarded. Its exit code is ignored (lsof exits 1 when a process vanishes mid-scan). */
export function timeCommand(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    c.once('error', reject);
    c.once('exit', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
  });
}
