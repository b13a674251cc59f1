// Process details from /proc/<pid>: name, command line, cwd, user and start time. Shared by the
// fd-owner index (details of every socket owner it finds) and the collector's processInfo(), so
// that a start time means the same thing to the listing and to the kill path's PID-reuse check.
import * as fs from 'node:fs';
import type { ProcessInfo } from '../model';
import { displayName, parseBootTime, parseCmdline, parsePasswd, parseProcStat, parseStatusUid, type ProcStat } from './procPidParser';
import { tryRead, tryReadlink } from './procFiles';

/** USER_HZ: the unit of /proc/<pid>/stat's start time; 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS = 100;

export class ProcProcesses {
  private users: { mtimeMs: number; map: Map<number, string> } | undefined;
  private bootTimeMs: number | undefined;

  constructor(readonly procRoot: string, private readonly passwdPath: string) {}

  /** /proc/<pid>/stat parsed; undefined when the process is gone. */
  stat(pid: number): ProcStat | undefined {
    const text = tryRead(`${this.procRoot}/${pid}/stat`);
    return text === undefined ? undefined : parseProcStat(text);
  }

  /** Fresh (uncached) process details; undefined for a vanished pid or a zombie (its fds are gone). */
  read(pid: number, known?: ProcStat): ProcessInfo | undefined {
    const base = `${this.procRoot}/${pid}`;
    const stat = known ?? this.stat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') { return undefined; }
    const uid = parseStatusUid(tryRead(`${base}/status`) ?? '');
    const cmdText = tryRead(`${base}/cmdline`) ?? '';
    const cmdline = parseCmdline(cmdText);
    return {
      pid,
      ppid: stat.ppid,
      name: displayName(stat.comm, cmdText),
      commandLine: cmdline || `[${stat.comm}]`,
      cwd: tryReadlink(`${base}/cwd`) ?? '',
      user: uid === undefined ? '' : this.userName(uid),
      startTime: this.ticksToMs(stat.startTicks),
    };
  }

  /** Boot time in ms since the epoch: start times are relative to it, and an owner cache belongs to one boot. */
  bootTime(): number {
    if (this.bootTimeMs === undefined) {
      this.bootTimeMs = (parseBootTime(tryRead(`${this.procRoot}/stat`) ?? '') ?? 0) * 1000;
    }
    return this.bootTimeMs;
  }

  private ticksToMs(ticks: number): number {
    return this.bootTime() + Math.round((ticks * 1000) / CLOCK_TICKS);
  }

  /** Re-reads /etc/passwd when it changed; called once per collection, not per socket. */
  refreshUsers(): void {
    let mtimeMs = 0;
    try { mtimeMs = fs.statSync(this.passwdPath).mtimeMs; } catch { /* no passwd: numeric names */ }
    if (!this.users || this.users.mtimeMs !== mtimeMs) {
      this.users = { mtimeMs, map: parsePasswd(tryRead(this.passwdPath) ?? '') };
    }
  }

  userName(uid: number): string {
    if (uid < 0) { return ''; }
    if (!this.users) { this.refreshUsers(); }
    return this.users?.map.get(uid) ?? String(uid);
  }
}
