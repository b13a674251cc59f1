// npm run bench:scan — our scanner and nmap side by side, in namespaces this benchmark builds
// (test/unit/core/scan/support/netns.ts: 198.18.0.0/30 between a scanner and a target namespace; loopback scans
// on the target namespace's private 127.0.0.1). Runs alternate tool by tool; wall-clock times
// include process start. Prints a markdown table (medians, min-max, ratio ours/nmap per run) and
// the per-port agreement with the configuration and with nmap, for an ideal link and behind 5 %
// random loss and a 300 SYN/s limit; and how long a cancelled scan takes to settle. Needs root
// and nmap; says so otherwise.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseNmapXml } from '../src/core/scan/nmap';
import { formatPortList } from '../src/core/scan/portSpec';
import { DROPALL_OPEN, MIXED, dropAllRules, expectedTcpV4, expectedUdpV4, mixedRules, udpList } from '../test/unit/core/scan/support/expect';
import { LOSS_RULE, SYN_LIMIT_RULE, wrongTcpPorts } from '../test/unit/core/scan/support/imperfect';
import { TARGET_V4, TestNet, hasNmap, netnsUnavailable } from '../test/unit/core/scan/support/netns';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** BENCH_SCENARIOS=loopback,dropall,mixed,udp,loss,synlimit,both,cancel (default: all) */
const ONLY = new Set((process.env.BENCH_SCENARIOS ?? 'loopback,dropall,mixed,udp,loss,synlimit,both,cancel').split(','));

type States = Map<number, string>;
interface Tool { name: string; cmd: string[]; parse(stdout: string): States; runs: number }
interface Row { scenario: string; tool: string; times: number[]; states: States[] }

const ours = (args: string[], runs = RUNS): Tool => ({
  name: `port-inspector scan ${args.join(' ')}`, cmd: [...NOBODY, process.execPath, cli, 'scan', ...args, '--json'], runs,
  parse: out => new Map((JSON.parse(out) as { ports: { port: number; state: string }[] }).ports.map(p => [p.port, p.state])),
});
const nmap = (args: string[], runs = RUNS, asRoot = false): Tool => ({
  name: `nmap ${args.join(' ')}${asRoot ? ' (root)' : ''}`, cmd: [...(asRoot ? [] : NOBODY), 'nmap', '-n', '-Pn', ...args, '-oX', '-'], runs,
  parse: out => new Map(parseNmapXml(out)[0]?.ports.map(p => [p.port, p.state]) ?? []),
});

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (ms: number) => (ms / 1000).toFixed(2);

async function measure(net: TestNet, scenario: string, tools: Tool[], ns: string): Promise<Row[]> {
  const rows = tools.map(t => ({ scenario, tool: t.name, times: [] as number[], states: [] as States[] }));
  const max = Math.max(...tools.map(t => t.runs));
  for (let i = 0; i < max; i++) {
    for (const [k, t] of tools.entries()) {
      if (i >= t.runs) { continue; }
      const [cmd, ...args] = t.cmd;
      const { stdout, ms } = await net.exec(cmd, args, 1_800_000, ns);
      rows[k].times.push(ms);
      rows[k].states.push(t.parse(stdout));
      process.stderr.write(`  ${scenario} | ${t.name} | run ${i + 1}: ${fmt(ms)} s\n`);
    }
  }
  return rows;
}

/** Ports whose state differs from `expected` in any run of a row. */
function wrong(row: Row, expected: (port: number) => string | string[]): { runs: number[]; examples: string[] } {
  const runs: number[] = [];
  const examples: string[] = [];
  for (const st of row.states) {
    let n = 0;
    for (const [port, s] of st) {
      const e = expected(port);
      if (Array.isArray(e) ? !e.includes(s) : e !== s) { n++; if (examples.length < 4) { examples.push(`${port}:${s}≠${e}`); } }
    }
    runs.push(n);
  }
  return { runs, examples };
}

function openSet(st: States): string {
  return [...st].filter(([, s]) => s === 'open').map(([p]) => p).join(',');
}

