// Pure parser for BSD/macOS `netstat -an -p tcp` and `netstat -an -p udp`: the kernel's whole
// socket table, every user's, without owners. The lsof back end adds the rows lsof could not
// attribute (other users' sockets without root, TIME_WAIT) as "owner not visible", so a port held
// by someone else never looks free. Never throws.
//
//   Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
//   tcp4       0      0  127.0.0.1.5432         *.*                    LISTEN
//   tcp46      0      0  *.3000                 *.*                    LISTEN
//   tcp6       0      0  fe80::1%lo0.9090       *.*                    LISTEN
//   udp4       0      0  *.5353                 *.*
//
// Address and port are joined by the LAST dot; '*' is the wildcard. tcp46/udp46 is a dual-stack
// IPv6 socket (what Linux shows as [::]).
import type { Family, Protocol, SocketRecord, SocketState } from '../model';
import { parseEndpoint } from './ipText';
import { mapLsofTcpState } from './lsofParser';

export interface BsdNetstatParse {
  records: SocketRecord[];
  malformed: number;
}

export function parseBsdNetstat(text: string): BsdNetstatParse {
  const records: SocketRecord[] = [];
  let malformed = 0;
  for (const raw of text.split('\n')) {
    const f = raw.trim().split(/\s+/);
    const m = /^(tcp|udp)(4|6|46)$/.exec(f[0] ?? '');
    if (!m) { continue; }
    const protocol = m[1] as Protocol;
    const family: Family = m[2] === '4' ? 4 : 6;
    // proto, recv-q, send-q, local, foreign[, state]
    if (f.length < 5 || f.length > 6 || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) { malformed++; continue; }
    const local = parseEndpoint(f[3], family, '.');
    const remote = parseEndpoint(f[4], family, '.');
    if (!local || !remote) { malformed++; continue; }
    let state: SocketState;
    if (protocol === 'tcp') {
      if (f.length !== 6) { malformed++; continue; }
      state = mapLsofTcpState(f[5]);
    } else {
      state = remote.port !== 0 ? 'ESTABLISHED' : 'UNCONN';
    }
    records.push({
      protocol, family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
      state, inode: 0, uid: -1, boundDevice: null, ipv6Only: null,
    });
  }
  return { records, malformed };
}
