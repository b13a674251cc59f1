// Runs an external command (lsof, ps, powershell, netstat, ...) with an argument array — never a
// shell string — a hard timeout, and errors a user can act on: "not installed", "did not finish",
// "failed (exit n): first line of stderr". Output is returned as bytes: the callers decide the
// encoding (Windows console tools write in the OEM code page, not UTF-8).
import { execFile } from 'node:child_process';

export interface RunOptions {
  /** Milliseconds before the command is killed (SIGKILL: a hung lsof ignores SIGTERM in D state). */
  timeoutMs?: number;
  /** Exit codes that are results rather than failures (lsof exits 1 when nothing matched). */
  okExitCodes?: readonly number[];
  env?: NodeJS.ProcessEnv;
  maxBuffer?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export class CommandError extends Error {
  constructor(message: string, readonly kind: 'missing' | 'timeout' | 'failed' | 'aborted', readonly exitCode?: number) {
    super(message);
    this.name = 'CommandError';
  }
}

const DEFAULT_TIMEOUT_MS = 15_000;

export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ok = options.okExitCodes ?? [0];
  // Messages name the program ("lsof", "netstat.exe"), not the absolute path it was run from.
  const name = file.split(/[\\/]/).pop() || file;
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const child = execFile(file, [...args], {
      encoding: 'buffer',
      maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
      env: options.env,
      windowsHide: true,
      signal: options.signal,
    }, (error, stdout, stderr) => {
      clearTimeout(timer);
      const out = toBuffer(stdout);
      const err = toBuffer(stderr);
      if (!error) { resolve({ stdout: out, stderr: err, exitCode: 0 }); return; }
      const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
      if (e.code === 'ENOENT') {
        reject(new CommandError(`${name} is not installed or not on PATH`, 'missing'));
      } else if (timedOut) {
        reject(new CommandError(`${name} did not finish within ${formatSeconds(timeoutMs)} and was stopped`, 'timeout'));
      } else if (e.name === 'AbortError') {
        reject(new CommandError(`${name} was cancelled`, 'aborted'));
      } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
        reject(new CommandError(`${name} produced more output than expected and was stopped`, 'failed'));
      } else if (typeof e.code === 'number') {
        if (ok.includes(e.code)) { resolve({ stdout: out, stderr: err, exitCode: e.code }); return; }
        const detail = firstLine(err.toString('utf8')) || firstLine(out.toString('utf8'));
        reject(new CommandError(`${name} failed (exit ${e.code})${detail ? `: ${detail}` : ''}`, 'failed', e.code));
      } else {
        reject(new CommandError(`${name} could not be run: ${e.message.split('\n')[0]}`, 'failed'));
      }
    });
    // Our own timer rather than execFile's `timeout`, so a timeout is told apart from other signals.
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdin?.end();
  });
}

function toBuffer(data: Buffer | string | undefined): Buffer {
  if (data === undefined) { return Buffer.alloc(0); }
  return typeof data === 'string' ? Buffer.from(data) : data;
}

function firstLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t) { return t.length > 200 ? `${t.slice(0, 200)}…` : t; }
  }
  return '';
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Environment for Unix tools whose output we parse: dates in the C locale (ps lstart), text in
 * UTF-8 so names with non-ASCII characters are printed rather than escaped or replaced by '?'.
 */
export function parseableEnv(base: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const ctype = base.LC_ALL || base.LC_CTYPE || base.LANG || '';
  delete env.LC_ALL;
  env.LC_TIME = 'C';
  env.LC_NUMERIC = 'C';
  if (!/utf-?8/i.test(ctype)) { env.LC_CTYPE = platform === 'darwin' ? 'UTF-8' : 'C.UTF-8'; }
  else { env.LC_CTYPE = ctype; }
  return env;
}
