// Questions the front ends ask of a snapshot. Ports are compared as numbers, never as text,
// so 80 never matches 8080.
import type { Protocol, SocketEntry } from './model';
import { isListening } from './model';

/** Sockets whose LOCAL port is exactly `port` (listeners and the server side of connections). */
export function socketsOnPort(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): SocketEntry[] {
  return sockets.filter(s => s.localPort === port && (!protocol || s.protocol === protocol) && !(s.state === 'TIME_WAIT' && s.processes.length === 0));
}

/** Whether anything holds the port: a listener / bound socket, or any socket with that local port and an owner. */
export function portIsHeld(sockets: readonly SocketEntry[], port: number, protocol?: Protocol): boolean {
  return socketsOnPort(sockets, port, protocol).some(s => isListening(s) || s.processes.length > 0 || s.state !== 'TIME_WAIT');
}

/** Distinct owner pids of the given sockets. */
export function ownerPids(sockets: readonly SocketEntry[]): number[] {
  return [...new Set(sockets.flatMap(s => s.processes.map(p => p.pid)))].sort((a, b) => a - b);
}

export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '*';
}

export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}
