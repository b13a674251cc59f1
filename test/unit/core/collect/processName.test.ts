// Which name the views show for a process (Node >= 24 renames its main thread, and with it comm).
import * as assert from 'node:assert/strict';
import { displayName } from '../../../../src/core/collect/procPidParser';

describe('displayName', () => {
  it('keeps comm for ordinary processes, even when argv[0] was rewritten', () => {
    assert.equal(displayName('nginx', 'nginx: master process /usr/sbin/nginx\0'), 'nginx');
    assert.equal(displayName('python3', '/usr/bin/python3\0-m\0http.server\0'), 'python3');
  });
  it('uses the executable name when the main thread was renamed "MainThread" (Node >= 24)', () => {
    assert.equal(displayName('MainThread', '/opt/node24/bin/node\0-e\0code\0'), 'node');
    assert.equal(displayName('MainThread', 'node\0server.js\0'), 'node');
  });
  it('falls back to comm when argv[0] is missing or is a rewritten title', () => {
    assert.equal(displayName('MainThread', ''), 'MainThread');
    assert.equal(displayName('MainThread', 'my app: worker\0'), 'MainThread');
  });
});
