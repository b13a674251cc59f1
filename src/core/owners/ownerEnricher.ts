// Fills in SocketEntry.container and .service: the container a proxy or placeholder stands for, or
// the one a process runs in, and the systemd unit or supervisor that restarts an owner. Runs where
// the snapshot is collected (the collector worker, the CLI), never on the extension host's thread.
//
// Cheap when nothing changed: process facts are read once per process (pid and start time, found
// by pid in a Map: the CLI hands in a new owner object per socket, thousands for one server), and the engine is asked only for a
// socket or container id not resolved before, once per engine socket per pass (one
// GET /containers/json?all=1). An engine that does not answer, and a lookup that found nothing, are
// not asked again for `retryMs`.
import type { ContainerEngine, ContainerOwner, Protocol, Snapshot, SocketEntry, SocketOwner } from '../model';
import type { L10n } from '../l10n';
import { english } from '../l10n';
import { engineErrorText, engineRequest } from './engineClient';
import { engineSockets, type EndpointEnv } from './engineEndpoints';
import { ownerFromSummary, parseContainerList, publishes, type ContainerSummary } from './engineJson';
import { readProcessFacts, type ProcessFacts } from './processFacts';

export interface OwnerEnricherOptions {
  procRoot?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  retryMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  l10n?: L10n;
}

type Match = { kind: 'id'; id: string } | { kind: 'port'; protocol: Protocol; port: number; address: string };

interface Lookup {
  key: string;
  engine: ContainerEngine;
  /** For docker-proxy: the API sockets its dockerd was started with, asked first (see resolve). */
  daemonHosts?: string[];
  match: Match;
  via: ContainerOwner['via'];
  holder: string;
  /** A placeholder of an engine that also has listeners of its own (dockerd -H tcp://): no match = not a container. */
  optional: boolean;
  entries: SocketEntry[];
}

interface Resolved { owner: ContainerOwner | null; until: number; seen: number }

export class OwnerEnricher {
  private readonly procRoot: string;
  private readonly endpointEnv: EndpointEnv;
  private readonly retryMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly l10n: L10n;
  /** By pid; `startTime` tells a reused pid from the process the facts were read for. */
  private readonly facts = new Map<number, { startTime: number; facts: ProcessFacts }>();
  private readonly resolved = new Map<string, Resolved>();
  private readonly engineDown = new Map<string, { until: number; error: string }>();
  private pass = 0;
  /** Engine requests made so far (tests and the benchmark check the economy). */
  requests = 0;

  constructor(options: OwnerEnricherOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.endpointEnv = { env: options.env ?? process.env, home: options.home ?? process.env.HOME ?? '' };
    this.retryMs = options.retryMs ?? 10_000;
    this.timeoutMs = options.requestTimeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.l10n = options.l10n ?? english;
  }

  private factsOf(o: SocketOwner): ProcessFacts {
    const known = this.facts.get(o.pid);
    if (known && known.startTime === o.startTime) { known.facts.seen = this.pass; return known.facts; }
    const f = readProcessFacts(this.procRoot, o, this.pass);
    this.facts.set(o.pid, { startTime: o.startTime, facts: f });
    f.seen = this.pass;
    return f;
  }

  /** The container lookup a socket needs, or undefined when its owners are ordinary processes. */
  private lookupOf(s: SocketEntry): Omit<Lookup, 'entries'> | undefined {
    for (const o of s.processes) {
      const f = this.factsOf(o);
      const role = f.role;
      if (role) {
        const daemon = f.daemonHosts;
        const match: Match = role.kind === 'proxy' && role.id
          ? { kind: 'id', id: role.id }
          : { kind: 'port', protocol: s.protocol, port: s.localPort, address: s.localAddress };
        const key = match.kind === 'id' ? `${role.engine}:${match.id}` : `${o.pid}@${o.startTime}|${s.protocol}|${s.localAddress}|${s.localPort}`;
        return {
          key, engine: role.engine, daemonHosts: daemon, match,
          via: role.kind === 'engine' ? 'engine' : 'proxy', holder: role.kind === 'docker-proxy' ? 'docker-proxy' : role.name,
          optional: role.kind === 'engine',
        };
      }
      const c = f.placement.container;
      if (c) {
        return {
          key: `${c.engine}:${c.id}`, engine: c.engine, match: { kind: 'id', id: c.id },
          via: 'inside', holder: o.name, optional: false,
        };
      }
    }
    return undefined;
  }

  /**
   * Whether the last enrich() changed the container or service of an entry it was handed. The
   * entries are written in place, so a caller that compares entries by reference (the collector
   * worker's "unchanged" answer) must not take the same objects for the same facts when this is true.
   */
  changedInLastPass = false;

  private note(changed: boolean): void {
    if (changed) { this.changedInLastPass = true; }
  }

