import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCodePage, parseChcp, parseRegOemcp, supportedCodePage } from '../../../../src/core/collect/codePages';
import { parseCsvLine, parseNetstat, parseTasklistCsv } from '../../../../src/core/collect/netstatParser';
import { collectScript, mapWindowsTcpState, parseCreationDate, parsePowerShellJson, processInfoScript, type WinSocketRow } from '../../../../src/core/collect/powershellParser';
import { taskkillArgs } from '../../../../src/core/process/windowsKill';
import { repoRoot } from '../../support/paths';

const FIXTURES = path.join(repoRoot, 'test/fixtures');
const bytes = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel));

const row = (rows: WinSocketRow[], protocol: string, address: string, port: number, remotePort?: number) =>
  rows.filter(r => r.protocol === protocol && r.localAddress === address && r.localPort === port && (remotePort === undefined || r.remotePort === remotePort));

/** The sockets every fixture of this machine lists, as "proto local remote state pid". */
function summary(rows: WinSocketRow[]): string[] {
  return rows.map(r => `${r.protocol}${r.family === 6 ? '6' : ''} ${r.localAddress}:${r.localPort} ${r.remoteAddress}:${r.remotePort} ${r.state} ${r.pid}`).sort();
}

describe('PowerShell JSON (Get-NetTCPConnection / Get-NetUDPEndpoint / Win32_Process)', () => {
  const parsed = parsePowerShellJson(bytes('powershell/collect.json').toString('utf8'));

  it('reads every socket and process of the fixture', () => {
    assert.equal(parsed.error, undefined);
    assert.equal(parsed.malformed, 0);
    assert.equal(parsed.sockets.filter(s => s.protocol === 'tcp').length, 24);
    assert.equal(parsed.sockets.filter(s => s.protocol === 'udp').length, 8);
    assert.equal(parsed.processes.size, 13);
  });

  it('maps states to the model: Listen, Established, TimeWait (pid 0), CloseWait, Bound', () => {
    assert.deepEqual(row(parsed.sockets, 'tcp', '127.0.0.1', 3000).map(r => [r.state, r.remotePort, r.pid]), [['LISTEN', 0, 14820], ['ESTABLISHED', 50412, 14820]]);
    assert.deepEqual(row(parsed.sockets, 'tcp', '127.0.0.1', 50123).map(r => [r.state, r.pid]), [['TIME_WAIT', 0]]);
    assert.equal(row(parsed.sockets, 'tcp', '192.168.178.20', 50330)[0].state, 'CLOSE_WAIT');
    assert.equal(row(parsed.sockets, 'tcp', '0.0.0.0', 50410)[0].state, 'BOUND');
    assert.deepEqual(row(parsed.sockets, 'tcp', '::1', 5173).map(r => [r.family, r.state]), [[6, 'LISTEN'], [6, 'ESTABLISHED']]);
  });

  it('gives UDP endpoints no remote side and state UNCONN; keeps the zone of a link-local address', () => {
    const ssdp = row(parsed.sockets, 'udp', 'fe80::1c2d:3e4f:5a6b:7c8d%12', 1900);
    assert.deepEqual(ssdp.map(r => [r.family, r.remoteAddress, r.remotePort, r.state, r.pid]), [[6, '::', 0, 'UNCONN', 6120]]);
  });

  it('reads process details: escaped non-ASCII, null command lines, creation date in ms', () => {
    const node = parsed.processes.get(14820);
    assert.equal(node?.commandLine, '"C:\\Program Files\\nodejs\\node.exe" C:\\Users\\Jürgen\\src\\shop\\node_modules\\vite\\bin\\vite.js --port 5173');
    assert.equal(node?.ppid, 14796);
    assert.equal(node?.startTime, 1764053100789);
    // Without admin a service's command line is null: fall back to the image name.
    assert.equal(parsed.processes.get(1096)?.commandLine, 'svchost.exe');
    assert.equal(parsed.processes.get(9876)?.name, 'wslrelay.exe');
  });

  it('accepts what Windows PowerShell 5.1 prints without projections: enum numbers, \\/Date()\\/, {value,Count}, BOM', () => {
    const raw = parsePowerShellJson(bytes('powershell/ps51-unprojected.json').toString('utf8'));
    assert.equal(raw.error, undefined);
    assert.deepEqual(summary(raw.sockets), [
      'tcp 127.0.0.1:3000 0.0.0.0:0 LISTEN 14820',
      'tcp 127.0.0.1:50123 127.0.0.1:3000 TIME_WAIT 0',
      'udp 0.0.0.0:5353 0.0.0.0:0 UNCONN 7312',
    ]);
    assert.equal(raw.processes.get(14820)?.startTime, 1764053100789);
    assert.equal(raw.processes.get(7312)?.startTime, Date.parse('2025-11-25T07:46:43.456+01:00'));
  });

  it('reports non-JSON and wrong shapes as an error, counts bad rows as malformed', () => {
    assert.match(parsePowerShellJson('Get-NetTCPConnection : The term is not recognized').error ?? '', /not JSON/);
    assert.match(parsePowerShellJson('').error ?? '', /printed nothing/);
    assert.match(parsePowerShellJson('[1,2]').error ?? '', /unexpected shape/);
    const bad = parsePowerShellJson('{"tcp":[{"LocalAddress":"x","LocalPort":1}],"udp":[{"LocalAddress":"::1","LocalPort":70000,"OwningProcess":1}],"processes":[{"Name":"a"}]}');
    assert.deepEqual([bad.error, bad.malformed, bad.sockets.length], [undefined, 3, 0]);
  });

  it('maps every MSFT_NetTCPConnection state, by name and by number', () => {
    const pairs: [string, number, string][] = [
      ['Closed', 1, 'CLOSE'], ['Listen', 2, 'LISTEN'], ['SynSent', 3, 'SYN_SENT'], ['SynReceived', 4, 'SYN_RECV'],
      ['Established', 5, 'ESTABLISHED'], ['FinWait1', 6, 'FIN_WAIT1'], ['FinWait2', 7, 'FIN_WAIT2'], ['CloseWait', 8, 'CLOSE_WAIT'],
      ['Closing', 9, 'CLOSING'], ['LastAck', 10, 'LAST_ACK'], ['TimeWait', 11, 'TIME_WAIT'], ['DeleteTCB', 12, 'CLOSE'], ['Bound', 100, 'BOUND'],
    ];
    for (const [name, n, model] of pairs) {
      assert.equal(mapWindowsTcpState(name), model, name);
      assert.equal(mapWindowsTcpState(n), model, String(n));
    }
    assert.equal(mapWindowsTcpState('toString'), 'UNKNOWN');
    assert.equal(mapWindowsTcpState(null), 'UNKNOWN');
  });

  it('reads creation dates in the three forms PowerShell may print', () => {
    assert.equal(parseCreationDate(1764053100789.4), 1764053100789);
    assert.equal(parseCreationDate('/Date(1764053100789)/'), 1764053100789);
    assert.equal(parseCreationDate('/Date(1764053100789+0100)/'), 1764053100789);
    assert.equal(parseCreationDate(null), 0);
  });

  it('builds scripts from constants only; the pid reaches processInfo through the environment', () => {
    const s = collectScript({ listeningOnly: true, udp: false });
    assert.match(s, /Get-NetTCPConnection -State Listen/);
    assert.doesNotMatch(s, /Get-NetUDPEndpoint/);
    assert.match(s, /ToUnixTimeMilliseconds/);
    assert.doesNotMatch(s, /wmic/i);
    assert.match(processInfoScript(), /\$env:PORT_INSPECTOR_PID/);
    assert.match(collectScript(), /Win32_Process/);
    assert.doesNotMatch(collectScript({ processes: false }), /Win32_Process/);
  });
});

