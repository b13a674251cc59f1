// Questions the front ends ask of a snapshot. Ports are compared as numbers, never as text,
// so 80 never matches 8080.
import type { Protocol, SocketEntry } from './model';
import { isListening } from './model';

/** Sockets whose LOCAL port is exactly `port` (listeners and the server side of connections). */
export function socketsOnPort(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): SocketEntry[] {
  return sockets.filter(s => s.localPort === port && (!protocol || s.protocol === protocol) && !(s.state === 'TIME_WAIT' && s.processes.length === 0));
}

/**
 * The sockets that make a process "the one holding port N": TCP LISTEN and bound, unconnected UDP.
 * A client whose outbound connection happens to leave from the ephemeral port N is not one of them,
 * so killing by port never reaches it.
 */
export function listenersOnPort(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): SocketEntry[] {
  return sockets.filter(s => s.localPort === port && isListening(s) && (!protocol || s.protocol === protocol));
}
