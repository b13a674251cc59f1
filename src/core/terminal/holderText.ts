// One-sentence descriptions of who holds a port, for notifications and dialogs. Pure: the clock
// and the workspace folders are arguments, so the text is the same in a test and in the editor.
// Names, users, directories and command lines belong to whoever started the process (task and
// configuration names to whoever wrote the repository): a newline or a bidi override in them could
// add a line that reads as ours or reorder the text, so sentences show them with visible escapes.
import { english, type L10n } from '../l10n';
import type { ProcessInfo } from '../model';
import { visible } from '../visibleText';
import { standsForContainer } from '../owners/holderRole';

export interface Folder { name: string; path: string }

// Processes that hold a port on behalf of a container: killing one breaks the published port and
// leaves the container running, so the way to free the port is to stop the container. The
// engine's own rule (standsForContainer: docker-proxy, dockerd's placeholder, Podman's helpers)
// decides, so that no notice offers a Kill the kill then refuses; Docker Desktop's and Podman
// machine's forwarders on macOS and Windows (vpnkit, com.docker.backend, gvproxy) are added here.
const DESKTOP_FORWARDERS = new Set(['vpnkit', 'com.docker.backend', 'gvproxy']);

/** Does this process stand for someone else's port (a container engine's proxy)? */
export function isPortProxy(p: Pick<ProcessInfo, 'name' | 'commandLine'>): boolean {
  return DESKTOP_FORWARDERS.has(p.name) || standsForContainer(p.name, p.commandLine);
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`: how long a process has been running. */
export function runningFor(startTime: number, now: number, l10n: L10n = english): string | undefined {
  if (!(startTime > 0) || now < startTime) { return undefined; }
  const s = Math.floor((now - startTime) / 1000);
  if (s < 60) { return l10n.t('{0} s', s); }
  const min = Math.floor(s / 60);
  if (min < 60) { return l10n.t('{0} min', min); }
  const h = Math.floor(min / 60);
  if (h < 24) { return min % 60 === 0 ? l10n.t('{0} h', h) : l10n.t('{0} h {1} min', h, min % 60); }
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? l10n.t('{0} d', d) : l10n.t('{0} d {1} h', d, h % 24);
}

/** `project "api"` when the working directory is in a workspace folder, else the directory itself. */
export function placeOf(cwd: string, folders: readonly Folder[], l10n: L10n = english): string | undefined {
  if (!cwd) { return undefined; }
  const inside = folders
    .filter(f => cwd === f.path || cwd.startsWith(f.path.endsWith('/') ? f.path : `${f.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return inside ? l10n.t('project "{0}"', inside.name) : l10n.t('in {0}', cwd);
}

/** `node (pid 4242, user alice, project "api", running for 12 min)`. */
export function describeHolder(p: ProcessInfo, now: number, folders: readonly Folder[] = [], extra: readonly string[] = [], l10n: L10n = english): string {
  const details = [l10n.t('pid {0}', p.pid), p.user ? l10n.t('user {0}', p.user) : '', placeOf(p.cwd, folders, l10n) ?? '', ...extra];
  const age = runningFor(p.startTime, now, l10n);
  if (age) { details.push(l10n.t('running for {0}', age)); }
  return visible(l10n.t('{0} ({1})', p.name || l10n.t('a process'), details.filter(Boolean).join(l10n.t(', '))));
}

/** The whole sentence: `Port 3000 is taken by node (…).`, naming at most one holder and counting the rest. */
export function takenSentence(port: number, holders: readonly ProcessInfo[], now: number, folders: readonly Folder[] = [], hiddenUsers: readonly string[] = [], extra: (p: ProcessInfo) => string[] = () => [], l10n: L10n = english): string {
  if (holders.length === 0) {
    return hiddenUsers.length > 0
      ? l10n.t('Port {0} is taken by a process of {1} that this window cannot see.', port, visible(hiddenUsers.join(', ')))
      : l10n.t('Port {0} was taken, and is free now.', port);
  }
  const first = describeHolder(holders[0], now, folders, extra(holders[0]), l10n);
  const more = holders.length - 1;
  if (holders.some(isPortProxy)) {
    return more === 0 ? l10n.t('Port {0} is taken by {1}, which forwards it to a container (stop the container to free it).', port, first)
      : more === 1 ? l10n.t('Port {0} is taken by {1} and 1 more process, which forwards it to a container (stop the container to free it).', port, first)
      : l10n.t('Port {0} is taken by {1} and {2} more processes, which forwards it to a container (stop the container to free it).', port, first, more);
  }
  return more === 0 ? l10n.t('Port {0} is taken by {1}.', port, first)
    : more === 1 ? l10n.t('Port {0} is taken by {1} and 1 more process.', port, first)
    : l10n.t('Port {0} is taken by {1} and {2} more processes.', port, first, more);
}

/**
 * The launch dialog's sentence: `Port 5995, which "Launch Server" will serve, is taken by node (pid 4242): node server.js.`
 * `morePorts` counts the configuration's other taken ports.
 */
export function launchSentence(configName: string, port: number, owners: readonly Pick<ProcessInfo, 'pid' | 'name' | 'commandLine'>[], morePorts = 0, l10n: L10n = english): string {
  const o = owners[0];
  const name = o.name || l10n.t('a process');
  const more = owners.length - 1;
  const owner = owners.some(isPortProxy)
    ? (more > 0 ? l10n.t("{0} (pid {1} and {2} more, a container engine's proxy)", name, o.pid, more) : l10n.t("{0} (pid {1}, a container engine's proxy)", name, o.pid))
    : (more > 0 ? l10n.t('{0} (pid {1} and {2} more)', name, o.pid, more) : l10n.t('{0} (pid {1})', name, o.pid));
  const command = o.commandLine || l10n.t('(command line not readable)');
  return visible(morePorts === 0 ? l10n.t('Port {0}, which "{1}" will serve, is taken by {2}: {3}.', port, configName, owner, command)
    : morePorts === 1 ? l10n.t('Port {0}, which "{1}" will serve, is taken by {2}: {3} (and 1 more port).', port, configName, owner, command)
    : l10n.t('Port {0}, which "{1}" will serve, is taken by {2}: {3} (and {4} more ports).', port, configName, owner, command, morePorts));
}
