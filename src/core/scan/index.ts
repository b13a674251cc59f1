// Public face of the scan engine for the CLI and the extension.
import type { Protocol } from '../model';
import { scanWithNmap } from './nmap';
import { resolvePorts, scanHost } from './scan';
import { MANY_HOSTS, parseTarget, targetHostCount } from './target';
import { ScanInputError, type ScanOptions, type ScanResult } from './types';

export * from './types';
export { scanHost, resolvePorts } from './scan';
export { parsePortSpec, formatPortList, TOP_TCP_PORTS, TOP_UDP_PORTS } from './portSpec';
export { parseTarget, resolveTarget, isLoopback, isOwnAddress, targetHostCount, MANY_HOSTS } from './target';
export { resolveNmap } from './nmap';
export { parseNmapXml, scanWithNmap } from './nmap';

/** One host with our engine; several hosts (CIDR, list, range) through nmap. */
export async function scanTargets(options: ScanOptions): Promise<ScanResult[]> {
  const t = parseTarget(options.host);
  const protocol: Protocol = options.protocol ?? 'tcp';
  if (t.kind === 'single') { return [await scanHost({ ...options, host: t.host })]; }
  const ports = resolvePorts(options.ports, protocol);
  const hosts = targetHostCount(options.host);
  if (hosts > MANY_HOSTS && !options.allowManyHosts) {
    throw new ScanInputError(`"${options.host}" covers ${hosts.toLocaleString('en-US')} addresses, more than ${MANY_HOSTS.toLocaleString('en-US')}; confirm a scan that large explicitly`);
  }
  return (await scanWithNmap(t.hosts, ports, protocol, options.signal, options.nmapPath)).results;
}
