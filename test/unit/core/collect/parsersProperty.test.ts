// Property tests: the command-output parsers never throw, whatever the bytes, and what they do
// return is well-formed; generated well-formed output round-trips.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { lsofCwds, lsofSockets, parseLsofFields, parseLstart, parsePsRows, unescapeLsof } from '../../../../src/core/collect/lsofParser';
import { groupSockets } from '../../../../src/core/collect/lsofCollector';
import { normalizeIpv6, parseEndpoint } from '../../../../src/core/collect/ipText';
import { formatIpv6Groups } from '../../../../src/core/collect/procNetParser';
import { parseCreationDate, parsePowerShellJson } from '../../../../src/core/collect/powershellParser';
import { parseCsvLine, parseNetstat, parseTasklistCsv } from '../../../../src/core/collect/netstatParser';
import { decodeCodePage, parseChcp, parseRegOemcp } from '../../../../src/core/collect/codePages';
import { parseBsdNetstat } from '../../../../src/core/collect/bsdNetstatParser';
import { parseBootTime, parseCmdline, parsePasswd, parseProcStat, parseSocketLink, parseStatusUid } from '../../../../src/core/collect/procPidParser';
import type { SocketState } from '../../../../src/core/model';
import { repoRoot } from '../../support/paths';

const FIXTURES = path.join(repoRoot, 'test/fixtures');
const STATES = new Set<SocketState>(['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV', 'BOUND', 'UNCONN', 'UNKNOWN']);
const RUNS = { numRuns: 300 };

/** Any text, including NUL, lone surrogates and astral characters. */
const anyText = fc.string({ unit: 'binary', maxLength: 400 });
/** Text made of the pieces the parsers look for, so the deep branches are reached. */
const tokenText = fc.array(fc.constantFrom(
  'p', 'f', 'c', 'R', 'u', 'L', 'n', 't', 'd', 'P', 'T', 'ST=', 'LISTEN', 'SYN_RCVD', 'IPv4', 'IPv6', 'TCP', 'UDP',
  '\0', '\n', '\r\n', ' ', '  ', ':', '*', '->', '[', ']', '%', '.', '::', 'ffff', '127.0.0.1', '::1', '65535', '70000',
  '0', '1', '42', 'cwd', '\\x', 'c3', '"', ',', '""', 'TCP    ', 'UDP    ', '*:*', '0.0.0.0:0', '[::]:0', 'ABHÖREN',
  'Wed', 'Nov', '25', '19:28:36', '2026', '{', '}', '[]', '"tcp":', '"udp":', '"LocalPort":', '"OwningProcess":',
  '"State":', '"Listen"', '/Date(', ')/', 'null', '-1', '1e309',
), { maxLength: 120 }).map(parts => parts.join(''));
const inputs = fc.oneof(anyText, tokenText);

function fixtureMutations(rel: string, encoding: BufferEncoding = 'utf8'): fc.Arbitrary<string> {
  const text = fs.readFileSync(path.join(FIXTURES, rel), encoding);
  return fc.tuple(fc.nat(text.length), fc.nat(200), fc.oneof(fc.constant(''), anyText, tokenText))
    .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));
}

function wellFormedEndpoint(address: string, port: number): boolean {
  const bare = address.replace(/%.*$/, '');
  return Number.isInteger(port) && port >= 0 && port <= 65535 && net.isIP(bare) !== 0;
}

