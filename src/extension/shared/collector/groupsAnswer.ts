// The Ports view's answer to a collection, built where the collection ran (the collector worker,
// or the extension host when the worker cannot start): the port groups, or only their hash when
// they are the ones the view already has.
import { createHash } from 'node:crypto';
import type { CollectOptions, Snapshot, SocketEntry } from '../../../core/model';
import { groupByPort, signature } from '../portGroups';
import { optionsKey, type GroupsAnswer } from './protocol';
import type { SentSnapshots } from './sentSnapshots';

/**
 * `ownersChanged`: the owner lookup wrote containers or units onto entries in this pass, so equal
 * references do not mean equal groups. `localhostOrder` (recentLocalhostOrder()) decides a split
 * port's "reaches … first" line: groups built before the resolver answered, or before its answer
 * changed, are not the same groups, so it is part of what "the same entries" is compared under.
 */
export function groupsAnswer(snap: Snapshot, options: CollectOptions | undefined, have: string | undefined, sent: SentSnapshots<SocketEntry>, ownersChanged: boolean, localhostOrder: readonly string[]): GroupsAnswer {
  const key = `${optionsKey(options)}|${localhostOrder.join(',')}`;
  const base = { takenAt: snap.takenAt, backend: snap.backend, stats: snap.stats };
  // The same entries as last time: the same groups, known without grouping or hashing.
  const same = ownersChanged ? undefined : sent.sameAs(key, snap.sockets);
  if (same !== undefined && have === same) { return { ...base, hash: same }; }
  const groups = groupByPort(snap.sockets, localhostOrder);
  const hash = createHash('sha1').update(snap.backend).update('\n').update(signature(groups)).digest('base64');
  sent.remember(key, snap.sockets, hash);
  return have === hash ? { ...base, hash } : { ...base, hash, groups };
}
