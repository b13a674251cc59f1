// What the collector worker last sent for each set of collect options: the socket entries (by
// reference) and the hash of their compact form. The collector reuses an entry object for a socket
// whose row and owners did not change, so an identical list of references means an identical
// snapshot, and the worker can answer "unchanged" without building the compact form or its hash.
// Plain module, no worker or vscode import: unit-tested on its own.

/** How many option sets are remembered (the view, Who Is Using Port with connections, a spare). */
const KEEP = 3;

export class SentSnapshots<T> {
  private readonly byKey = new Map<string, { items: readonly T[]; hash: string }>();

  /** The hash sent for `key` when `items` are the very same objects, in the same order; else undefined. */
  sameAs(key: string, items: readonly T[]): string | undefined {
    const last = this.byKey.get(key);
    if (!last || last.items.length !== items.length) { return undefined; }
    for (let i = 0; i < items.length; i++) {
      if (last.items[i] !== items[i]) { return undefined; }
    }
    return last.hash;
  }

  remember(key: string, items: readonly T[], hash: string): void {
    this.byKey.delete(key);
    this.byKey.set(key, { items, hash });
    // oldest first in a Map's order
    while (this.byKey.size > KEEP) { this.byKey.delete(this.byKey.keys().next().value as string); }
  }
}
