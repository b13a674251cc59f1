// Address text in the one form every back end reports (the /proc back end's): RFC 5952 IPv6,
// IPv4-mapped IPv6 as plain dotted IPv4.
import type { Family } from '../model';
import { formatIpv6Groups } from './procNetParser';

/**
 * Canonical text of an IPv6 address (RFC 5952, as the /proc back end prints it); IPv4-mapped
 * addresses become plain dotted IPv4. A zone (%lo0) is kept. undefined when it is not IPv6.
 */
export function normalizeIpv6(text: string): string | undefined {
  const pct = text.indexOf('%');
  const zone = pct >= 0 ? text.slice(pct) : '';
  // A zone is an interface name or index: never empty, no spaces, control characters or '/'.
  if (pct >= 0 && !/^%[^\s%/]{1,64}$/.test(zone)) { return undefined; }
  const addr = (pct >= 0 ? text.slice(0, pct) : text).toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(addr) || !addr.includes(':')) { return undefined; }
  let head = addr;
  const lastColon = addr.lastIndexOf(':');
  const tail = addr.slice(lastColon + 1);
  if (tail.includes('.')) {
    // Embedded IPv4 (::ffff:1.2.3.4): rewrite as two hex groups and parse like any other.
    if (!isIpv4(tail)) { return undefined; }
    const o = tail.split('.').map(Number);
    head = `${addr.slice(0, lastColon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const parts = head.split('::');
  if (parts.length > 2) { return undefined; }
  const parse = (s: string): number[] | undefined => {
    if (s === '') { return []; }
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) { return undefined; }
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(parts[0]);
  const right = parts.length === 2 ? parse(parts[1]) : [];
  if (!left || !right) { return undefined; }
  let groups: number[];
  if (parts.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) { return undefined; }
    groups = [...left, ...new Array<number>(fill).fill(0), ...right];
  } else {
    if (left.length !== 8) { return undefined; }
    groups = left;
  }
  // BSD's KAME stack embeds the scope id of a link-local address in its second group
  // (fe80:4::1%en0); with the zone given as well, drop it so both spellings compare equal.
  if (zone !== '' && groups[0] === 0xfe80 && groups[1] !== 0) { groups[1] = 0; }
  if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff && zone === '') {
    return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
  }
  return formatIpv6Groups(groups) + zone;
}

/** Dotted quad as the tools print it: no leading zeros (which some parsers read as octal). */
export function isIpv4(text: string): boolean {
  const o = text.split('.');
  return o.length === 4 && o.every(x => /^(0|[1-9]\d{0,2})$/.test(x) && Number(x) <= 255);
}


/**
 * "127.0.0.1:80", "[::1]:80", "*:80", "*:*" (lsof, netstat) -> address and port (wildcards as
 * 0.0.0.0 / :: and 0). With separator '.' it reads BSD netstat's "127.0.0.1.80", "::1.80", "*.*",
 * where an IPv6 host needs no brackets because the port is split off at the last dot.
 */
export function parseEndpoint(text: string, family: Family, separator: ':' | '.' = ':'): { address: string; port: number } | undefined {
  const split = text.lastIndexOf(separator);
  if (split <= 0) { return undefined; }
  const host = text.slice(0, split);
  const portText = text.slice(split + 1);
  let port: number;
  if (portText === '*') { port = 0; }
  else if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) { port = Number(portText); }
  else { return undefined; }
  if (host === '*') { return { address: family === 4 ? '0.0.0.0' : '::', port }; }
  if (host.startsWith('[') && host.endsWith(']')) {
    const address = normalizeIpv6(host.slice(1, -1));
    return address === undefined ? undefined : { address, port };
  }
  if (isIpv4(host)) { return { address: host, port }; }
  if (separator === '.') {
    const address = normalizeIpv6(host);
    return address === undefined ? undefined : { address, port };
  }
  return undefined;
}

