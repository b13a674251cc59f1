// The Ports view's model: the port groups of the latest collection, diffed against the previous
// ones. The groups are built where the sockets are read (the collector worker), and the model keeps
// them and the hash of their signature, nothing per socket; the worker answers "unchanged" when that
// hash still holds. It fires a change event only when what the view shows changed, marks ports that
// appeared since the last collection as new for a moment (like TCPView's green rows), and drops
// vanished ones.
import * as vscode from 'vscode';
import type { CollectOptions } from '../../core/model';
import type { GroupsAnswer } from '../shared/collector/protocol';
import { keyChanges, type PortGroup } from '../shared/portGroups';

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

/** Where the groups come from (the WorkerCollector). */
export interface GroupSource {
  collectGroups(options: CollectOptions | undefined, have: string | undefined): Promise<GroupsAnswer>;
}

export class PortsModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<PortsChange>();
  readonly onDidChange = this.changeEmitter.event;

  private groupsValue: PortGroup[] = [];
  /** Hash of the groups' signature; undefined before the first answer. */
  private hash: string | undefined;
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

  constructor(private readonly source: GroupSource, private readonly log: vscode.LogOutputChannel) {
    this.firstLoad = new Promise(r => { this.resolveFirstLoad = r; });
  }

  /** Whether a collection ever succeeded (after an error the older groups are still shown). */
  get hasData(): boolean { return this.hash !== undefined; }
  get groups(): readonly PortGroup[] { return this.groupsValue; }
  get error(): string | undefined { return this.errorValue; }
  get loaded(): boolean { return this.hash !== undefined || this.errorValue !== undefined; }
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
    let answer: GroupsAnswer;
    try {
      answer = await this.source.collectGroups({ listeningOnly: !this.includeConnections }, this.hash);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`Collecting ports failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      const changed = this.errorValue !== message;
      this.errorValue = message;
      this.resolveFirstLoad();
      if (changed) { this.changeEmitter.fire({ groups: this.groupsValue, added: [], removed: [] }); }
      return { ok: false, changed, error: message };
    }
    const { stats } = answer;
    this.log.trace(`collected ${answer.groups ? `${answer.groups.length} ports` : 'no change'} via ${answer.backend} in ${Date.now() - started} ms ` +
      `(walked ${stats.processesWalked} processes, ${stats.vanishedProcesses} vanished, ${stats.unreadableEntries} unreadable)`);
    const hadError = this.errorValue !== undefined;
    this.errorValue = undefined;
    const groups = answer.groups;
    if (!groups) {
      // The worker said "unchanged": these are the groups the view shows.
      if (hadError) { this.changeEmitter.fire({ groups: this.groupsValue, added: [], removed: [] }); }
      return { ok: true, changed: hadError };
    }
    const first = this.hash === undefined;
    const { added, removed } = first ? { added: [], removed: [] } : keyChanges(this.groupsValue, groups);
    const now = Date.now();
    for (const k of added) { this.newSince.set(k, now); }
    for (const k of removed) { this.newSince.delete(k); }
    this.groupsValue = groups;
    this.hash = answer.hash;
    this.resolveFirstLoad();
    this.changeEmitter.fire({ groups, added, removed });
    this.scheduleExpiry();
    return { ok: true, changed: true };
  }

  /** Re-render once the "new" marks run out, so the highlight goes away without another collection. */
  private scheduleExpiry(): void {
    if (this.expiryTimer || this.newSince.size === 0) { return; }
    let oldest = Infinity;
    // forEach, not Math.min(...values): tens of thousands of new ports would overflow the call's
    // arguments, and an iterator would allocate a result per port
    this.newSince.forEach(t => { if (t < oldest) { oldest = t; } });
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      const now = Date.now();
      this.newSince.forEach((t, k) => { if (now - t >= NEW_PORT_MARK_MS) { this.newSince.delete(k); } });
      this.changeEmitter.fire({ groups: this.groupsValue, added: [], removed: [] });
      this.scheduleExpiry();
    }, Math.max(50, oldest + NEW_PORT_MARK_MS - Date.now()));
  }

  dispose(): void {
    if (this.expiryTimer) { clearTimeout(this.expiryTimer); }
    this.changeEmitter.dispose();
  }
}

