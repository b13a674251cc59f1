// Many hosts at once (a CIDR block, a list, a range) are the job of an existing scanner: hand them
// to nmap when it is installed and read its XML report (`-oX -`). Parsing is a pure function.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unixTool, unixToolDirs } from '../platform/systemTools';
import type { Protocol } from '../model';
import { formatPortList } from './portSpec';
import { ScanInputError, type PortReason, type PortResult, type PortState, type ScanResult } from './types';

export interface NmapHostReport {
  address: string;
  hostname: string;
  status: string;
  ports: PortResult[];
  /** Ports nmap summarised in <extraports> (e.g. 990 closed) instead of listing them. */
  extra: { state: string; count: number }[];
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) { out[m[1]] = unescapeXml(m[2]); }
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    switch (e.toLowerCase()) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      case 'amp': return '&';
      default: return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

const KNOWN_STATES = new Set(['open', 'closed', 'filtered', 'open|filtered']);

/** nmap's XML (nmap.dtd: nmaprun > host > address, hostnames, ports > port > state, service). */
export function parseNmapXml(xml: string): NmapHostReport[] {
  const hosts: NmapHostReport[] = [];
  for (const hm of xml.matchAll(/<host[\s>][\s\S]*?<\/host>/g)) {
    const h = hm[0];
    const addrTags = [...h.matchAll(/<address\s[^>]*>/g)].map(m => attrs(m[0]));
    const ip = addrTags.find(a => a.addrtype === 'ipv4' || a.addrtype === 'ipv6');
    const name = /<hostname\s[^>]*>/.exec(h);
    const status = /<status\s[^>]*>/.exec(h);
    const ports: PortResult[] = [];
    for (const pm of h.matchAll(/<port\s[^>]*>[\s\S]*?<\/port>/g)) {
      const p = attrs(/<port\s[^>]*>/.exec(pm[0])![0]);
      const st = /<state\s[^>]*>/.exec(pm[0]);
      const sv = /<service\s[^>]*>/.exec(pm[0]);
      const sa = st ? attrs(st[0]) : {};
      const state = KNOWN_STATES.has(sa.state) ? sa.state as PortState : 'filtered';
      ports.push({
        port: Number(p.portid), protocol: p.protocol === 'udp' ? 'udp' : 'tcp', state,
        reason: (sa.reason ?? 'no-response') as PortReason, service: sv ? attrs(sv[0]).name ?? '' : '',
      });
    }
    // Summarised ports: nmap >= 7.80 lists them in <extrareasons ports="1-100,102">; expand those.
    const extra: { state: string; count: number }[] = [];
    for (const em of h.matchAll(/<extraports\s[^>]*>[\s\S]*?<\/extraports>|<extraports\s[^>]*\/>/g)) {
      const a = attrs(/<extraports\s[^>]*>/.exec(em[0])![0]);
      const state = KNOWN_STATES.has(a.state) ? a.state as PortState : 'filtered';
      let expanded = 0;
      for (const rm of em[0].matchAll(/<extrareasons\s[^>]*>/g)) {
        const r = attrs(rm[0]);
        if (!r.ports) { continue; }
        for (const range of r.ports.split(',')) {
          const [lo, hi] = range.split('-').map(Number);
          for (let port = lo; port <= (hi ?? lo); port++) {
            ports.push({ port, protocol: r.proto === 'udp' ? 'udp' : 'tcp', state, reason: r.reason as PortReason, service: '' });
            expanded++;
          }
        }
      }
      if (expanded < Number(a.count)) { extra.push({ state: a.state, count: Number(a.count) - expanded }); }
    }
    ports.sort((x, y) => x.port - y.port || x.protocol.localeCompare(y.protocol));
    hosts.push({
      address: ip?.addr ?? '', hostname: name ? attrs(name[0]).name ?? '' : '',
      status: status ? attrs(status[0]).state ?? '' : '', ports, extra,
    });
  }
  return hosts;
}

