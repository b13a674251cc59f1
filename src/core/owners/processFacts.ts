// What the owner lookup needs to know about one process, read once per process (pid and start time):
// whether it stands for a container (holderRole.ts), where its cgroup places it (cgroupParser.ts),
// and whether its parent is a supervisor that restarts what it started (pm2, supervisord, nodemon).
import { tryRead } from '../collect/procFiles';
import { displayName, parseCmdline } from '../collect/procPidParser';
import type { ServiceOwner, SocketOwner } from '../model';
import { parseCgroup, type CgroupPlacement } from './cgroupParser';
import { holderRole, type HolderRole } from './holderRole';

export interface ProcessFacts {
  role: HolderRole | undefined;
  /** For docker-proxy: the API sockets its parent dockerd was started with (-H unix://…), asked first. */
  daemonHosts: string[];
  placement: CgroupPlacement;
  /** The systemd unit it runs in, else a supervisor that is its parent. */
  service: ServiceOwner | null;
  /** The enricher's pass that last saw this process (for pruning). */
  seen: number;
}

/** A parent's name as the collector shows names (displayName), and its raw cmdline when it was read. */
function parentName(procRoot: string, ppid: number, cmdlineWanted: (name: string) => boolean): { name: string; cmdline: string } {
  const comm = (tryRead(`${procRoot}/${ppid}/comm`) ?? '').trim();
  // Node >= 24 names its main thread "MainThread": the name then comes from argv[0]
  const raw = comm === 'MainThread' || (comm !== '' && cmdlineWanted(comm)) ? tryRead(`${procRoot}/${ppid}/cmdline`) ?? '' : '';
  const name = displayName(comm, raw);
  return { name, cmdline: cmdlineWanted(name) ? parseCmdline(raw) : '' };
}

const SUPERVISOR_COMMS = /^(node|nodejs|bun|python[\d.]*|supervisord|nodemon|pm2|PM2\b.*)$/;

const NOWHERE: CgroupPlacement = { container: null, unit: null };

/** A supervisor by its name and command line (interpreters run them: `node …/nodemon`, `python3 …/supervisord`). */
export function supervisorOf(name: string, commandLine: string, pid: number): ServiceOwner | null {
  const args = commandLine.split(' ').slice(0, 3).map(a => a.slice(a.lastIndexOf('/') + 1));
  const has = (n: string) => name === n || args.includes(n) || args.includes(`${n}.js`);
  if (/^PM2\b/.test(name) || /^PM2 v[\d.]+: God Daemon/.test(commandLine) || has('pm2')) {
    return { manager: 'pm2', unit: 'pm2', user: false, pid, stopCommand: 'pm2 list' };
  }
  if (has('supervisord')) { return { manager: 'supervisord', unit: 'supervisord', user: false, pid, stopCommand: 'supervisorctl status' }; }
  if (has('nodemon')) { return { manager: 'nodemon', unit: 'nodemon', user: false, pid, stopCommand: `kill ${pid}` }; }
  return null;
}

export function readProcessFacts(procRoot: string, owner: Pick<SocketOwner, 'pid' | 'ppid' | 'name' | 'commandLine'>, pass: number): ProcessFacts {
  const role = holderRole(owner.name, owner.commandLine);
  let daemonHosts: string[] = role?.kind === 'engine' ? role.hosts : [];
  if (role?.kind === 'docker-proxy' && owner.ppid > 1) {
    // docker-proxy is dockerd's child: the daemon that started it is the one that knows its container
    const p = parentName(procRoot, owner.ppid, () => true);
    const parent = holderRole(p.name, p.cmdline);
    if (parent?.kind === 'engine') { daemonHosts = parent.hosts; }
  }
  const text = tryRead(`${procRoot}/${owner.pid}/cgroup`);
  const placement = text === undefined ? NOWHERE : parseCgroup(text);
  let supervisor: ServiceOwner | null = null;
  if (!role && !placement.container && owner.ppid > 1) {
    // the command line only for a parent that could be one (an interpreter running it, or its own name)
    const p = parentName(procRoot, owner.ppid, name => SUPERVISOR_COMMS.test(name));
    supervisor = p.name ? supervisorOf(p.name, p.cmdline, owner.ppid) : null;
  }
  return { role, daemonHosts, placement, service: placement.unit ? systemdService(placement.unit) : supervisor, seen: pass };
}

export function systemdService(unit: NonNullable<CgroupPlacement['unit']>): ServiceOwner {
  // systemd escapes anything else in unit names (\x2d); a name outside that set is not suggested as a command
  const safe = /^[\w@.:\\-]+$/.test(unit.name);
  return {
    manager: 'systemd', unit: unit.name, user: unit.user, pid: 0,
    stopCommand: !safe ? '' : unit.user ? `systemctl --user stop ${unit.name}` : `systemctl stop ${unit.name}`,
  };
}
