// Processes that hold a socket on someone else's behalf: Docker's docker-proxy (one per published
// port, its command line names both ends), dockerd itself (with --userland-proxy=false it keeps a
// placeholder listener while iptables forwards the traffic), rootlesskit for rootless Docker, and
// Podman's conmon, rootlessport, pasta and slirp4netns. Killing one of them breaks the published port
// and leaves the container running, so they are never signalled. Pure: name and command line in.
import type { ContainerEngine, Protocol } from '../model';

export type HolderRole =
  | { kind: 'docker-proxy'; engine: 'docker'; protocol: Protocol; hostIp: string; hostPort: number; containerIp: string; containerPort: number }
  | { kind: 'engine'; engine: ContainerEngine; name: string; /** unix socket paths named by -H/--host */ hosts: string[] }
  | { kind: 'proxy'; engine: ContainerEngine; name: string; /** the container id when the command line names it (conmon -c) */ id: string };

const PODMAN_HELPERS = new Set(['conmon', 'rootlessport', 'rootlessport-child', 'pasta', 'slirp4netns']);

function argv0Base(commandLine: string): string {
  const first = commandLine.split(' ')[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
}

function flagValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) { return args[i + 1]; }
      if (args[i].startsWith(`${n}=`)) { return args[i].slice(n.length + 1); }
    }
  }
  return undefined;
}

/** Every value of a repeatable flag (`-H a -H b`, `--host=c`). */
function flagValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n && i + 1 < args.length) { out.push(args[i + 1]); }
      else if (args[i].startsWith(`${n}=`)) { out.push(args[i].slice(n.length + 1)); }
    }
  }
  return out;
}

/** unix:///path or unix://path → /path; other schemes (tcp, fd) are not sockets this reads. */
export function unixSocketPath(host: string): string | undefined {
  const m = /^unix:\/\/(\/.+)$/.exec(host);
  return m ? m[1] : undefined;
}

export function holderRole(name: string, commandLine: string): HolderRole | undefined {
  const base = argv0Base(commandLine);
  const is = (n: string) => name === n || base === n;
  const args = commandLine.split(' ');
  if (is('docker-proxy')) {
    const hostPort = Number(flagValue(args, ['-host-port']));
    const containerPort = Number(flagValue(args, ['-container-port']));
    const proto = flagValue(args, ['-proto']) === 'udp' ? 'udp' : 'tcp';
    return {
      kind: 'docker-proxy', engine: 'docker', protocol: proto,
      hostIp: flagValue(args, ['-host-ip']) ?? '', hostPort: Number.isInteger(hostPort) ? hostPort : 0,
      containerIp: flagValue(args, ['-container-ip']) ?? '', containerPort: Number.isInteger(containerPort) ? containerPort : 0,
    };
  }
  if (is('dockerd')) {
    const hosts = flagValues(args, ['-H', '--host']).map(unixSocketPath).filter((p): p is string => p !== undefined);
    return { kind: 'engine', engine: 'docker', name: 'dockerd', hosts };
  }
  if (is('rootlesskit')) { return { kind: 'proxy', engine: 'docker', name: 'rootlesskit', id: '' }; }
  const helper = PODMAN_HELPERS.has(name) ? name : PODMAN_HELPERS.has(base) ? base : /^pasta(\.\w+)?$/.test(base) ? 'pasta' : undefined;
  if (helper) {
    const id = helper === 'conmon' ? flagValue(args, ['-c', '--cid']) ?? '' : '';
    return { kind: 'proxy', engine: 'podman', name: helper, id: /^[0-9a-f]{64}$/.test(id) ? id : '' };
  }
  return undefined;
}

/** A process never to signal to free a port: it stands for a container (stop that instead). */
export function standsForContainer(name: string, commandLine: string): boolean {
  return holderRole(name, commandLine) !== undefined;
}