describe('parsers never throw and return well-formed records (fast-check)', () => {
  it('lsof -F fields, sockets, cwds, grouping', () => {
    const check = (text: string) => {
      const parsed = parseLsofFields(text);
      const { sockets } = lsofSockets(parsed);
      lsofCwds(parsed);
      groupSockets(sockets);
      for (const s of sockets) {
        assert.ok(STATES.has(s.state));
        assert.ok(wellFormedEndpoint(s.localAddress, s.localPort) && wellFormedEndpoint(s.remoteAddress, s.remotePort), JSON.stringify(s));
        assert.ok(s.family === 4 || s.family === 6);
      }
    };
    fc.assert(fc.property(inputs, check), RUNS);
    fc.assert(fc.property(fixtureMutations('lsof/macos-sudo-sockets.F0'), check), RUNS);
    fc.assert(fc.property(fixtureMutations('lsof/linux-sockets.F0'), check), RUNS);
  });

  it('BSD netstat -an', () => {
    fc.assert(fc.property(fc.oneof(inputs, fixtureMutations('lsof/macos-netstat-tcp.txt'), fixtureMutations('lsof/macos-netstat-udp.txt')), text => {
      for (const r of parseBsdNetstat(text).records) {
        assert.ok(STATES.has(r.state) && wellFormedEndpoint(r.localAddress, r.localPort) && wellFormedEndpoint(r.remoteAddress, r.remotePort), JSON.stringify(r));
      }
    }), RUNS);
  });

  it('ps rows, lstart, lsof escapes', () => {
    fc.assert(fc.property(fc.oneof(inputs, fixtureMutations('lsof/macos-ps.txt')), text => {
      for (const row of parsePsRows(text).rows.values()) { assert.ok(Number.isFinite(row.startTime) && row.pid >= 0); }
      const t = parseLstart(text);
      assert.ok(t === undefined || Number.isFinite(t));
      assert.equal(typeof unescapeLsof(text), 'string');
    }), RUNS);
  });

  it('addresses and endpoints', () => {
    fc.assert(fc.property(inputs, fc.constantFrom(4, 6) as fc.Arbitrary<4 | 6>, (text, family) => {
      const v6 = normalizeIpv6(text);
      assert.ok(v6 === undefined || net.isIP(v6.replace(/%.*$/, '')) !== 0, v6);
      const ep = parseEndpoint(text, family);
      assert.ok(ep === undefined || wellFormedEndpoint(ep.address, ep.port));
    }), RUNS);
  });

  it('PowerShell JSON, including JSON of arbitrary shape', () => {
    const json = fc.json({ maxDepth: 4 });
    const shaped = fc.record({
      tcp: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('LocalAddress', 'LocalPort', 'RemoteAddress', 'RemotePort', 'State', 'OwningProcess'), fc.jsonValue())), fc.jsonValue()),
      udp: fc.jsonValue(),
      processes: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('ProcessId', 'ParentProcessId', 'Name', 'CommandLine', 'CreationDate'), fc.jsonValue())), fc.jsonValue()),
    }).map(o => JSON.stringify(o));
    fc.assert(fc.property(fc.oneof(inputs, json, shaped, fixtureMutations('powershell/collect.json')), text => {
      const p = parsePowerShellJson(text);
      for (const s of p.sockets) {
        assert.ok(STATES.has(s.state) && wellFormedEndpoint(s.localAddress, s.localPort) && wellFormedEndpoint(s.remoteAddress, s.remotePort));
        assert.ok(Number.isInteger(s.pid) && s.pid >= 0);
      }
      for (const info of p.processes.values()) { assert.ok(Number.isFinite(info.startTime) && typeof info.name === 'string'); }
    }), RUNS);
    fc.assert(fc.property(fc.jsonValue(), v => { assert.ok(Number.isFinite(parseCreationDate(v))); }), RUNS);
  });

  it('netstat, tasklist, CSV, chcp, reg', () => {
    const netstatBytes = fs.readFileSync(path.join(FIXTURES, 'netstat/german-cp850.txt')).toString('latin1');
    fc.assert(fc.property(fc.oneof(inputs, fixtureMutations('netstat/english-cp437.txt', 'latin1'), fc.constant(netstatBytes)), text => {
      for (const s of parseNetstat(text).sockets) {
        assert.ok(STATES.has(s.state) && wellFormedEndpoint(s.localAddress, s.localPort) && wellFormedEndpoint(s.remoteAddress, s.remotePort));
      }
      for (const [pid, name] of parseTasklistCsv(text).names) { assert.ok(Number.isInteger(pid) && typeof name === 'string'); }
      const cells = parseCsvLine(text);
      assert.ok(cells === undefined || cells.length >= 1);
      const cp = parseChcp(text);
      assert.ok(cp === undefined || Number.isInteger(cp));
      const oem = parseRegOemcp(text);
      assert.ok(oem === undefined || Number.isInteger(oem));
    }), RUNS);
  });

  it('code pages: any bytes in any code page decode; DOS tables give one character per byte, ASCII unchanged', () => {
    const pages = [437, 737, 775, 850, 852, 855, 857, 858, 860, 861, 862, 863, 864, 865, 866, 869, 932, 936, 949, 950, 1250, 1252, 65001, 12345];
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...pages), (bytes, cp) => {
      const text = decodeCodePage(bytes, cp);
      assert.equal(typeof text, 'string');
      if (cp < 900 && cp !== 866) {
        assert.equal(text.length, bytes.length);
        bytes.forEach((b, i) => { if (b < 0x80) { assert.equal(text.charCodeAt(i), b); } });
      }
    }), RUNS);
  });

  it('the /proc helper parsers too', () => {
    fc.assert(fc.property(inputs, text => {
      parseProcStat(text);
      parseStatusUid(text);
      parseCmdline(text);
      parseSocketLink(text);
      parsePasswd(text);
      parseBootTime(text);
    }), RUNS);
  });
});

