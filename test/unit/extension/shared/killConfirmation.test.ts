// The kill confirmation shows other users' text: it must not gain lines or reorder itself.
import * as assert from 'node:assert/strict';
import { confirmationText, permissionDeniedSentence, resultSentence, stillHeldSentence } from '../../../../src/extension/shared/killConfirmation';

describe('kill confirmation text', () => {
  const base = { pid: 4242, startTime: 1, port: 3000, protocol: 'tcp' as const, user: 'dev' };

  it('names process, pid, user, port and command line, and says which signal', () => {
    const t = confirmationText([{ ...base, name: 'node', commandLine: 'node server.js' }], false, 3000);
    assert.equal(t.message, 'Kill node (pid 4242)?');
    assert.equal(t.action, 'Kill');
    assert.equal(t.detail, 'node (pid 4242), user dev, port 3000/tcp\nnode server.js\n\nSends SIGTERM and waits up to 3 s for the port to be released.');
    const f = confirmationText([{ ...base, name: 'node' }, { ...base, pid: 7, name: 'vite' }], true, 3000);
    assert.equal(f.message, 'Force Kill 2 processes?');
    assert.equal(f.detail, 'node (pid 4242), user dev, port 3000/tcp\n(command line not readable)\n\n' +
      'vite (pid 7), user dev, port 3000/tcp\n(command line not readable)\n\nSends SIGKILL: the process gets no chance to clean up.');
  });

  it('a hostile name, user or command line cannot add a line, an escape sequence or a bidi override', () => {
    const t = confirmationText([{
      ...base,
      name: 'sshd\n\nnode (pid 1), user root',
      user: 'x\u202eroot',
      commandLine: 'node srv.js\u001b[2K\u001b[1A\r\nSends SIGTERM to nothing.\u001b]52;c;ZXZpbA==\u0007',
    }], false, 3000);
    assert.equal(t.message, 'Kill sshd\\x0a\\x0anode (pid 1), user root (pid 4242)?');
    // exactly the lines the dialog itself writes: header, command line, blank, how
    assert.deepEqual(t.detail.split('\n'), [
      'sshd\\x0a\\x0anode (pid 1), user root (pid 4242), user x\\u202eroot, port 3000/tcp',
      'node srv.js\\x1b[2K\\x1b[1A\\x0d\\x0aSends SIGTERM to nothing.\\x1b]52;c;ZXZpbA==\\x07',
      '',
      'Sends SIGTERM and waits up to 3 s for the port to be released.',
    ]);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(t.message + t.detail.replace(/\n/g, ''), /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  });

  it('results after the kill are one sentence each, with the process\'s own text made visible', () => {
    assert.equal(resultSentence('Pid 7 now belongs to a different process (x\nsshd\u202e, started 2026-12-01T09:00:00.000Z); not signalled.', 'the Ports view was refreshed'),
      'Pid 7 now belongs to a different process (x\\x0asshd\\u202e, started 2026-12-01T09:00:00.000Z); not signalled (the Ports view was refreshed).');
    assert.equal(resultSentence('Refusing to signal pid 1: it is PID 1, this program or one of its parents.'),
      'Refusing to signal pid 1: it is PID 1, this program or one of its parents.');
    assert.equal(stillHeldSentence(['a\x1b[2K (pid 5) still holds port 3000 3 s after SIGTERM; use force to send SIGKILL.', 'b (pid 6) still holds port 3000 3 s after SIGTERM.']),
      'a\\x1b[2K (pid 5) still holds port 3000 3 s after SIGTERM; b (pid 6) still holds port 3000 3 s after SIGTERM.');
    assert.equal(permissionDeniedSentence({ pid: 5, name: 'node', user: 'ro\rot' }, 5, 'sudo kill 5'),
      'Permission denied: node (pid 5) belongs to ro\\x0dot; run "sudo kill 5" in a terminal, or run VS Code as that user.');
    assert.equal(permissionDeniedSentence(undefined, 9, 'sudo kill -9 9'),
      'Permission denied: pid 9 belongs to another user; run "sudo kill -9 9" in a terminal, or run VS Code as that user.');
    assert.equal(permissionDeniedSentence(undefined, 9, 'taskkill /PID 9 /T /F', 'an administrator terminal'),
      'Permission denied: pid 9 belongs to another user; run "taskkill /PID 9 /T /F" in an administrator terminal, or run VS Code as that user.');
  });
});
