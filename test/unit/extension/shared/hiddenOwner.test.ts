// What the palette commands say about a port whose owner this window cannot see: one sentence,
// the user name as text, and the right advice for a normal user and for root.
import * as assert from 'node:assert/strict';
import { hiddenPortOwnerSentence } from '../../../../src/extension/shared/hiddenOwner';

describe('hidden port owner sentence', () => {
  it('says who holds the port and the sudo command, in one sentence', () => {
    assert.equal(hiddenPortOwnerSentence(5432, 'postgres', 'kill', false),
      'Port 5432 is held by a process of postgres that this VS Code cannot see or signal; in a terminal, run: sudo port-inspector kill 5432');
    assert.equal(hiddenPortOwnerSentence(5432, '', 'who', false),
      'The owner of port 5432 runs as another user and is not visible to this VS Code; run VS Code (or the remote server) as that user or root, or in a terminal: sudo port-inspector who 5432');
  });

  it('as root the owner is in another PID namespace: no sudo advice', () => {
    const s = hiddenPortOwnerSentence(8080, '1000', 'kill', true);
    assert.equal(s, 'Port 8080 is held by a process of 1000 outside this PID namespace, which this VS Code cannot see or signal; run port-inspector kill 8080 on the container host or in that container.');
  });

  it('a user name cannot add a line or reorder the sentence', () => {
    assert.equal(hiddenPortOwnerSentence(80, 'ev\nil\u202e', 'who', false),
      'The owner of port 80 runs as ev\\x0ail\\u202e and is not visible to this VS Code; run VS Code (or the remote server) as that user or root, or in a terminal: sudo port-inspector who 80');
  });
});
