// The `ss -tulneH` parser on output recorded in a namespace built like a desktop (see the fixture's
// sockets below), and on the same output as an ss too old to print v6only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSsListeners } from '../../../../src/core/collect/ssParser';
import { repoRoot } from '../../support/paths';

const fixture = (name: string) => fs.readFileSync(path.join(repoRoot, 'test/fixtures/ss', name), 'utf8');

describe('ss -tulneH parser', () => {
  it('reads the bound interface (%dev, also of a link-local address) and v6only per inode', () => {
    const { byInode, malformedLines, tooOld } = parseSsListeners(fixture('listeners-desktop.txt'));
    assert.equal(malformedLines, 0);
    assert.equal(tooOld, false);
    assert.equal(byInode.size, 15);
    assert.deepEqual(byInode.get(43760967), { boundDevice: 'enp0s3', ipv6Only: null }, '0.0.0.0%enp0s3:37000');
    assert.deepEqual(byInode.get(43760977), { boundDevice: 'enp0s3', ipv6Only: true }, 'link-local [fe80::…]%enp0s3:123');
    assert.deepEqual(byInode.get(43760968), { boundDevice: '', ipv6Only: true }, '[::]:38367 v6only:1');
    assert.deepEqual(byInode.get(43760978), { boundDevice: '', ipv6Only: false }, '*:80 v6only:0');
    assert.deepEqual(byInode.get(43760966), { boundDevice: '', ipv6Only: null }, '127.0.1.1:53');
    assert.deepEqual(byInode.get(43760980), { boundDevice: '', ipv6Only: true }, '[::1]:631');
  });

  it('an ss without v6only: IPv6 flags and unprinted interfaces are unknown (null), printed ones kept', () => {
    const { byInode, tooOld } = parseSsListeners(fixture('listeners-no-v6only.txt'));
    assert.equal(tooOld, true);
    assert.deepEqual(byInode.get(43760967), { boundDevice: 'enp0s3', ipv6Only: null });
    assert.deepEqual(byInode.get(43760968), { boundDevice: null, ipv6Only: null });
    assert.deepEqual(byInode.get(43760978), { boundDevice: null, ipv6Only: null });
  });

  it('counts lines it cannot read and never throws on junk', () => {
    const r = parseSsListeners('garbage\ntcp LISTEN 0 1 nothing\n\nudp UNCONN 0 0 0.0.0.0:5 0.0.0.0:* ino:77 sk:1 <->\n');
    assert.equal(r.malformedLines, 2);
    assert.deepEqual([...r.byInode], [[77, { boundDevice: '', ipv6Only: null }]]);
    for (const junk of ['', '\0\0', 'tcp LISTEN 0 0 % % ino:1', 'udp x y z [::]%:1 * ino:2 v6only:1']) { parseSsListeners(junk); }
  });
});
