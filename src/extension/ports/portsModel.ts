// The Ports view's model: the latest snapshot, shaped into port groups, diffed against the previous
// one. It fires a change event only when what the view shows changed, marks ports that appeared
// since the last collection as new for a moment (like TCPView's green rows), and drops vanished ones.
import * as vscode from 'vscode';
import type { Collector, Snapshot } from '../../core/model';
import { groupByPort, signature, type PortGroup } from './portGroups';

export const NEW_PORT_MARK_MS = 5000;

export interface PortsChange {
  groups: readonly PortGroup[];
  /** Group keys that appeared in this collection (empty on the first one: nothing is "new" at start). */
  added: readonly string[];
  removed: readonly string[];
}

export interface CollectOutcome {
  ok: boolean;
  changed: boolean;
  error?: string;
}

export class PortsModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<PortsChange>();
  readonly onDidChange = this.changeEmitter.event;

  private snapshotValue: Snapshot | undefined;
  private groupsValue: PortGroup[] = [];
  private sig = '';
  private errorValue: string | undefined;
  /** group key -> time it first appeared (only for groups that appeared after the first collection). */
  private readonly newSince = new Map<string, number>();
  private expiryTimer: NodeJS.Timeout | undefined;
  private firstLoad: Promise<void>;
  private resolveFirstLoad!: () => void;
  private collecting: Promise<CollectOutcome> | undefined;
  /** Number of collections this model ran; the integration tests read it to prove nothing polls while hidden. */
  collections = 0;
  includeConnections = false;

  constructor(private readonly collector: Collector, private readonly log: vscode.LogOutputChannel) {
    this.firstLoad = new Promise(r => { this.resolveFirstLoad = r; });
  }

  get snapshot(): Snapshot | undefined { return this.snapshotValue; }
  get groups(): readonly PortGroup[] { return this.groupsValue; }
  get error(): string | undefined { return this.errorValue; }
  get loaded(): boolean { return this.snapshotValue !== undefined || this.errorValue !== undefined; }
  whenLoaded(): Promise<void> { return this.firstLoad; }

  isNew(key: string, now = Date.now()): boolean {
    const t = this.newSince.get(key);
    return t !== undefined && now - t < NEW_PORT_MARK_MS;
  }

  /** Collect once. Concurrent callers share the running collection instead of starting another. */
  collect(): Promise<CollectOutcome> {
    if (!this.collecting) {
      this.collecting = this.doCollect().finally(() => { this.collecting = undefined; });
    }
    return this.collecting;
  }

  private async doCollect(): Promise<CollectOutcome> {
    this.collections++;
    const started = Date.now();
    let snap: Snapshot;
    try {
      snap = await this.collector.collect({ listeningOnly: !this.includeConnections });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Collecting ports failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      const changed = this.errorValue !== message;
      this.errorValue = message;
      this.resolveFirstLoad();
      if (changed) { this.changeEmitter.fire({ groups: this.groupsValue, added: [], removed: [] }); }
      return { ok: false, changed, error: message };
    }
    this.log.trace(`collected ${snap.sockets.length} sockets via ${snap.backend} in ${Date.now() - started} ms ` +
      `(walked ${snap.stats.processesWalked} processes, ${snap.stats.vanishedProcesses} vanished, ${snap.stats.unreadableEntries} unreadable)`);
    const hadError = this.errorValue !== undefined;
    this.errorValue = undefined;
    if (!hadError && this.snapshotValue && snap.sockets === this.snapshotValue.sockets) {
      // The worker said "unchanged" (same sockets array): nothing to regroup or re-render.
      this.snapshotValue = snap;
      return { ok: true, changed: false };
    }
    const first = this.snapshotValue === undefined;
    const groups = groupByPort(snap.sockets);
    const before = new Set(this.groupsValue.map(g => g.key));
    const after = new Set(groups.map(g => g.key));
    const added = first ? [] : [...after].filter(k => !before.has(k));
    const removed = [...before].filter(k => !after.has(k));
    const now = Date.now();
    for (const k of added) { this.newSince.set(k, now); }
    for (const k of removed) { this.newSince.delete(k); }
    this.snapshotValue = snap;
    this.groupsValue = groups;
    const sig = signature(groups);
    const changed = first || hadError || sig !== this.sig;
    this.sig = sig;
    this.resolveFirstLoad();
    if (changed) {
      this.changeEmitter.fire({ groups, added, removed });
      this.scheduleExpiry();
    }
    return { ok: true, changed };
  }

  /** Re-render once the "new" marks run out, so the highlight goes away without another collection. */
  private scheduleExpiry(): void {
    if (this.expiryTimer || this.newSince.size === 0) { return; }
    const oldest = Math.min(...this.newSince.values());
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      const now = Date.now();
      for (const [k, t] of this.newSince) { if (now - t >= NEW_PORT_MARK_MS) { this.newSince.delete(k); } }
      this.changeEmitter.fire({ groups: this.groupsValue, added: [], removed: [] });
      this.scheduleExpiry();
    }, Math.max(50, oldest + NEW_PORT_MARK_MS - Date.now()));
  }

  dispose(): void {
    if (this.expiryTimer) { clearTimeout(this.expiryTimer); }
    this.changeEmitter.dispose();
  }
}
