// The four /proc/net socket tables and how to read one. Shared by the row reader, the port probe
// and the one-shot path, so all treat a missing table the same way.
import type { Family, Protocol } from '../model';
import { errorCode, readProcBytes } from './procFiles';

export interface ProcNetTable { protocol: Protocol; family: Family; file: string }

export const PROC_NET_TABLES: readonly ProcNetTable[] = [
  { protocol: 'tcp', family: 4, file: 'net/tcp' },
  { protocol: 'tcp', family: 6, file: 'net/tcp6' },
  { protocol: 'udp', family: 4, file: 'net/udp' },
  { protocol: 'udp', family: 6, file: 'net/udp6' },
];

/**
 * The table's text, or undefined for an IPv6 table that does not exist (kernel booted with
 * ipv6.disable=1). Anything else unreadable is one clear error.
 */
export function readProcNetTable(procRoot: string, table: ProcNetTable): string | undefined {
  return readProcNetBytes(procRoot, table)?.toString('latin1');
}

/** The same as bytes, valid until the next read of any /proc file (procFiles.readProcBytes). */
export function readProcNetBytes(procRoot: string, table: ProcNetTable): Buffer | undefined {
  try {
    return readProcBytes(`${procRoot}/${table.file}`);
  } catch (e) {
    if (errorCode(e) === 'ENOENT' && table.family === 6) { return undefined; }
    throw new Error(`cannot read ${procRoot}/${table.file}: ${errorCode(e) ?? String(e)}`);
  }
}
