// The Ports view's answer from the worker: "unchanged" only when the same entries were grouped
// under the same options and the same localhost order (a split port's "reaches … first" depends
// on it), the groups again otherwise.
import * as assert from 'node:assert/strict';
import type { Snapshot, SocketEntry, SocketOwner } from '../../../../../src/core/model';
import { groupsAnswer } from '../../../../../src/extension/shared/collector/groupsAnswer';
import { SentSnapshots } from '../../../../../src/extension/shared/collector/sentSnapshots';

function owner(pid: number, name: string): SocketOwner {
  return { pid, ppid: 1, name, commandLine: name, cwd: '/srv', user: 'dev', startTime: 1000 + pid, fd: 3 };
}
function listener(address: string, o: SocketOwner): SocketEntry {
  const v6 = address.includes(':');
  return {
    protocol: 'tcp', family: v6 ? 6 : 4, localAddress: address, localPort: 3000, remoteAddress: v6 ? '::' : '0.0.0.0', remotePort: 0, state: 'LISTEN',
    inode: v6 ? 2 : 1, uid: 1000, user: 'dev', ownerVisible: true, processes: [o], container: null, service: null, boundDevice: '', ipv6Only: v6 ? true : null,
  };
}

describe('groupsAnswer', () => {
  // port 3000 split: node on 127.0.0.1, python3 on ::1
  const snap: Snapshot = {
    takenAt: 1, backend: 'procfs', sockets: [listener('127.0.0.1', owner(41, 'node')), listener('::1', owner(42, 'python3'))],
    stats: { processesWalked: 0, vanishedProcesses: 0, unreadableEntries: 0, malformedLines: 0, fullWalk: false },
  };
  const options = { listeningOnly: true };

  it('sends the groups again when the localhost order arrives or changes, for the very same entries', () => {
    const sent = new SentSnapshots<SocketEntry>();
    const before = groupsAnswer(snap, options, undefined, sent, false, []);
    assert.equal(before.groups?.[0].split?.localhostFirst, undefined, 'no order known yet: no "reaches first"');
    const quiet = groupsAnswer(snap, options, before.hash, sent, false, []);
    assert.equal(quiet.groups, undefined, 'same entries, same order: unchanged');
    const v4 = groupsAnswer(snap, options, before.hash, sent, false, ['127.0.0.1', '::1']);
    assert.ok(v4.groups, 'the order arrived: new groups');
    assert.deepEqual(v4.groups[0].split?.localhostFirst, { address: '127.0.0.1', part: 0 });
    const v6 = groupsAnswer(snap, options, v4.hash, sent, false, ['::1', '127.0.0.1']);
    assert.deepEqual(v6.groups?.[0].split?.localhostFirst, { address: '::1', part: 1 });
    assert.equal(groupsAnswer(snap, options, v6.hash, sent, false, ['::1', '127.0.0.1']).groups, undefined);
  });

  it('a pass in which the owner lookup changed entries is never answered from the references', () => {
    const sent = new SentSnapshots<SocketEntry>();
    const first = groupsAnswer(snap, options, undefined, sent, false, []);
    const changed = groupsAnswer(snap, options, 'something else', sent, true, []);
    assert.ok(changed.groups, 'the client has other groups: sent');
    assert.equal(changed.hash, first.hash, 'equal groups, equal hash');
    assert.equal(groupsAnswer(snap, options, first.hash, sent, true, []).groups, undefined, 'grouped again, and equal to what the client has');
  });
});
