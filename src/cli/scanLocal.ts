// `scan` of this machine (localhost, a loopback or one of its own addresses): after nmap's report
// layout, the listeners here that the scan did not find open, each with its cause; in --json, the
// `local` member of the host's result. The comparison itself is src/core/scan/localReachability.ts,
// shared with the Scan Results view.
import type { ParsedArgs } from './args';
import { snapshotFor } from './common';
import { analyzeLocalScan, causeWords, localReportJson, type LocalReport } from '../core/scan/localReachability';
import { isLoopback, isOwnAddress } from '../core/scan/target';
import type { ScanResult } from '../core/scan/types';
import type { Snapshot } from '../core/model';
import { table } from './format';
import { visible } from '../core/visibleText';

export interface LocalComparison { report: LocalReport; json: object }

/** One comparison per result of a scan of this machine; undefined for other hosts, or when the sockets cannot be read. */
export async function localComparisons(results: readonly ScanResult[], args: ParsedArgs): Promise<(LocalComparison | undefined)[]> {
  const local = results.map(r => isLoopback(r.address) || isOwnAddress(r.address));
  if (!local.some(Boolean)) { return results.map(() => undefined); }
  let snapshot: Snapshot;
  try {
    // The same one-shot path as `list` and `who`: the previous run's owner and socket-attribute
    // caches, the tables read aside, not a cold walk of every process.
    snapshot = (await snapshotFor(args, { listeningOnly: true })).snapshot;
  } catch (e) {
    process.stderr.write(`Cannot compare with the listeners on this machine: ${e instanceof Error ? e.message : String(e)}\n`);
    return results.map(() => undefined);
  }
  return results.map((r, i) => {
    if (!local[i] || r.cancelled) { return undefined; }
    const report = analyzeLocalScan(r, snapshot.sockets);
    return { report, json: localReportJson(report) };
  });
}

/** "Listening here but not open from ADDR": one row per listener the scan did not find open, then why. */
export function localSection(r: ScanResult, comparison: LocalComparison | undefined): string {
  const list = comparison?.report.unreachable ?? [];
  if (list.length === 0) { return ''; }
  const rows = list.map(u => [
    `${u.port}/${r.protocol}`, u.state, causeWords(u.cause), u.addresses.join(', '),
    u.owners.map(o => `${o.name} (pid ${o.pid})`).join(', ') || 'owner not visible',
  ]);
  const why = list.map(u => `  ${u.port}/${r.protocol}: ${visible(u.explanation)}`).join('\n');
  return `\nListening here but not open from ${r.address}:\n${table(['PORT', 'STATE', 'CAUSE', 'LISTENING ON', 'PROCESS'], rows)}${why}\n`;
}