describe('netstat -ano in three languages, decoded from the console code page', () => {
  const cases: [string, string, number][] = [
    ['English', 'netstat/english-cp437.txt', 437],
    ['German', 'netstat/german-cp850.txt', 850],
    ['Japanese', 'netstat/japanese-cp932.txt', 932],
  ];
  const reference = summary(parsePowerShellJson(bytes('powershell/collect.json').toString('utf8')).sockets
    // netstat -ano does not list BOUND sockets (that takes -q).
    .filter(s => s.state !== 'BOUND'));

  for (const [lang, file, cp] of cases) {
    it(`${lang} (code page ${cp}): every row by shape, same sockets as PowerShell reports`, () => {
      const text = decodeCodePage(bytes(file), cp);
      const parsed = parseNetstat(text);
      assert.equal(parsed.malformed, 0);
      const rows = summary(parsed.sockets);
      // netstat adds the SYN_SENT / FIN_WAIT_2 rows PowerShell's capture did not have; all others agree.
      const extra = rows.filter(r => !reference.includes(r));
      assert.deepEqual(extra, [
        'tcp 192.168.178.20:50344 20.42.65.92:443 SYN_SENT 7312',
        'tcp 192.168.178.20:50345 20.42.65.92:443 FIN_WAIT2 7312',
      ]);
      assert.deepEqual(reference.filter(r => !rows.includes(r)), []);
    });
  }

  it('decodes the headings: ABHÖREN and the Japanese column names come out right', () => {
    const de = decodeCodePage(bytes('netstat/german-cp850.txt'), 850);
    assert.match(de, /Aktive Verbindungen/);
    assert.match(de, / ABHÖREN /);
    const ja = decodeCodePage(bytes('netstat/japanese-cp932.txt'), 932);
    assert.match(ja, /アクティブな接続/);
    assert.match(ja, /プロトコル {2}ローカル アドレス/);
  });

  it('finds listeners by the wildcard foreign address even when the state word is unreadable', () => {
    // German bytes read in the wrong code page: ABH™REN (Windows-1252) or ABH\uFFFDREN.
    const wrong = parseNetstat(decodeCodePage(bytes('netstat/german-cp850.txt'), 1252));
    assert.equal(wrong.sockets.filter(s => s.state === 'LISTEN').length, 16);
    assert.ok(wrong.sockets.some(s => s.state === 'ESTABLISHED'), 'HERGESTELLT is ASCII and still read');
    const unknownWord = parseNetstat('  TCP    10.0.0.5:445    10.0.0.9:50000    ÉTABLIE    4\r\n  TCP    0.0.0.0:80    0.0.0.0:0    ÉCOUTE    4\r\n');
    assert.deepEqual(unknownWord.sockets.map(s => s.state), ['UNKNOWN', 'LISTEN']);
  });

  it('skips headings and blank lines, counts TCP/UDP lines of the wrong shape as malformed', () => {
    const p = parseNetstat('Active Connections\r\n\r\n  Proto  Local Address\r\n  TCP    1.2.3.4:80\r\n  UDP 0.0.0.0:53 *:* LISTENING 4\r\n  TCP 1.2.3.4:x 0.0.0.0:0 LISTENING 4\r\n');
    assert.deepEqual([p.sockets.length, p.malformed], [0, 3]);
  });
});

