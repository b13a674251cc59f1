// The data every collector produces and every front end (CLI, extension) consumes.
// Collectors differ per platform; this shape does not.

export type Protocol = 'tcp' | 'udp';
export type Family = 4 | 6;

/** TCP states use the kernel's names; UDP sockets are UNCONN (bound, unconnected) or ESTABLISHED (connected). */
export type SocketState =
  | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT' | 'CLOSE'
  | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'CLOSING' | 'NEW_SYN_RECV' | 'BOUND' | 'UNCONN' | 'UNKNOWN';

/** One row of the kernel's socket table, before owners are known. */
export interface SocketRecord {
  protocol: Protocol;
  family: Family;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
  /** Kernel socket inode (Linux); 0 where the platform has no such id. */
  inode: number;
  /** Owning uid from the socket table; -1 where the platform does not report it. */
  uid: number;
  /**
   * The interface the socket is bound to (SO_BINDTODEVICE, or the scope of a link-local address):
   * '' when bound to none, null when that could not be determined (no source on this platform).
   */
  boundDevice: string | null;
  /** IPv6 sockets: whether IPV6_V6ONLY is set (true: no IPv4). null for IPv4 sockets or when unknown. */
  ipv6Only: boolean | null;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  commandLine: string;
  /** Working directory; '' when it cannot be read (another user's process, vanished). */
  cwd: string;
  user: string;
  /** Start time in ms since the epoch. Together with pid it identifies a process across PID reuse. */
  startTime: number;
}

/** A process holding a socket through one file descriptor (one socket can have several). */
export interface SocketOwner extends ProcessInfo {
  /** File descriptor number in that process; -1 where the platform does not say. */
  fd: number;
}

export interface SocketEntry extends SocketRecord {
  /** User name of `uid` ('' when unknown). */
  user: string;
  /** False when the socket's owner cannot be seen (another user's process without privileges). */
  ownerVisible: boolean;
  processes: SocketOwner[];
  /**
   * The container behind the socket: the engine's proxy or placeholder holds it for a published
   * port, or a process inside the container holds it (host networking). null: none; absent: not
   * looked up (see src/core/owners).
   */
  container?: ContainerOwner | null;
  /** What restarts the owner when it is killed: a systemd unit, or a supervisor that is its parent. */
  service?: ServiceOwner | null;
}

export type ContainerEngine = 'docker' | 'podman';

export interface ContainerOwner {
  engine: ContainerEngine;
  /** Full container id; '' when the holder does not name it and the engine could not be asked. */
  id: string;
  /** Without the leading slash; '' when the engine could not be asked. */
  name: string;
  image: string;
  /** From the com.docker.compose.project / .service labels. */
  compose: { project: string; service: string } | null;
  /** `proxy`: a forwarding process (docker-proxy, rootlessport, …); `engine`: dockerd's placeholder; `inside`: a process in the container. */
  via: 'proxy' | 'engine' | 'inside';
  /** The holder's process name (docker-proxy, dockerd, conmon, …) or the container's own process. */
  holder: string;
  /** The engine's API socket it was found through ('' when none answered). */
  endpoint: string;
  /** Why the engine could not be asked; then name and image are ''. */
  error?: string;
}

export interface ServiceOwner {
  manager: 'systemd' | 'pm2' | 'supervisord' | 'nodemon';
  /** The systemd unit (nginx.service), or the supervisor's process name. */
  unit: string;
  /** A systemd --user unit. */
  user: boolean;
  /** The supervisor's pid; 0 for systemd. */
  pid: number;
  /** What stops it for good, for the user to copy; '' when there is nothing to suggest. */
  stopCommand: string;
}

/** Things skipped while collecting; normal on a live system, reported rather than fatal. */
export interface CollectStats {
  malformedLines: number;
  vanishedProcesses: number;
  unreadableEntries: number;
  /** Processes whose fds were walked in this collection (0 on a fully warm refresh). */
  processesWalked: number;
  /** Whether this collection walked every process (cold start or periodic full walk). */
  fullWalk: boolean;
}

export interface Snapshot {
  takenAt: number;
  backend: string;
  sockets: SocketEntry[];
  stats: CollectStats;
}

export interface CollectOptions {
  /** Only LISTEN TCP sockets and bound UDP sockets. */
  listeningOnly?: boolean;
  protocols?: readonly Protocol[];
  /** Resolve owners (pid walk). Default true. */
  owners?: boolean;
  /** Force a walk of every process even when the cache could answer. */
  fullWalk?: boolean;
}

/** A port to probe: is something bound on it (LISTEN TCP, bound UDP), and by whom? */
export interface PortProbeSpec {
  port: number;
  protocol: Protocol;
}

/** A process holding a probed port, through one of its fds (-1 where the platform does not say). */
export type PortHolder = SocketOwner;

/** The answer for one probed port: what the dev-server status bar shows. */
export interface PortCheckResult {
  port: number;
  protocol: Protocol;
  /** Listening TCP / bound UDP sockets on this port (several: IPv4 + IPv6, or per address). */
  sockets: { family: Family; address: string; inode: number; uid: number }[];
  /** Every process holding one of those sockets, once per pid, by pid. */
  holders: PortHolder[];
  /** True when the port is taken but no holder could be seen (another user's process, kernel socket). */
  holderHidden: boolean;
}

/** One platform back end. Implementations keep whatever cache makes a repeated collect cheap. */
export interface Collector {
  readonly name: string;
  collect(options?: CollectOptions): Promise<Snapshot>;
  /**
   * The listening sockets on a few ports and their holders, as cheaply as the platform allows:
   * only the tables of the protocols asked for, owners looked up only for a port that is taken.
   * One result per distinct spec, in the order given. The status bar asks this every few seconds.
   */
  probePorts(specs: readonly PortProbeSpec[]): Promise<PortCheckResult[]>;
  /** Details of one process, or undefined when it does not exist (or cannot be seen). */
  processInfo(pid: number): Promise<ProcessInfo | undefined>;
}

export function emptyStats(): CollectStats {
  return { malformedLines: 0, vanishedProcesses: 0, unreadableEntries: 0, processesWalked: 0, fullWalk: false };
}

/** A socket that a server is bound on: LISTEN TCP or bound-but-unconnected UDP. */
export function isListening(s: SocketRecord): boolean {
  return s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN';
}
