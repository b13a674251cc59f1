// Public face of the scan engine for the CLI and the extension.
import type { Protocol } from '../model';
import { scanWithNmap } from './nmap';
import { resolvePorts, scanHost } from './scan';
import { parseTarget } from './target';
import type { ScanOptions, ScanResult } from './types';

export * from './types';
export { scanHost, resolvePorts } from './scan';
export { parsePortSpec, formatPortList, TOP_TCP_PORTS, TOP_UDP_PORTS } from './portSpec';
export { parseTarget, resolveTarget, isLoopback, isOwnAddress } from './target';
export { parseNmapXml, scanWithNmap } from './nmap';

/** One host with our engine; several hosts (CIDR, list, range) through nmap. */
export async function scanTargets(options: ScanOptions): Promise<ScanResult[]> {
  const t = parseTarget(options.host);
  const protocol: Protocol = options.protocol ?? 'tcp';
  if (t.kind === 'single') { return [await scanHost({ ...options, host: t.host })]; }
  const ports = resolvePorts(options.ports, protocol);
  return (await scanWithNmap(t.hosts, ports, protocol, options.signal)).results;
}
