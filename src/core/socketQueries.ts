// Questions the front ends ask of a snapshot. Ports are compared as numbers, never as text,
// so 80 never matches 8080.
import type { Protocol, SocketEntry } from './model';

/** Sockets whose LOCAL port is exactly `port` (listeners and the server side of connections). */
export function socketsOnPort(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): SocketEntry[] {
  return sockets.filter(s => s.localPort === port && (!protocol || s.protocol === protocol) && !(s.state === 'TIME_WAIT' && s.processes.length === 0));
}