async function main(): Promise<void> {
  const why = netnsUnavailable();
  if (why) { console.error(`bench:scan needs network namespaces: ${why}`); process.exit(1); }
  if (!hasNmap()) { console.error('bench:scan compares with nmap, which is not installed (apt-get install nmap)'); process.exit(1); }
  if (!existsSync(cli)) { console.error(`${cli} is missing: run "npm run build" first`); process.exit(1); }
  const net = new TestNet('bench');
  const table: string[] = [];
  const notes: string[] = [];
  const line = (r: Row, ref: Row | undefined, check: string) => {
    const m = median(r.times);
    // ratio of each of our runs to the reference tool's median in the same scenario
    const ratios = ref && ref !== r ? r.times.map(t => t / median(ref.times)) : [];
    const ratio = ratios.length === 0 ? '1.00' : `${(m / median(ref!.times)).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    table.push(`| ${r.scenario} | ${r.tool} | ${r.times.length} | ${fmt(m)} | ${fmt(Math.min(...r.times))}–${fmt(Math.max(...r.times))} | ${ratio} | ${check} |`);
  };
  /** Imperfect links in front of the mixed host: ours three times, nmap once (it takes 25-45 s). */
  const imperfect = async (key: string, scenario: string, rules: string[], spec: string) => {
    if (!ONLY.has(key)) { return; }
    net.firewall([...rules, ...mixedRules()]);
    const rows = await measure(net, scenario, [ours([TARGET_V4, '-p', spec], 3), nmap(['-sT', '-p', spec === 'all' ? '0-65535' : spec, TARGET_V4], 1)], net.scanner);
    for (const r of rows) {
      const w = r.states.map(st => wrongTcpPorts([...st].map(([port, state]) => ({ port, state }))));
      const perRun = w.map(x => x.length);
      line(r, rows[1], `${perRun.every(n => n === 0) ? 'states = config, every run' : `wrong per run: ${perRun.join('/')} (${w.flat().slice(0, 4).map(p => `${p.port}:${p.state}`).join(' ')})`}`);
    }
  };
  try {
    net.create();
    // 1. loopback, 20 listeners, full range (the target namespace's own 127.0.0.1)
    const listeners = Array.from({ length: 20 }, (_, i) => 1000 + i * 3217);
    net.clearFirewall();
    await net.startTarget({ hosts: ['127.0.0.1'], tcp: listeners, udpDns: [], udpNtp: [], udpSilent: [] });
    const lo = !ONLY.has('loopback') ? [] : await measure(net, 'loopback 0-65535, 20 listeners', [
      ours(['127.0.0.1', '-p', 'all']), nmap(['-sT', '-p', '0-65535', '127.0.0.1']), nmap(['-sS', '-p', '0-65535', '127.0.0.1'], RUNS, true),
    ], net.target);
    const want = listeners.join(',');
    for (const r of lo) { line(r, lo[1], r.states.every(s => openSet(s) === want) ? 'same 20 open, every run' : `open set differs: ${r.states.map(openSet).join(' / ')}`); }

    // 2. target with everything but three ports DROPped
    await net.startTarget({ hosts: [TARGET_V4], tcp: [...MIXED.tcpOpen], udpDns: MIXED.udpDns, udpNtp: MIXED.udpNtp, udpSilent: MIXED.udpSilent });
    net.firewall(dropAllRules());
    const drop = !ONLY.has('dropall') ? [] : await measure(net, 'DROP all but 3, 0-65535', [ours([TARGET_V4, '-p', 'all'], 3), nmap(['-sT', '-T4', '-p', '0-65535', TARGET_V4], 1)], net.scanner);
    for (const r of drop) {
      const w = wrong(r, p => (DROPALL_OPEN.includes(p) ? 'open' : 'filtered'));
      line(r, drop[1], w.runs.every(n => n === 0) ? 'states = config' : `wrong per run: ${w.runs.join('/')} (${w.examples.join(' ')})`);
    }

    // 3. mixed DROP / REJECT (reset, ICMP port-unreach, admin-prohibited, host/net-unreach) / open, default ICMP limit
    net.firewall(mixedRules());
    const mixed = !ONLY.has('mixed') ? [] : await measure(net, 'mixed, 0-65535', [ours([TARGET_V4, '-p', 'all'], 3), nmap(['-sT', '-p', '0-65535', TARGET_V4], 3)], net.scanner);
    const icmpOk = (p: number) => (MIXED.tcpIcmpPort.includes(p) ? ['closed', 'filtered'] : expectedTcpV4(p).state);
    for (const r of mixed) {
      const w = wrong(r, icmpOk);
      const closedIcmp = r.states.map(st => MIXED.tcpIcmpPort.filter(p => st.get(p) === 'closed').length);
      line(r, mixed[1], `${w.runs.every(n => n === 0) ? 'states = config' : `wrong per run: ${w.runs.join('/')} (${w.examples.join(' ')})`}; ICMP-rejected ports closed per run: ${closedIcmp.join('/')} of 10`);
    }
    const disagree = mixed.length === 0 ? [] : mixed[0].states.map((st, i) => [...st].filter(([p, s]) => mixed[1].states[i]?.get(p) !== s && !MIXED.tcpIcmpPort.includes(p)).length);
    if (mixed.length > 0) notes.push(`mixed: ports (outside the ICMP port-unreachable group) where our state differs from nmap's in the same round: ${disagree.join('/')}`);

    // 4. UDP, the same 100 ports for both tools; ICMP limit off, then the kernel default
    const list = udpList();
    const spec = formatPortList(list);
    net.icmpRateLimit(0);
    const udp0 = !ONLY.has('udp') ? [] : await measure(net, 'UDP 100 ports, icmp_ratelimit=0', [ours([TARGET_V4, '--udp', '-p', spec], 3), nmap(['-sU', '-p', spec, TARGET_V4], 3, true)], net.scanner);
    for (const r of udp0) {
      const w = wrong(r, p => expectedUdpV4(p).state);
      line(r, udp0[1], w.runs.every(n => n === 0) ? 'states = config' : `wrong per run: ${w.runs.join('/')} (${w.examples.join(' ')})`);
    }
    net.icmpRateLimit(0);
    // 5. imperfect links (the ICMP limit off, as in the tests: only the rules in front differ)
    await imperfect('loss', 'mixed behind 5 % random loss, 0-65535', [LOSS_RULE], 'all');
    await imperfect('synlimit', 'mixed behind 300 SYN/s (burst 50), 1-5000', [SYN_LIMIT_RULE], '1-5000');
    await imperfect('both', 'mixed behind 5 % loss + 300 SYN/s, 1-5000', [LOSS_RULE, SYN_LIMIT_RULE], '1-5000');

    // 6. cancelling a full-range scan of the DROP-everything host: time from abort to settled
    if (ONLY.has('cancel')) {
      net.firewall(dropAllRules());
      const checks = path.join(root, 'out/test/unit/core/scan/support/inNamespaceChecks.js');
      for (const proto of ['tcp', 'udp']) {
        const settle: number[] = [];
        const fdsBack: boolean[] = [];
        for (let i = 0; i < RUNS; i++) {
          const { stdout } = await net.exec(process.execPath, [checks, 'cancel', TARGET_V4, proto], 60_000, net.scanner);
          const c = JSON.parse(stdout) as { settleMs: number; fdsBefore: number; fdsAtSettle: number };
          settle.push(c.settleMs);
          fdsBack.push(c.fdsAtSettle === c.fdsBefore);
        }
        notes.push(`cancel (${proto.toUpperCase()} 0-65535 of the DROP-everything host, abort after 400 ms): settled ${Math.min(...settle).toFixed(0)}–${Math.max(...settle).toFixed(0)} ms after the abort over ${RUNS} runs (target ≤ 200 ms); fds back at settle: ${fdsBack.every(Boolean) ? 'every run' : fdsBack.map(b => (b ? 'yes' : 'NO')).join('/')}`);
      }
    }
    net.firewall(mixedRules());

    net.icmpRateLimit(1000);
    const udpD = !ONLY.has('udp') ? [] : await measure(net, 'UDP 100 ports, default ICMP limit', [ours([TARGET_V4, '--udp', '-p', spec], 1), nmap(['-sU', '-p', spec, TARGET_V4], 1, true)], net.scanner);
    for (const r of udpD) {
      const w = wrong(r, p => expectedUdpV4(p).state);
      line(r, udpD[1], w.runs.every(n => n === 0) ? 'states = config' : `wrong: ${w.runs.join('/')} (e.g. ${w.examples.join(' ')})`);
    }
  } finally {
    net.destroy();
  }
  console.log('| scenario | tool | runs | median s | min–max s | ratio to nmap -sT / -sU: median (per run) | states |');
  console.log('|---|---|---|---|---|---|---|');
  for (const l of table) { console.log(l); }
  for (const n of notes) { console.log(`\n${n}`); }
}

void main().catch(e => { console.error(`bench:scan failed: ${(e as Error).message}`); process.exit(1); });
