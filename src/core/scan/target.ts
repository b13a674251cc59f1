// What the user typed as a scan target: one host (name, IPv4, IPv6 literal) or many (CIDR block,
// list, IPv4 range), which we hand to nmap. Syntax checks are pure; resolution uses the system
// resolver (dns.lookup, i.e. /etc/hosts and nsswitch, like every other program on the machine).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ScanInputError } from './types';

export type TargetKind = { kind: 'single'; host: string } | { kind: 'multi'; hosts: string[] };

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** Classifies and syntax-checks target text. Throws ScanInputError with one clear sentence. */
export function parseTarget(text: string): TargetKind {
  const t = text.trim();
  if (t === '') { throw new ScanInputError('no target given: name a host, e.g. localhost or 192.168.1.10'); }
  if (/\s/.test(t)) {
    throw new ScanInputError(`"${t}" contains spaces: a host name cannot; separate several hosts with commas`);
  }
  const items = t.split(',');
  if (items.some(i => i === '')) { throw new ScanInputError(`empty item in target list "${t}" (stray comma?)`); }
  if (items.length > 1) {
    for (const i of items) { checkOne(i, true); }
    return { kind: 'multi', hosts: items };
  }
  const one = stripBrackets(items[0]);
  if (checkOne(one, true) === 'multi') { return { kind: 'multi', hosts: [one] }; }
  return { kind: 'single', host: one };
}

function stripBrackets(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
}

function checkOne(raw: string, allowMulti: boolean): 'single' | 'multi' {
  const s = stripBrackets(raw);
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const addr = s.slice(0, slash);
    const bits = s.slice(slash + 1);
    const fam = isIP(addr);
    const max = fam === 6 ? 128 : 32;
    if (!fam && !HOSTNAME.test(addr)) { throw new ScanInputError(`"${raw}" is not a host or CIDR block`); }
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      throw new ScanInputError(`"${raw}": the prefix length must be 0–${max}`);
    }
    if (!allowMulti) { throw new ScanInputError(`"${raw}" names many hosts`); }
    return 'multi';
  }
  if (isIP(s)) { return 'single'; }
  // nmap-style IPv4 ranges: 10.0.0.1-20, 10.0.0-3.*
  if (/^[\d*,-]+\.[\d*,-]+\.[\d*,-]+\.[\d*,-]+$/.test(s) && /[-*]/.test(s)) {
    for (const octet of s.split('.')) {
      for (const piece of octet.split('-')) {
        if (piece !== '*' && piece !== '' && (!/^\d{1,3}$/.test(piece) || Number(piece) > 255)) {
          throw new ScanInputError(`"${raw}" is not a valid IPv4 address range`);
        }
      }
    }
    return 'multi';
  }
  if (/^[\d.]+$/.test(s)) { throw new ScanInputError(`"${raw}" is not a valid IPv4 address`); }
  if (s.includes(':')) { throw new ScanInputError(`"${raw}" is not a valid IPv6 address`); }
  if (!HOSTNAME.test(s)) {
    throw new ScanInputError(`"${raw}" is not a valid host name (letters, digits, '-' and '.' only)`);
  }
  return 'single';
}

export interface ResolvedTarget {
  host: string;
  address: string;
  family: 4 | 6;
  otherAddresses: string[];
  /** Loopback address (127.0.0.0/8, ::1). */
  loopback: boolean;
  /** An address of this machine (loopback or one of its interfaces). */
  local: boolean;
}

/** The system resolver's answer for a name: every address, in the resolver's order. */
export type LookupAll = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: LookupAll = h => lookup(h, { all: true });

/** Resolves one host; IPv4 preferred (as nmap does) when a name has both. */
export async function resolveTarget(host: string, lookupAll: LookupAll = systemLookup): Promise<ResolvedTarget> {
  const h = stripBrackets(host.trim());
  let addrs: { address: string; family: number }[];
  const fam = isIP(h);
  if (fam) {
    addrs = [{ address: h, family: fam }];
  } else {
    try {
      addrs = await lookupAll(h);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ScanInputError(`cannot resolve host "${h}"${code ? ` (${code})` : ''}`);
    }
    if (addrs.length === 0) { throw new ScanInputError(`cannot resolve host "${h}" (no addresses)`); }
  }
  const chosen = addrs.find(a => a.family === 4) ?? addrs[0];
  const others = [...new Set(addrs.map(a => a.address))].filter(a => a !== chosen.address);
  const loopback = isLoopback(chosen.address);
  return {
    host: h,
    address: chosen.address,
    family: chosen.family === 6 ? 6 : 4,
    otherAddresses: others,
    loopback,
    local: loopback || isOwnAddress(chosen.address),
  };
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}

export function isOwnAddress(address: string): boolean {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) { if (a.address === address) { return true; } }
  }
  return address === '0.0.0.0' || address === '::';
}

/** More hosts than this in one target (a /20) is asked about before the scan starts. */
export const MANY_HOSTS = 4096;

/**
 * How many addresses a target text covers: 2^(bits left) for a CIDR block, the product of the
 * octet spans for an nmap-style IPv4 range, one per name or address. Syntax is checked first.
 */
export function targetHostCount(text: string): number {
  const t = parseTarget(text);
  const items = t.kind === 'single' ? [t.host] : t.hosts;
  let total = 0;
  for (const raw of items) {
    const s = stripBrackets(raw);
    const slash = s.indexOf('/');
    if (slash >= 0) {
      const max = isIP(s.slice(0, slash)) === 6 ? 128 : 32;
      total += 2 ** (max - Number(s.slice(slash + 1)));
    } else if (!isIP(s) && /[-*]/.test(s) && /^[\d*,-]+(\.[\d*,-]+){3}$/.test(s)) {
      total += s.split('.').reduce((n, octet) => n * octetCount(octet), 1);
    } else {
      total += 1;
    }
  }
  return total;
}

function octetCount(octet: string): number {
  let n = 0;
  for (const part of octet.split(',')) {
    if (part === '*') { n += 256; continue; }
    const [lo, hi] = part.split('-');
    const a = lo === '' ? 0 : Number(lo);
    const b = hi === undefined ? a : hi === '' ? 255 : Number(hi);
    n += Math.max(0, b - a + 1);
  }
  return n;
}
