// The /proc/net socket tables as rows, with a cache that makes a repeated read cheap: a row whose
// text is unchanged since the last read maps to the same row object (and the collector keeps the
// entry it built for it there), so a refresh that finds the same sockets parses and allocates
// almost nothing. A table whose bytes are the same as last time is not even decoded: its rows are
// last time's, and the refresh allocates no text at all (a table of 10,000 sockets is a 1.5 MB
// string, which only a full garbage collection would free).
import type { CollectOptions, CollectStats, Protocol, SocketEntry, SocketRecord } from '../model';
import { forEachRow, parseRowAt } from './procNetParser';
import { PROC_NET_TABLES, readProcNetBytes, type ProcNetTable } from './procNetTables';

/** One socket row; `entry` is what the collector last built from it (with the owners of that time). */
export interface CachedRow {
  record: SocketRecord;
  entry?: SocketEntry;
}

/** The tables a collection with these options reads. */
export function tablesFor(options: { protocols?: readonly Protocol[] }): ProcNetTable[] {
  const protocols = options.protocols ?? ['tcp', 'udp'];
  return PROC_NET_TABLES.filter(t => protocols.includes(t.protocol));
}

/** Last read of one table: where each row's text was, and its row (null: malformed). */
interface TableRows {
  text: string;
  starts: number[];
  ends: number[];
  rows: (CachedRow | null)[];
  /** Row text → place, once a refresh has needed it; undefined until then. */
  places: Map<string, number> | undefined;
  /** The table's bytes (the first `length` of them), to tell an identical read without decoding it. */
  bytes: Buffer;
  length: number;
  /** Malformed rows and lines, counted again on every read that reuses the table. */
  malformed: number;
}

/** Where a row is looked for in last time's table, relative to where it would be. */
const NEAR = [0, 1, -1];

function parsedRow(record: SocketRecord | undefined | null): CachedRow | null {
  return record ? { record } : null;
}

export class ProcNetRows {
  private tables = new Map<string, TableRows>();

  constructor(private readonly procRoot: string) {}

  /** The rows of every table the options ask for, in table order. */
  read(options: CollectOptions, stats: CollectStats): CachedRow[] {
    const out: CachedRow[] = [];
    for (const t of tablesFor(options)) {
      const bytes = readProcNetBytes(this.procRoot, t);
      if (bytes === undefined) { continue; }
      const prev = this.tables.get(t.file);
      if (prev && prev.length === bytes.length && bytes.compare(prev.bytes, 0, prev.length) === 0) {
        this.reuseTable(t, prev, options, stats, out);
      } else {
        this.parseTable(t, bytes, options, stats, out);
      }
    }
    return out;
  }

  /** The same bytes as last time: last time's rows. */
  private reuseTable(t: ProcNetTable, table: TableRows, options: CollectOptions, stats: CollectStats, out: CachedRow[]): void {
    const listeningState = t.protocol === 'tcp' ? 'LISTEN' : 'UNCONN';
    for (const row of table.rows) {
      if (row && (!options.listeningOnly || row.record.state === listeningState)) { out.push(row); }
    }
    stats.malformedLines += table.malformed;
  }

  /**
   * Rows of one table, reusing last time's CachedRow for every row whose text is unchanged. Most
   * rows are where they were (the kernel prints its hash table in order), so each row is compared
   * with last time's row at the same place, or one before or after it (a socket came or went).
   * Only a row not found there is looked up by its text, in a map of last time's rows built once
   * for the refresh that first needs it: a refresh with the same sockets hashes no row text, which
   * had been most of its own work; one where counters moved pays what every refresh used to.
   */
  private parseTable(t: ProcNetTable, bytes: Buffer, options: CollectOptions, stats: CollectStats, out: CachedRow[]): void {
    const text = bytes.toString('latin1');
    const prev = this.tables.get(t.file);
    // The copy of the bytes goes into last time's buffer when it is large enough: no new one per change.
    const store = prev && prev.bytes.length >= bytes.length ? prev.bytes : Buffer.allocUnsafe(Math.ceil(bytes.length * 1.25));
    const next: TableRows = { text, starts: [], ends: [], rows: [], places: undefined, bytes: store, length: bytes.length, malformed: 0 };
    const listeningState = t.protocol === 'tcp' ? 'LISTEN' : 'UNCONN';
    let shift = 0;
    const samePlace = (k: number, from: number, to: number) => {
      if (!prev || k < 0 || k >= prev.rows.length) { return false; }
      const ps = prev.starts[k], pe = prev.ends[k];
      return pe - ps === to - from && text.slice(from, to) === prev.text.slice(ps, pe);
    };
    const withoutPrefix = forEachRow(text, (from, to) => {
      const here = next.rows.length;
      let k = -1;
      for (const d of NEAR) {
        if (samePlace(here + shift + d, from, to)) { k = here + shift + d; break; }
      }
      if (k < 0 && prev) { k = placesOf(prev).get(text.slice(from, to)) ?? -1; }
      let row: CachedRow | null;
      if (k >= 0) {
        shift = k - here;
        row = prev!.rows[k];
      } else {
        row = parsedRow(parseRowAt(text, from, to, t.protocol, t.family));
      }
      // Malformed rows keep their place too, so that a table with one does not lose its position.
      next.starts.push(from);
      next.ends.push(to);
      next.rows.push(row);
      if (!row) { next.malformed++; return; }
      if (!options.listeningOnly || row.record.state === listeningState) { out.push(row); }
    });
    next.malformed += withoutPrefix;
    stats.malformedLines += next.malformed;
    // after the rows: `prev.text` is a string of its own, so reusing prev's buffer here is safe
    bytes.copy(store, 0, 0, bytes.length);
    this.tables.set(t.file, next);
  }
}

/** Row text → its place in that read; built only when a row is not found near its place. */
function placesOf(table: TableRows): Map<string, number> {
  if (!table.places) {
    table.places = new Map();
    for (let i = 0; i < table.rows.length; i++) { table.places.set(table.text.slice(table.starts[i], table.ends[i]), i); }
  }
  return table.places;
}
