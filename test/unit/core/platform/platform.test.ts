// Platform rules and the system-tool resolver: which collector, how to stop a process, what to
// run when that is refused, and which programs may run at all.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKENDS, backendAvailable, defaultBackend, permissionHint, platformRules } from '../../../../src/core/platform/platformRules';
import { missingToolMessage, trustedExecutable, unixTool, windowsTool } from '../../../../src/core/platform/systemTools';
import { skipUnless } from '../../support/skip';

describe('platform rules', () => {
  it('picks the collector per OS and knows where each back end runs', () => {
    assert.deepEqual(['linux', 'darwin', 'freebsd', 'win32'].map(p => defaultBackend(p as NodeJS.Platform)), ['procfs', 'lsof', 'lsof', 'windows']);
    const table = (p: NodeJS.Platform) => BACKENDS.filter(b => backendAvailable(b, p));
    assert.deepEqual(table('linux'), ['procfs', 'lsof']);
    assert.deepEqual(table('darwin'), ['lsof']);
    assert.deepEqual(table('win32'), ['windows']);
    assert.equal(platformRules('win32').stop, 'taskkill');
    assert.equal(platformRules('linux').stop, 'signal');
    assert.equal(platformRules('darwin').stop, 'signal');
  });

  it('"permission denied" hint: an elevated taskkill on Windows, sudo kill elsewhere', () => {
    assert.deepEqual(permissionHint(4242, false, 'win32'), {
      command: 'taskkill /PID 4242 /T /F', where: 'an administrator terminal', text: 'from an administrator terminal: taskkill /PID 4242 /T /F',
    });
    assert.deepEqual(permissionHint(4242, true, 'win32').command, 'taskkill /PID 4242 /T /F');
    assert.deepEqual(permissionHint(4242, false, 'linux'), { command: 'sudo kill 4242', where: 'a terminal', text: 'sudo kill 4242' });
    assert.deepEqual(permissionHint(4242, true, 'darwin'), { command: 'sudo kill -9 4242', where: 'a terminal', text: 'sudo kill -9 4242' });
  });
});

describe('system tools', () => {
  it('Windows tools come from System32 under %SystemRoot% (never PATH)', () => {
    assert.equal(windowsTool('taskkill', { SystemRoot: 'D:\\Win' }), 'D:\\Win\\System32\\taskkill.exe');
    assert.equal(windowsTool('powershell', { windir: 'E:\\W' }), 'E:\\W\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    assert.equal(windowsTool('netstat', {}), 'C:\\Windows\\System32\\netstat.exe');
  });

  describe('on Unix', function () {
    let dir: string;
    before(function () {
      skipUnless(this, process.platform !== 'win32', 'Unix file ownership', 'other-platform');
      skipUnless(this, process.getuid?.() === 0, 'needs root to own the test files');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-tools-'));
    });
    after(() => { if (dir) { fs.rmSync(dir, { recursive: true, force: true }); } });

    it('a root-owned executable in a root-owned directory closed to others is trusted; anything else is not', () => {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin, { mode: 0o755 });
      const tool = path.join(bin, 'tool');
      fs.writeFileSync(tool, '#!/bin/sh\n', { mode: 0o755 });
      fs.chmodSync(tool, 0o755);
      fs.chmodSync(bin, 0o755);
      assert.equal(trustedExecutable(tool), true);
      assert.equal(trustedExecutable(path.relative(process.cwd(), tool)), false, 'a relative path');
      fs.chmodSync(tool, 0o775);
      assert.equal(trustedExecutable(tool), false, 'group-writable');
      fs.chmodSync(tool, 0o757);
      assert.equal(trustedExecutable(tool), false, 'world-writable');
      fs.chmodSync(tool, 0o644);
      assert.equal(trustedExecutable(tool), false, 'not executable');
      fs.chmodSync(tool, 0o755);
      fs.chmodSync(bin, 0o777);
      assert.equal(trustedExecutable(tool), false, 'in a directory others can write');
      fs.chmodSync(bin, 0o755);
      fs.chownSync(tool, 65534, 65534);
      assert.equal(trustedExecutable(tool), false, 'owned by another user');
      fs.chownSync(tool, 0, 0);
      fs.chownSync(bin, 65534, 65534);
      assert.equal(trustedExecutable(tool), false, 'in a directory another user owns');
      assert.equal(trustedExecutable(path.join(bin, 'absent')), false);
      assert.equal(trustedExecutable(bin), false, 'a directory');
    });

    it('finds the system\'s cat and ps by absolute path, and says where it looked for a missing tool', () => {
      for (const name of ['cat', 'ps'] as const) {
        const found = unixTool(name);
        assert.ok(found && path.isAbsolute(found) && path.basename(found) === name, `${name}: ${found}`);
        assert.equal(trustedExecutable(found), true);
      }
      assert.equal(missingToolMessage('nmap'), 'nmap is not installed (looked for a root-owned nmap in /usr/bin, /usr/local/bin, /bin, /usr/sbin, /sbin, /opt/local/bin)');
    });
  });
});