describe('generated well-formed output round-trips (fast-check)', () => {
  const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map(o => o.join('.'));
  const port = fc.integer({ min: 0, max: 65535 });

  /**
   * RFC 5952 text built without the code under test: on the unabbreviated text, the longest run of
   * two or more ":0" groups (first on ties) becomes "::"; a single zero group stays "0".
   */
  function rfc5952(g: readonly number[]): string {
    const plain = g.map(x => x.toString(16)).join(':');
    let best: RegExpExecArray | undefined;
    for (const m of plain.matchAll(/(?:^|:)0(?::0)+(?=:|$)/g)) {
      if (!best || m[0].replace(/^:/, '').length > best[0].replace(/^:/, '').length) { best = m as RegExpExecArray; }
    }
    if (!best) { return plain; }
    return `${plain.slice(0, best.index)}::${plain.slice(best.index + best[0].length).replace(/^:/, '')}`;
  }

  it('the RFC 5952 reference agrees with the RFC\'s own examples', () => {
    const cases: [number[], string][] = [
      [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'],
      [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
      [[0x2001, 0, 0, 1, 0, 0, 0, 1], '2001:0:0:1::1'],
      [[0, 0, 0, 0, 0, 0, 0, 1], '::1'], [[0, 0, 0, 0, 0, 0, 0, 0], '::'], [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
      [[0, 1, 0, 1, 0, 1, 0, 1], '0:1:0:1:0:1:0:1'],
    ];
    for (const [g, text] of cases) { assert.equal(rfc5952(g), text); }
  });

  it('IPv6 in any spelling normalises to RFC 5952 text; a single zero group is never "::"', () => {
    // Zero groups are frequent, so runs of zeros (and single zeros) are generated often.
    const zeroish = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(fc.property(fc.oneof(groups, zeroish), fc.boolean(), (g, upper) => {
      const full = g.map(x => x.toString(16).padStart(4, '0')).join(':');
      const expected = g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff
        ? `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`
        : rfc5952(g);
      const spelled = upper ? full.toUpperCase() : g.map(x => x.toString(16)).join(':');
      assert.equal(normalizeIpv6(spelled), expected);
      if (expected.includes(':')) {
        assert.equal(normalizeIpv6(expected), expected);
        assert.equal(formatIpv6Groups(g), expected);
      }
    }), RUNS);
  });

  it('lsof -F0 output of generated processes and sockets parses back to them', () => {
    const socket = fc.record({
      fd: fc.nat(9999), v6: fc.boolean(), tcp: fc.boolean(), a: ipv4, lp: port, rp: fc.integer({ min: 1, max: 65535 }), connected: fc.boolean(),
      state: fc.constantFrom('LISTEN', 'ESTABLISHED', 'SYN_RCVD', 'FIN_WAIT_2', 'CLOSED', 'TIME_WAIT'),
    });
    const proc = fc.record({
      pid: fc.integer({ min: 1, max: 4_000_000 }),
      // Names as lsof prints them in field mode: no NUL or newline (those it escapes).
      name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter(s => !/[\0\n\r]/.test(s) && !s.includes('\\x')),
      sockets: fc.array(socket, { maxLength: 5 }),
    });
    fc.assert(fc.property(fc.uniqueArray(proc, { selector: p => p.pid, maxLength: 6 }), procs => {
      let text = '';
      for (const p of procs) {
        text += `p${p.pid}\0R1\0c${p.name}\0u501\0Lalice\0\n`;
        for (const s of p.sockets) {
          const host = s.v6 ? `[::ffff:${s.a}]` : s.a;
          const name = s.connected ? `${host}:${s.lp}->${host}:${s.rp}` : `${host}:${s.lp}`;
          text += `f${s.fd}\0t${s.v6 ? 'IPv6' : 'IPv4'}\0d0x${(p.pid * 100 + s.fd).toString(16)}\0P${s.tcp ? 'TCP' : 'UDP'}\0n${name}\0${s.tcp ? `TST=${s.state}\0` : ''}\n`;
        }
      }
      const parsed = parseLsofFields(text);
      assert.equal(parsed.malformed, 0);
      const { sockets, malformed } = lsofSockets(parsed);
      assert.equal(malformed, 0);
      assert.equal(sockets.length, procs.reduce((n, p) => n + p.sockets.length, 0));
      let i = 0;
      for (const p of procs) {
        assert.equal(parsed.processes.get(p.pid)?.command, p.name);
        for (const s of p.sockets) {
          const got = sockets[i++];
          assert.deepEqual([got.pid, got.fd, got.localAddress, got.localPort, got.family], [p.pid, s.fd, s.a, s.lp, s.v6 ? 6 : 4]);
          assert.equal(got.remotePort, s.connected ? s.rp : 0);
          if (!s.tcp) { assert.equal(got.state, s.connected ? 'ESTABLISHED' : 'UNCONN'); }
        }
      }
    }), RUNS);
  });

  it('netstat rows of any state word (any language) parse back by shape', () => {
    const word = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 18 }).filter(w => /^\S+$/u.test(w) && !/^\d+$/.test(w));
    const row = fc.record({ tcp: fc.boolean(), v6: fc.boolean(), a: ipv4, lp: port, rp: port, listen: fc.boolean(), word, pid: fc.nat(999999) });
    fc.assert(fc.property(fc.array(row, { maxLength: 20 }), rows => {
      const lines = ['', 'Active Connections', '', '  Proto  Local Address          Foreign Address        State           PID'];
      for (const r of rows) {
        const host = r.v6 ? `[::ffff:${r.a}]` : r.a;
        const wild = r.v6 ? '[::]:0' : '0.0.0.0:0';
        const foreign = !r.tcp ? '*:*' : r.listen ? wild : `${host}:${r.rp}`;
        // netstat pads columns but always leaves at least one space between them.
        lines.push(`  ${r.tcp ? 'TCP' : 'UDP'}    ${`${host}:${r.lp}`.padEnd(22)} ${foreign.padEnd(22)} ${(r.tcp ? r.word : '').padEnd(15)} ${r.pid}`);
      }
      const parsed = parseNetstat(lines.join('\r\n'));
      assert.equal(parsed.malformed, 0);
      assert.equal(parsed.sockets.length, rows.length);
      parsed.sockets.forEach((s, i) => {
        const r = rows[i];
        assert.deepEqual([s.protocol, s.localAddress, s.localPort, s.pid, s.family], [r.tcp ? 'tcp' : 'udp', r.a, r.lp, r.pid, r.v6 ? 6 : 4]);
        if (!r.tcp) { assert.equal(s.state, 'UNCONN'); } else if (r.listen) { assert.equal(s.state, 'LISTEN'); } else { assert.equal(s.remotePort, r.rp); }
      });
    }), RUNS);
  });

  it('CSV cells of any text survive quoting', () => {
    const cell = fc.string({ unit: 'binary', maxLength: 20 }).filter(s => !/[\r\n]/.test(s));
    fc.assert(fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), cells => {
      const line = cells.map(c => `"${c.replace(/"/g, '""')}"`).join(',');
      assert.deepEqual(parseCsvLine(line), cells);
    }), RUNS);
  });
});