export function nmapArgs(targets: readonly string[], ports: readonly number[], protocol: Protocol): string[] {
  // -sT/-sU as chosen; -Pn so hosts that ignore ping are still scanned; --reason to match ours.
  // All ports are listed in the XML (no "Not shown" summary) via --max-... not available: nmap
  // summarises closed ports in <extraports>, which we report as counts.
  return [protocol === 'udp' ? '-sU' : '-sT', '-Pn', '--reason', '-p', formatPortList(ports), '-oX', '-', '--', ...targets];
}

/** Where a system's nmap lives; only a root-owned file writable by nobody else is run from them. */
export const NMAP_DIRS = unixToolDirs('nmap');

/**
 * The nmap to run: `configured` (a machine-level setting; an absolute path to an executable file),
 * else the system's own in NMAP_DIRS. Never a PATH lookup: run as root, a project's
 * node_modules/.bin/nmap would otherwise run with root's rights. Throws ScanInputError saying why.
 */
export function resolveNmap(configured?: string, dirs: readonly string[] = NMAP_DIRS): string {
  if (configured !== undefined && configured.trim() !== '') {
    const p = configured.trim();
    if (!path.isAbsolute(p)) { throw new ScanInputError(`the nmap path "${p}" is not absolute; give the full path to nmap`); }
    try {
      const st = fs.statSync(p);
      if (st.isFile()) { fs.accessSync(p, fs.constants.X_OK); return p; }
    } catch { /* below */ }
    throw new ScanInputError(`the nmap path "${p}" is not an executable file`);
  }
  const found = unixTool('nmap', dirs);
  if (found) { return found; }
  throw new ScanInputError(`scanning several hosts needs nmap, and no root-owned nmap was found in ${dirs.join(', ')}; install it (e.g. apt-get install nmap), set its full path in the setting portInspector.scan.nmapPath, or scan one host at a time`);
}

/** Runs nmap for several hosts. Throws ScanInputError when no trusted nmap is there. */
export function scanWithNmap(targets: readonly string[], ports: readonly number[], protocol: Protocol, signal?: AbortSignal, configuredNmap?: string):
Promise<{ reports: NmapHostReport[]; results: ScanResult[] }> {
  const startedAt = new Date();
  const nmapPath = resolveNmap(configuredNmap);
  return new Promise((resolve, reject) => {
    execFile(nmapPath, nmapArgs(targets, ports, protocol), { maxBuffer: 256 * 1024 * 1024, signal }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') {
        reject(new ScanInputError(`scanning several hosts (${targets.join(' ')}) needs nmap, and ${nmapPath} is gone; install nmap or scan one host at a time`));
        return;
      }
      if (err && !stdout.includes('<nmaprun')) {
        const line = stderr.split('\n').map(l => l.trim()).find(l => l !== '') ?? (err as Error).message;
        reject(new Error(`nmap failed: ${line}`));
        return;
      }
      const reports = parseNmapXml(stdout);
      if (reports.length === 0) {
        reject(new ScanInputError(`nmap found no host to scan in "${targets.join(',')}" (names that do not resolve?)`));
        return;
      }
      const durationMs = Date.now() - startedAt.getTime();
      const results = reports.map((r): ScanResult => ({
        host: r.hostname || r.address, address: r.address, otherAddresses: [], protocol, startedAt: startedAt.toISOString(),
        durationMs, ports: r.ports, cancelled: false,
        notes: ['Scanned by nmap.', ...r.extra.map(e => `${e.count} ${e.state} ports not listed individually by nmap.`)],
        stats: { probes: 0, maxInFlight: 0, concurrency: 0, concurrencyCapped: false, workers: 0, finalTimeoutMs: 0, srttMs: -1, selfConnects: 0, localErrors: 0 },
      }));
      resolve({ reports, results });
    });
  });
}
