// Pure parsers for per-process files under /proc and for /etc/passwd. Never throw.

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Field 22: start time in clock ticks since boot. */
  startTicks: number;
}

/** /proc/<pid>/stat. comm is in parentheses and may itself contain spaces and ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) { return undefined; }
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(startTicks) || rest.length < 20) { return undefined; }
  return { pid, comm: text.slice(open + 1, close), state: rest[0], ppid, startTicks };
}

/** Real uid from /proc/<pid>/status. */
export function parseStatusUid(text: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** /proc/<pid>/cmdline: NUL-separated argv (kernel threads have none). */
export function parseCmdline(text: string): string {
  return text.replace(/\0+$/, '').split('\0').join(' ');
}

/**
 * The name to show for a process. /proc/<pid>/comm is the main thread's name, and runtimes that name
 * their main thread replace it: every Node >= 24 process reads "MainThread". Then the executable's
 * name from argv[0] is what the user knows ("node").
 */
export function displayName(comm: string, cmdlineText: string): string {
  if (comm !== 'MainThread') { return comm; }
  const argv0 = cmdlineText.split('\0')[0] ?? '';
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  return base && !/\s/.test(base) ? base : comm;
}

/** 'socket:[12345]' → 12345. */
export function parseSocketLink(link: string): number | undefined {
  if (!link.startsWith('socket:[') || !link.endsWith(']')) { return undefined; }
  const n = Number(link.slice(8, -1));
  return Number.isInteger(n) ? n : undefined;
}

export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) { continue; }
    const uid = Number(f[2]);
    if (f[0] && f[2] !== '' && Number.isInteger(uid) && !users.has(uid)) { users.set(uid, f[0]); }
  }
  return users;
}

/** 'btime' line of /proc/stat: boot time in seconds since the epoch. */
export function parseBootTime(text: string): number | undefined {
  const m = /^btime\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : undefined;
}
