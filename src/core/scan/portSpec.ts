// Port specifications as users type them (nmap-like): `22`, `1-1024`, `22,80,8000-8100`, `all` or
// `-` for 0-65535, `top` for the default list. Pure; errors are sentences meant for the user.

/** Default list: well-known service ports plus common development and database ports. */
export const TOP_TCP_PORTS: readonly number[] = [
  // well-known services
  7, 9, 13, 20, 21, 22, 23, 25, 37, 43, 53, 67, 69, 79, 80, 88, 106, 110, 111, 113, 119, 123, 135,
  137, 139, 143, 161, 179, 194, 389, 427, 443, 444, 445, 465, 500, 513, 514, 515, 543, 544, 548,
  554, 587, 631, 636, 646, 873, 902, 990, 993, 995, 1025, 1080, 1194, 1433, 1434, 1521, 1701, 1723,
  1812, 1883, 1900, 2049, 2082, 2083, 2121, 2181, 2375, 2376, 2379, 2380, 3000, 3001, 3128, 3268,
  3306, 3389, 3478, 3690, 4000, 4200, 4222, 4369, 4443, 4444, 4500, 4567, 4848, 5000, 5001, 5002,
  5005, 5037, 5060, 5061, 5173, 5222, 5269, 5353, 5355, 5432, 5433, 5500, 5555, 5601, 5672, 5900,
  5901, 5984, 5985, 5986, 6000, 6379, 6443, 6600, 6667, 7000, 7001, 7070, 7199, 7474, 7687, 8000,
  8001, 8008, 8009, 8010, 8080, 8081, 8082, 8086, 8088, 8089, 8090, 8161, 8200, 8300, 8443, 8500,
  8529, 8545, 8761, 8787, 8800, 8888, 8983, 9000, 9001, 9042, 9090, 9091, 9092, 9093, 9100, 9160,
  9200, 9229, 9300, 9418, 9443, 9999, 10000, 11211, 15672, 19000, 24224, 25565, 26257, 27017,
  27018, 28015, 32400, 50000, 50070, 61616,
];

export const TOP_UDP_PORTS: readonly number[] = [
  7, 9, 17, 19, 53, 67, 68, 69, 111, 123, 135, 137, 138, 161, 162, 177, 389, 427, 443, 497, 500,
  514, 520, 623, 626, 631, 1194, 1434, 1645, 1701, 1812, 1813, 1900, 2049, 2222, 3283, 3478, 3702,
  4500, 5000, 5060, 5353, 5355, 5683, 10000, 11211, 17185, 20031, 27015, 32768, 33434, 49152,
];

export type PortSpecParse = { ok: true; ports: number[] } | { ok: false; message: string };

function parseNumber(text: string, whole: string): number | string {
  if (!/^\d+$/.test(text)) {
    return `"${text}" in "${whole}" is not a port number (digits only, 0–65535)`;
  }
  const n = Number(text);
  if (text.length > 5 || n > 65535) {
    return `${text} in "${whole}" is out of range: ports go from 0 to 65535`;
  }
  return n;
}

/** Sorted, de-duplicated ports. `protocol` picks the `top` list. */
export function parsePortSpec(spec: string, protocol: 'tcp' | 'udp' = 'tcp'): PortSpecParse {
  const whole = spec.trim();
  if (whole === '') {
    return { ok: false, message: 'empty port spec: give e.g. 22, 1-1024, 22,80,443, top or all' };
  }
  const lower = whole.toLowerCase();
  if (lower === 'all' || lower === '-') {
    return { ok: true, ports: Array.from({ length: 65536 }, (_, i) => i) };
  }
  if (lower === 'top') {
    return { ok: true, ports: [...(protocol === 'udp' ? TOP_UDP_PORTS : TOP_TCP_PORTS)].sort((a, b) => a - b) };
  }
  const seen = new Uint8Array(65536);
  for (const rawPart of whole.split(',')) {
    const part = rawPart.trim();
    if (part === '') {
      return { ok: false, message: `empty item in port spec "${whole}" (stray comma?)` };
    }
    const dash = part.indexOf('-');
    let lo: number | string;
    let hi: number | string;
    if (dash < 0) {
      lo = hi = parseNumber(part, whole);
    } else {
      // nmap's open ranges: `-100` = 0-100 (1-100 in nmap, but 0 is a port here too), `60000-` = up to 65535
      const a = part.slice(0, dash).trim();
      const b = part.slice(dash + 1).trim();
      lo = a === '' ? 0 : parseNumber(a, whole);
      hi = b === '' ? 65535 : parseNumber(b, whole);
    }
    if (typeof lo === 'string') { return { ok: false, message: lo }; }
    if (typeof hi === 'string') { return { ok: false, message: hi }; }
    if (lo > hi) {
      return { ok: false, message: `reversed range "${part}" in "${whole}": write ${hi}-${lo}` };
    }
    seen.fill(1, lo, hi + 1);
  }
  const ports: number[] = [];
  for (let p = 0; p < 65536; p++) { if (seen[p]) { ports.push(p); } }
  return { ok: true, ports };
}

/** Compact text for a sorted port list (`22,80,8000-8100`), e.g. to hand the same set to nmap. */
export function formatPortList(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) { j++; }
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
