// A scan target the tests control: TCP listeners, a DNS responder and an NTP responder written
// here from RFC 1035 / RFC 5905, and UDP sockets that stay silent. Runs as its own process (inside
// a network namespace for the namespaced tests). Usage: node targetServer.js '<json config>'.
// Prints "ready" once every socket is bound; exits on SIGTERM.
import * as dgram from 'node:dgram';
import * as net from 'node:net';

export interface TargetConfig {
  hosts: string[];
  tcp: number[];
  udpDns: number[];
  udpNtp: number[];
  udpSilent: number[];
}

/** RFC 1035: echo the question back as a response (QR=1, RA=1, NOERROR, no answers). */
export function dnsReply(query: Buffer): Buffer | undefined {
  if (query.length < 12 || (query[2] & 0x80) !== 0) { return undefined; }
  const r = Buffer.from(query);
  r[2] = 0x80 | (query[2] & 0x79);
  r[3] = 0x80;
  r.writeUInt16BE(0, 6); r.writeUInt16BE(0, 8); r.writeUInt16BE(0, 10);
  return r;
}

/** RFC 5905: a mode 3 (client) request gets a mode 4 (server) reply, stratum 1, same version. */
export function ntpReply(req: Buffer): Buffer | undefined {
  if (req.length < 48 || (req[0] & 0x07) !== 3) { return undefined; }
  const r = Buffer.alloc(48);
  const version = (req[0] >> 3) & 0x07;
  r[0] = (version << 3) | 4;
  r[1] = 1; // stratum
  r.write('LOCL', 12, 'ascii');
  req.copy(r, 24, 40, 48); // origin timestamp = client's transmit timestamp
  const secs = Math.floor(Date.now() / 1000) + 2208988800;
  r.writeUInt32BE(secs >>> 0, 32);
  r.writeUInt32BE(secs >>> 0, 40);
  return r;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as TargetConfig;
  const jobs: Promise<void>[] = [];
  for (const host of cfg.hosts) {
    const v6 = host.includes(':');
    for (const port of cfg.tcp) {
      jobs.push(new Promise((resolve, reject) => {
        const s = net.createServer(c => { c.on('error', () => undefined); c.destroy(); });
        s.on('error', reject);
        s.listen({ port, host, ipv6Only: v6 }, () => resolve());
      }));
    }
    const udp = (ports: number[], answer?: (m: Buffer) => Buffer | undefined) => {
      for (const port of ports) {
        jobs.push(new Promise((resolve, reject) => {
          const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
          s.on('error', reject);
          s.on('message', (m, r) => { const out = answer?.(m); if (out) { s.send(out, r.port, r.address); } });
          s.bind(port, host, () => resolve());
        }));
      }
    };
    udp(cfg.udpDns, dnsReply);
    udp(cfg.udpNtp, ntpReply);
    udp(cfg.udpSilent);
  }
  await Promise.all(jobs);
  process.stdout.write('ready\n');
}

if (require.main === module) {
  process.on('SIGTERM', () => process.exit(0));
  main().catch(e => { process.stderr.write(`target failed: ${(e as Error).message}\n`); process.exit(1); });
}
