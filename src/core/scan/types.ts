// Shapes shared by the scan engine, the CLI and the extension. States and reasons follow nmap's
// vocabulary (`nmap --reason`) so results read the same as an nmap report.
import type { Protocol } from '../model';

export type PortState = 'open' | 'closed' | 'filtered' | 'open|filtered';

/**
 * Why a port got its state. `host-unreach` on IPv4 TCP also covers ICMP admin-prohibited and
 * host-prohibited: Linux turns all of them into EHOSTUNREACH, so a connect() scanner cannot tell
 * them apart (see README "Scanning").
 */
export type PortReason =
  | 'syn-ack' | 'conn-refused' | 'no-response' | 'host-unreach' | 'net-unreach'
  | 'admin-prohibited' | 'proto-unreach' | 'udp-response' | 'port-unreach' | 'local-error';

export interface PortResult {
  port: number;
  protocol: Protocol;
  state: PortState;
  reason: PortReason;
  /** Service name from /etc/services or the shipped IANA table; '' when unknown. */
  service: string;
}

export interface ScanStats {
  /** Probes sent, retries included. */
  probes: number;
  /** Most sockets in flight at once (all workers together). */
  maxInFlight: number;
  /** Concurrency actually used after capping by the open-file limit. */
  concurrency: number;
  /** True when the requested concurrency was lowered to fit the open-file limit. */
  concurrencyCapped: boolean;
  /** TCP worker threads used; 0 when the probes ran on the calling thread. */
  workers: number;
  /** Probe timeout at the end of the scan (adapted from measured round-trip times). */
  finalTimeoutMs: number;
  /** Smoothed round-trip time in ms (-1 when nothing answered). */
  srttMs: number;
  /** Loopback self-connects detected and re-probed (never reported as open). */
  selfConnects: number;
  /** EMFILE/ENFILE/ENOBUFS and similar local shortages that were backed off and retried. */
  localErrors: number;
  /** UDP: retry rounds and the slowest probe rate used to stay under the target's ICMP limit. */
  rounds?: number;
  minRatePerSec?: number;
}

/** What the scan saw of the network between us and the target (the CLI's `--json` "network"). */
export interface NetworkReport {
  /** Probes sent, re-sends included. */
  probesSent: number;
  /** Probes sent again after the first went unanswered. */
  probesResent: number;
  /** Probe rounds (the first included); later rounds re-probe only silent ports. */
  rounds: number;
  /** Ports that answered only when probed again: evidence of loss or a rate limit. */
  answeredOnlyWhenResent: number;
  /** answeredOnlyWhenResent as a share of the ports that answered at all, in %. */
  lossPercent: number;
  /** Answers per second the target did not exceed while probed faster; null when none was seen. */
  answerRateLimitPerSec: number | null;
  /** The pace the last rounds were sent at (probes/s); null when unpaced. */
  pacedAtPerSec: number | null;
  /** One line for people ('' when the link looked ideal). */
  summary: string;
}

export interface ScanResult {
  /** What the user asked for (hostname or literal). */
  host: string;
  /** The address actually scanned. */
  address: string;
  /** Other addresses the name resolved to (not scanned). */
  otherAddresses: string[];
  protocol: Protocol;
  /** ISO time the scan started. */
  startedAt: string;
  durationMs: number;
  /** Every scanned port in ascending order. */
  ports: PortResult[];
  /** True when the scan was cancelled; `ports` then holds only the ports finished so far. */
  cancelled: boolean;
  /** Things the user should know about this scan (capped concurrency, skipped ports, nmap used). */
  notes: string[];
  stats: ScanStats;
  /** Absent for results that came from nmap. */
  network?: NetworkReport;
}

export interface ScanProgress {
  done: number;
  total: number;
  /** Open (UDP: open or open|filtered is not counted, only open) ports found so far. */
  openSoFar: number;
}

export interface ScanOptions {
  host: string;
  /** Port spec text (`22,80,1000-2000`, `all`, `top`) or an explicit list. */
  ports: string | readonly number[];
  protocol?: Protocol;
  /** Upper bound for one probe's wait in ms. Default: adaptive, starting at 1000 ms. */
  timeoutMs?: number;
  /** Sockets in flight at once; capped by the open-file limit. */
  concurrency?: number;
  /** Attempts after the first for unanswered ports (default 1, as nmap's first retry). */
  retries?: number;
  /** Worker threads for TCP (default: 2 for large scans on machines with 2+ cores). */
  workers?: number;
  /** TCP: probe in a worker thread even for a small scan, so the calling thread stays free. */
  inWorker?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** Several hosts go to nmap: this one (absolute path, from a machine-level setting) instead of the system's. */
  nmapPath?: string;
  /** The user confirmed a target of more than MANY_HOSTS addresses (0.0.0.0/0, ::/0...). */
  allowManyHosts?: boolean;
}

/** A user-facing error: bad target, bad port spec, unresolvable host. One line, no stack. */
export class ScanInputError extends Error {}

/** What every probe loop (TCP engine, UDP scan) reports when it finishes. */
export interface ProbeRunStats {
  probes: number;
  maxInFlight: number;
  selfConnects: number;
  localErrors: number;
  finalTimeoutMs: number;
  srttMs: number;
  cancelled: boolean;
}
