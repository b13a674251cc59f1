// The one way the engine finds the system programs it runs (cat, lsof, ps, netstat, nmap, ss on Unix;
// taskkill, PowerShell, netstat, tasklist, cmd, reg on Windows). Never a lookup on PATH: a
// directory early on PATH (a project's node_modules/.bin, a user's ~/bin that a root run
// inherited through sudo -E or an npm script) must not decide what runs, since what these
// programs print decides which process is shown holding a port, and which one is killed.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type UnixTool = 'cat' | 'lsof' | 'ps' | 'netstat' | 'nmap' | 'ss';
export type WindowsTool = 'taskkill' | 'powershell' | 'netstat' | 'tasklist' | 'cmd' | 'reg';

/** Where each Unix tool is looked for, in order (Linux distributions, macOS, the BSDs). */
const UNIX_DIRS: Record<UnixTool, readonly string[]> = {
  cat: ['/usr/bin', '/bin'],
  lsof: ['/usr/sbin', '/usr/bin', '/sbin', '/bin'],
  ps: ['/bin', '/usr/bin'],
  netstat: ['/usr/sbin', '/usr/bin', '/sbin', '/bin'],
  nmap: ['/usr/bin', '/usr/local/bin', '/bin', '/usr/sbin', '/sbin', '/opt/local/bin'],
  // iproute2: /usr/bin on Debian and Ubuntu, /usr/sbin on Fedora and Arch.
  ss: ['/usr/bin', '/usr/sbin', '/bin', '/sbin'],
};

/** Under %SystemRoot%\System32. */
const WINDOWS_EXES: Record<WindowsTool, string> = {
  taskkill: 'taskkill.exe',
  powershell: 'WindowsPowerShell\\v1.0\\powershell.exe',
  netstat: 'netstat.exe',
  tasklist: 'tasklist.exe',
  cmd: 'cmd.exe',
  reg: 'reg.exe',
};

/**
 * An absolute path that only root can have put there: a regular executable file owned by root
 * and writable by nobody else, in a directory owned by root and writable by nobody else.
 */
export function trustedExecutable(file: string): boolean {
  if (!path.isAbsolute(file)) { return false; }
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.uid !== 0 || (st.mode & 0o022) !== 0 || (st.mode & 0o111) === 0) { return false; }
    const dir = fs.statSync(path.dirname(file));
    return dir.uid === 0 && (dir.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** The directories a Unix tool is looked for in, in order. */
export function unixToolDirs(name: UnixTool): readonly string[] {
  return UNIX_DIRS[name];
}

/** The Unix tool's absolute path, or undefined when no trusted copy is installed (in `dirs`, for tests). */
export function unixTool(name: UnixTool, dirs: readonly string[] = UNIX_DIRS[name]): string | undefined {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (trustedExecutable(candidate)) { return candidate; }
  }
  return undefined;
}

/**
 * The Windows tool's absolute path under %SystemRoot%\System32 (C:\Windows when the variable is
 * unset). Its ownership cannot be read through Node's stat there; System32 is the trusted place.
 */
export function windowsTool(name: WindowsTool, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SystemRoot ?? env.windir ?? 'C:\\Windows';
  return path.win32.join(root, 'System32', WINDOWS_EXES[name]);
}


/** One sentence for a tool that is not installed where it is trusted. */
export function missingToolMessage(name: UnixTool): string {
  return `${name} is not installed (looked for a root-owned ${name} in ${UNIX_DIRS[name].join(', ')})`;
}
