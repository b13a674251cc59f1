// What the collector worker last sent to the Ports view: the socket entries its groups were built
// from (by reference), the options they were collected with and the hash of the groups. The
// collector reuses an entry object for a socket whose row and owners did not change, so an
// identical list of references means identical groups, and the worker can answer "unchanged"
// without grouping or hashing. One set only: the view keeps the hash of its last answer and nothing
// else, so what was sent for other options could never be matched.
// Plain module, no worker or vscode import: unit-tested on its own.

export class SentSnapshots<T> {
  private last: { key: string; items: readonly T[]; hash: string } | undefined;

  /** The hash sent for `key` when `items` are the very same objects, in the same order; else undefined. */
  sameAs(key: string, items: readonly T[]): string | undefined {
    const last = this.last;
    if (!last || last.key !== key || last.items.length !== items.length) { return undefined; }
    for (let i = 0; i < items.length; i++) {
      if (last.items[i] !== items[i]) { return undefined; }
    }
    return last.hash;
  }

  remember(key: string, items: readonly T[], hash: string): void {
    this.last = { key, items, hash };
  }
}
