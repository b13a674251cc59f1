// `port-inspector scan HOST [-p SPEC] [--udp] [--json] [--timeout MS] [--concurrency N] [--retries N] [--reason] [--yes]`
// Human output follows nmap's report layout; --json prints exactly the documented shape.
import { parseArgs, UsageError } from './args';
import { scanTargets, targetHostCount, MANY_HOSTS, ScanInputError, type ScanResult, type PortResult } from '../core/scan/index';
import { scanToJson } from '../core/scan/exportResults';
import { localComparisons, localSection } from './scanLocal';

const SPECS = [
  { names: ['-p', '--ports'], value: true },
  { names: ['--udp', '-sU'] },
  { names: ['--tcp', '-sT'] },
  { names: ['--json'] },
  { names: ['--reason'] },
  { names: ['--timeout'], value: true },
  { names: ['--concurrency'], value: true },
  { names: ['--retries'], value: true },
  { names: ['--yes', '-y'] },
];

function intFlag(v: string | true | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === true) { return undefined; }
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  }
  return Number(v);
}

export async function scanCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, SPECS);
  if (positionals.length === 0) { throw new UsageError('missing HOST (e.g. port-inspector scan localhost -p 1-1024)'); }
  if (flags.has('--udp') && flags.has('--tcp')) { throw new UsageError('choose one of --tcp and --udp'); }
  // several HOST arguments form a list, like nmap's targets
  const host = positionals.join(',');
  const protocol = flags.has('--udp') ? 'udp' : 'tcp';
  const spec = flags.get('-p');
  const timeoutMs = intFlag(flags.get('--timeout'), '--timeout', 1, 60000);
  const concurrency = intFlag(flags.get('--concurrency'), '--concurrency', 1, 1_000_000);
  const retries = intFlag(flags.get('--retries'), '--retries', 0, 10);
  const json = flags.has('--json');
  let hosts: number;
  try { hosts = targetHostCount(host); } catch (e) { throw e instanceof ScanInputError ? new UsageError(e.message) : e; }
  const allowManyHosts = flags.has('--yes');
  if (hosts > MANY_HOSTS && !allowManyHosts) {
    throw new UsageError(`"${host}" covers ${hosts.toLocaleString('en-US')} addresses (more than ${MANY_HOSTS.toLocaleString('en-US')}); add --yes to scan that many`);
  }

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const showProgress = !json && process.stderr.isTTY === true;
  let results: ScanResult[];
  try {
    results = await scanTargets({
      host, ports: typeof spec === 'string' ? spec : 'top', protocol, timeoutMs, concurrency, retries, allowManyHosts, signal: abort.signal,
      onProgress: showProgress ? p => { process.stderr.write(`\r${Math.floor((100 * p.done) / Math.max(1, p.total))}% (${p.done}/${p.total} ports, ${p.openSoFar} open)`); } : undefined,
    });
  } catch (e) {
    if (e instanceof ScanInputError) { throw new UsageError(e.message); }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (showProgress) { process.stderr.write('\r\x1b[K'); }
  }
  const locals = await localComparisons(results, { positionals, flags });
  if (json) {
    process.stdout.write(scanToJson(results, process.stdout.isTTY === true, locals.map(l => l?.json)));
  } else {
    process.stdout.write(results.map((r, i) => formatReport(r, flags.has('--reason')) + localSection(r, locals[i])).join('\n'));
    const total = results.reduce((a, r) => Math.max(a, r.durationMs), 0);
    process.stdout.write(`Done: ${results.length} host${results.length === 1 ? '' : 's'} scanned in ${(total / 1000).toFixed(2)} seconds\n`);
  }
  return results.some(r => r.cancelled) ? 130 : 0;
}

/** States with more than this many ports are summarised (as nmap does), closed ones always. */
const SUMMARISE_ABOVE = 25;

export function formatReport(r: ScanResult, withReason: boolean): string {
  const lines: string[] = [];
  lines.push(`Scan report for ${r.host === r.address ? r.address : `${r.host} (${r.address})`}${r.cancelled ? ' (cancelled: partial results)' : ''}`);
  if (r.otherAddresses.length > 0) { lines.push(`Other addresses for ${r.host} (not scanned): ${r.otherAddresses.join(' ')}`); }
  const groups = new Map<string, PortResult[]>();
  for (const p of r.ports) {
    const key = `${p.state}\u0000${p.reason}`;
    const list = groups.get(key);
    if (list) { list.push(p); } else { groups.set(key, [p]); }
  }
  const hidden = new Set<string>();
  for (const [key, list] of groups) {
    const [state] = key.split('\u0000');
    if (state === 'closed' || list.length > SUMMARISE_ABOVE) { hidden.add(key); }
  }
  for (const key of hidden) {
    const [state, reason] = key.split('\u0000');
    const n = groups.get(key)!.length;
    lines.push(`Not shown: ${n} ${state} ${r.protocol} port${n === 1 ? '' : 's'} (${reason})`);
  }
  const shown = r.ports.filter(p => !hidden.has(`${p.state}\u0000${p.reason}`));
  if (shown.length > 0) {
    const rows = shown.map(p => [`${p.port}/${p.protocol}`, p.state, p.service || 'unknown', p.reason]);
    const head = ['PORT', 'STATE', 'SERVICE', 'REASON'];
    const cols = withReason ? 4 : 3;
    const width = head.slice(0, cols).map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)));
    const fmt = (row: string[]) => row.slice(0, cols).map((c, i) => (i === cols - 1 ? c : c.padEnd(width[i]))).join('  ');
    lines.push(fmt(head));
    for (const row of rows) { lines.push(fmt(row)); }
  } else if (r.ports.length > 0) {
    lines.push('(every scanned port is in the summary above)');
  }
  if (r.network?.summary) { lines.push(`Network: ${r.network.summary}`); }
  for (const n of r.notes) { lines.push(`Note: ${n}`); }
  return lines.join('\n') + '\n';
}