describe('code pages', () => {
  it('decodes DOS code pages from their tables (TextDecoder has none of them)', () => {
    assert.equal(decodeCodePage(Uint8Array.from([0x99, 0x84, 0x81, 0xe1]), 850), 'Öäüß');
    assert.equal(decodeCodePage(Uint8Array.from([0x9a, 0x94, 0xb3]), 437), 'Üö│');
    assert.equal(decodeCodePage(Uint8Array.from([0xd5]), 858), '€');
    assert.equal(decodeCodePage(Uint8Array.from([0xd5]), 850), 'ı');
  });

  it('decodes WHATWG code pages through TextDecoder', () => {
    assert.equal(decodeCodePage(Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]), 932), 'テスト');
    assert.equal(decodeCodePage(Buffer.from([0x8f, 0xe0]), 866), 'Пр');
    assert.equal(decodeCodePage(Buffer.from('ü', 'utf8'), 65001), 'ü');
    assert.ok(supportedCodePage(850) && supportedCodePage(932) && !supportedCodePage(12345));
  });

  it('keeps ASCII and marks the rest as unknown for a code page it does not know', () => {
    assert.equal(decodeCodePage(Uint8Array.from([0x41, 0x99, 0x3a]), 12345), 'A\uFFFD:');
  });

  it('reads chcp output in any language and the registry\'s OEMCP', () => {
    assert.equal(parseChcp(decodeCodePage(bytes('netstat/chcp-english-cp437.txt'), 437)), 437);
    assert.equal(parseChcp(decodeCodePage(bytes('netstat/chcp-german-cp850.txt'), 850)), 850);
    assert.equal(parseChcp(bytes('netstat/chcp-japanese-cp932.txt').toString('latin1')), 932);
    assert.equal(parseChcp('Parameterformat falsch'), undefined);
    assert.equal(parseRegOemcp('\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    850\r\n'), 850);
  });
});

describe('tasklist /fo csv /nh', () => {
  const cases: [string, number, number, string][] = [
    ['tasklist/english-cp437.csv', 437, 15010, 'Server, test build.exe'],
    ['tasklist/german-cp850.csv', 850, 15002, 'Umlaut-Prüfung.exe'],
    ['tasklist/japanese-cp932.csv', 932, 15020, 'テスト用サーバー.exe'],
  ];
  for (const [file, cp, pid, name] of cases) {
    it(`${path.basename(file)}: names by pid, decoded`, () => {
      const parsed = parseTasklistCsv(decodeCodePage(bytes(file), cp));
      assert.equal(parsed.malformed, 0);
      assert.equal(parsed.names.size, 15);
      assert.equal(parsed.names.get(pid), name);
      assert.equal(parsed.names.get(14820), 'node.exe');
      assert.equal(parsed.names.get(0), 'System Idle Process');
    });
  }

  it('ignores the "no tasks" info line, splits quoted CSV correctly', () => {
    assert.equal(parseTasklistCsv('INFO: No tasks are running which match the specified criteria.\r\n').names.size, 0);
    assert.deepEqual(parseCsvLine('"a ""b"", c",d,"",e'), ['a "b", c', 'd', '', 'e']);
    assert.equal(parseCsvLine('"open'), undefined);
  });
});

describe('taskkill arguments', () => {
  it('asks for the tree, and forces only when told to', () => {
    assert.deepEqual(taskkillArgs(1234, false), ['/PID', '1234', '/T']);
    assert.deepEqual(taskkillArgs(1234, true), ['/PID', '1234', '/T', '/F']);
  });
});
