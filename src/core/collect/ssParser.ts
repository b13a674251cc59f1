// Parses what iproute2's `ss -tulneH` prints: per socket inode, the two attributes /proc/net does
// not carry, which `ss` reads from the kernel's sock_diag netlink interface:
// - the bound interface (SO_BINDTODEVICE, or the scope of a link-local address), which ss appends to
//   the local address as `%dev` (`0.0.0.0%enp0s3:37000`, `[fe80::1]%enp0s3:123`);
// - IPV6_V6ONLY, which `-e` prints as `v6only:0|1` on IPv6 sockets (a dual-stack wildcard is also
//   written `*:80` rather than `[::]:80`).
// A pure function from text to attributes: running ss is socketAttributes.ts's job.

export interface SocketAttributes {
  /** '' when bound to no interface; null when not known. */
  boundDevice: string | null;
  /** IPv6 sockets: IPV6_V6ONLY; null for IPv4 sockets or when not known. */
  ipv6Only: boolean | null;
}

export interface SsParse {
  byInode: Map<number, SocketAttributes>;
  malformedLines: number;
  /**
   * True when an IPv6 socket came without `v6only:` (an ss older than that field): then neither
   * attribute is believed unless ss printed it, since such an ss may also predate `%dev`.
   */
  tooOld: boolean;
}

const INODE = / ino:(\d+)/;
const V6ONLY = / v6only:([01])(?:\s|$)/;

/** The local address column: `addr[%dev]:port`, where addr is IPv4, `[IPv6]` or `*`. */
function localEndpoint(field: string): { ipv6: boolean; device: string } | undefined {
  const colon = field.lastIndexOf(':');
  if (colon <= 0) { return undefined; }
  const host = field.slice(0, colon);
  const pct = host.lastIndexOf('%');
  // An IPv6 address is bracketed, so a '%' outside the brackets is the device.
  const device = pct > host.lastIndexOf(']') ? host.slice(pct + 1) : '';
  const addr = pct > host.lastIndexOf(']') ? host.slice(0, pct) : host;
  if (addr === '' ) { return undefined; }
  return { ipv6: addr.startsWith('[') || addr === '*', device };
}

export function parseSsListeners(text: string): SsParse {
  const byInode = new Map<number, SocketAttributes>();
  let malformedLines = 0;
  const rows: { inode: number; ipv6: boolean; device: string; v6only: boolean | null }[] = [];
  let tooOld = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') { continue; }
    const f = line.trim().split(/\s+/);
    // netid state recv-q send-q local peer [uid:N] ino:N sk:… …
    const inode = INODE.exec(line);
    const local = f.length >= 6 ? localEndpoint(f[4]) : undefined;
    if (!inode || !local || (f[0] !== 'tcp' && f[0] !== 'udp')) { malformedLines++; continue; }
    const v6 = V6ONLY.exec(line);
    const v6only = v6 ? v6[1] === '1' : null;
    if (local.ipv6 && v6only === null) { tooOld = true; }
    rows.push({ inode: Number(inode[1]), ipv6: local.ipv6, device: local.device, v6only });
  }
  for (const r of rows) {
    byInode.set(r.inode, {
      boundDevice: r.device !== '' ? r.device : tooOld ? null : '',
      ipv6Only: r.ipv6 ? r.v6only : null,
    });
  }
  return { byInode, malformedLines, tooOld };
}