  async enrich(snapshot: Snapshot): Promise<Snapshot> {
    this.pass++;
    this.changedInLastPass = false;
    const now = this.now();
    const pending = new Map<string, Lookup>();
    for (const s of snapshot.sockets) {
      if (s.processes.length === 0) { this.note(set(s, null, null)); continue; }
      if (s.processes.length === 1) {
        // The common case, thousands of times for one server: a plain process, no lookup to build.
        const f = this.factsOf(s.processes[0]);
        if (!f.role && !f.placement.container) { this.note(set(s, null, f.service)); continue; }
      }
      const lookup = this.lookupOf(s);
      if (!lookup) {
        let service: SocketEntry['service'] = null;
        for (const o of s.processes) { service ??= this.factsOf(o).service; }
        this.note(set(s, null, service));
        continue;
      }
      const r = this.resolved.get(lookup.key);
      if (r && now < r.until) {
        r.seen = this.pass;
        this.note(set(s, r.owner, null));
        continue;
      }
      const p = pending.get(lookup.key);
      if (p) { p.entries.push(s); } else { pending.set(lookup.key, { ...lookup, entries: [s] }); }
    }
    if (pending.size > 0) { await this.resolve([...pending.values()], now); }
    for (const [key, r] of this.resolved) { if (r.seen !== this.pass) { this.resolved.delete(key); } }
    for (const [pid, f] of this.facts) { if (f.facts.seen !== this.pass) { this.facts.delete(pid); } }
    return snapshot;
  }

  private async listOf(socket: string, now: number, lists: Map<string, ContainerSummary[] | string>): Promise<ContainerSummary[] | string> {
    const known = lists.get(socket);
    if (known !== undefined) { return known; }
    const down = this.engineDown.get(socket);
    if (down && now < down.until) { return down.error; }
    let result: ContainerSummary[] | string;
    try {
      this.requests++;
      const res = await engineRequest(socket, 'GET', '/containers/json?all=1', this.timeoutMs);
      result = res.status === 200 ? parseContainerList(res.body) : this.l10n.t('{0} answered HTTP {1}', socket, res.status);
    } catch (e) {
      result = engineErrorText(socket, e, this.l10n);
    }
    if (typeof result === 'string') { this.engineDown.set(socket, { until: now + this.retryMs, error: result }); } else { this.engineDown.delete(socket); }
    lists.set(socket, result);
    return result;
  }

  private async resolve(lookups: readonly Lookup[], now: number): Promise<void> {
    const lists = new Map<string, ContainerSummary[] | string>();
    for (const l of lookups) {
      let found: ContainerOwner | null = null;
      let error = '';
      let answered = false;
      // Where to ask is worked out only here, for lookups not resolved before: it reads the
      // engine CLI's configuration (~/.docker/config.json, the current context), which a
      // refresh whose containers are all known must not do for each of their sockets.
      for (const socket of engineSockets(l.engine, this.endpointEnv, l.daemonHosts)) {
        const list = await this.listOf(socket, now, lists);
        if (typeof list === 'string') { error ||= list; continue; }
        answered = true;
        const m = l.match;
        const c = m.kind === 'id' ? list.find(x => x.id === m.id) : list.find(x => x.ports.some(p => publishes(p, m.protocol, m.port, m.address)));
        if (c) { found = ownerFromSummary(c, l.engine, socket, l.via, l.holder); break; }
      }
      let owner: ContainerOwner | null = found;
      if (!owner && !l.optional) {
        const why = !answered
          ? this.l10n.t('engine not reachable: {0}', error || this.l10n.t('no engine socket to ask'))
          : l.match.kind === 'id'
            ? this.l10n.t('the engine does not know container {0}', l.match.id.slice(0, 12))
            : this.l10n.t('no container of the engine publishes port {0}', l.match.port);
        owner = { engine: l.engine, id: l.match.kind === 'id' ? l.match.id : '', name: '', image: '', compose: null, via: l.via, holder: l.holder, endpoint: '', error: why };
      }
      // Found: kept while seen. Not found or not reachable: asked again after retryMs.
      this.resolved.set(l.key, { owner, until: found ? Infinity : now + this.retryMs, seen: this.pass });
      for (const s of l.entries) { this.note(set(s, owner, null)); }
    }
  }
}

/** Writes only what changed (entries are shared between the collector's snapshots): the owner facts onto the entry; true when that changed what the entry says. */
function set(s: SocketEntry, container: ContainerOwner | null, service: SocketEntry['service']): boolean {
  let changed = false;
  if (s.container !== container) { s.container = container; changed = true; }
  const next = service ?? null;
  if (s.service !== next) { changed = changed || (s.service ?? null) !== next; s.service = next; }
  return changed;
}
