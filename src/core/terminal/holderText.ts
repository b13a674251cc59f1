// One-sentence descriptions of who holds a port, for notifications and dialogs. Pure: the clock
// and the workspace folders are arguments, so the text is the same in a test and in the editor.
// Names, users, directories and command lines belong to whoever started the process (task and
// configuration names to whoever wrote the repository): a newline or a bidi override in them could
// add a line that reads as ours or reorder the text, so sentences show them with visible escapes.
import type { ProcessInfo } from '../model';
import { visible } from '../visibleText';

export interface Folder { name: string; path: string }

// Processes that hold a port on behalf of a container: killing one breaks the published port and
// leaves the container running, so the way to free the port is to stop the container.
const PORT_PROXIES = new Set(['docker-proxy', 'rootlessport', 'rootlesskit', 'slirp4netns', 'pasta', 'pasta.avx2', 'vpnkit', 'com.docker.backend', 'gvproxy']);

/** Does this process stand for someone else's port (a container engine's proxy)? */
export function isPortProxy(p: Pick<ProcessInfo, 'name'>): boolean {
  return PORT_PROXIES.has(p.name);
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`: how long a process has been running. */
export function runningFor(startTime: number, now: number): string | undefined {
  if (!(startTime > 0) || now < startTime) { return undefined; }
  const s = Math.floor((now - startTime) / 1000);
  if (s < 60) { return `${s} s`; }
  const min = Math.floor(s / 60);
  if (min < 60) { return `${min} min`; }
  const h = Math.floor(min / 60);
  if (h < 24) { return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`; }
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** `project "api"` when the working directory is in a workspace folder, else the directory itself. */
export function placeOf(cwd: string, folders: readonly Folder[]): string | undefined {
  if (!cwd) { return undefined; }
  const inside = folders
    .filter(f => cwd === f.path || cwd.startsWith(f.path.endsWith('/') ? f.path : `${f.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return inside ? `project "${inside.name}"` : `in ${cwd}`;
}

/** `node (pid 4242, user alice, project "api", running for 12 min)`. */
export function describeHolder(p: ProcessInfo, now: number, folders: readonly Folder[] = [], extra: readonly string[] = []): string {
  const details = [`pid ${p.pid}`, p.user ? `user ${p.user}` : '', placeOf(p.cwd, folders) ?? '', ...extra];
  const age = runningFor(p.startTime, now);
  if (age) { details.push(`running for ${age}`); }
  return visible(`${p.name || 'a process'} (${details.filter(Boolean).join(', ')})`);
}

/** The whole sentence: `Port 3000 is taken by node (…).`, naming at most one holder and counting the rest. */
export function takenSentence(port: number, holders: readonly ProcessInfo[], now: number, folders: readonly Folder[] = [], hiddenUsers: readonly string[] = [], extra: (p: ProcessInfo) => string[] = () => []): string {
  if (holders.length === 0) {
    return hiddenUsers.length > 0
      ? `Port ${port} is taken by a process of ${visible(hiddenUsers.join(', '))} that this window cannot see.`
      : `Port ${port} was taken, and is free now.`;
  }
  const first = describeHolder(holders[0], now, folders, extra(holders[0]));
  const more = holders.length - 1;
  const proxy = holders.some(isPortProxy) ? ', which forwards it to a container (stop the container to free it)' : '';
  return `Port ${port} is taken by ${first}${more > 0 ? ` and ${more} more process${more > 1 ? 'es' : ''}` : ''}${proxy}.`;
}

/**
 * The launch dialog's sentence: `Port 5995, which "Launch Server" will serve, is taken by node (pid 4242): node server.js.`
 * `morePorts` counts the configuration's other taken ports.
 */
export function launchSentence(configName: string, port: number, owners: readonly Pick<ProcessInfo, 'pid' | 'name' | 'commandLine'>[], morePorts = 0): string {
  const o = owners[0];
  const more = owners.length > 1 ? ` and ${owners.length - 1} more` : '';
  const proxy = owners.some(isPortProxy) ? ', a container engine\'s proxy' : '';
  const also = morePorts > 0 ? ` (and ${morePorts} more port${morePorts > 1 ? 's' : ''})` : '';
  return visible(`Port ${port}, which "${configName}" will serve, is taken by ${o.name || 'a process'} (pid ${o.pid}${more}${proxy}): ${o.commandLine || '(command line not readable)'}${also}.`);
}
