// Probe payloads for common UDP services, built from the protocols' specifications so that a real
// service answers (an empty datagram is ignored by most of them, which would leave the port
// open|filtered). Each comment names the specification the bytes follow.

function dnsName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map(l => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** RFC 1035 4.1: header (id, flags, QDCOUNT=1) + one question. */
function dnsQuery(id: number, flags: number, name: string, qtype: number, qclass: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(qtype, 0);
  q.writeUInt16BE(qclass, 2);
  return Buffer.concat([h, dnsName(name), q]);
}

/** BER (X.690) TLV with a short or long definite length. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

/** RFC 1157 SNMPv1 GetRequest, community "public", for sysDescr.0 (1.3.6.1.2.1.1.1.0). */
function snmpGet(): Buffer {
  const oid = tlv(0x06, Buffer.from([0x2b, 6, 1, 2, 1, 1, 1, 0]));
  const varbind = tlv(0x30, Buffer.concat([oid, tlv(0x05, Buffer.alloc(0))]));
  const pdu = tlv(0xa0, Buffer.concat([
    tlv(0x02, Buffer.from([0x12, 0x34])), // request-id
    tlv(0x02, Buffer.from([0])), // error-status
    tlv(0x02, Buffer.from([0])), // error-index
    tlv(0x30, varbind),
  ]));
  return tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), tlv(0x04, Buffer.from('public')), pdu]));
}

/** RFC 1002 4.2.17 NODE STATUS REQUEST for the wildcard name "*" (first-level encoded). */
function netbiosNodeStatus(): Buffer {
  const raw = Buffer.alloc(16);
  raw[0] = 0x2a; // '*', padded with NULs
  const enc = Buffer.alloc(32);
  for (let i = 0; i < 16; i++) {
    enc[2 * i] = 0x41 + (raw[i] >> 4);
    enc[2 * i + 1] = 0x41 + (raw[i] & 0x0f);
  }
  const h = Buffer.from([0x13, 0x37, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([h, Buffer.from([32]), enc, Buffer.from([0, 0x00, 0x21, 0x00, 0x01])]); // NBSTAT, IN
}

/** RFC 5905 7.3: 48-byte NTPv4 client request (LI 0, VN 4, Mode 3). */
function ntpRequest(): Buffer {
  const b = Buffer.alloc(48);
  b[0] = 0x23;
  return b;
}

/** RFC 5531 RPC CALL to portmapper (RFC 1833) program 100000 v2, procedure 0 (NULL), AUTH_NONE. */
function rpcPortmapNull(): Buffer {
  const b = Buffer.alloc(40);
  [0x50494e53, 0, 2, 100000, 2, 0, 0, 0, 0, 0].forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
}

/** RFC 5389 STUN Binding Request: type 0x0001, length 0, magic cookie, 96-bit transaction id. */
function stunBinding(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt32BE(0x2112a442, 4);
  Buffer.from('port-inspect', 'ascii').copy(b, 8);
  return b;
}

/** UPnP Device Architecture 1.1, 1.3.2: SSDP M-SEARCH. */
const SSDP = Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n', 'ascii');

/** memcached protocol.txt "UDP protocol": 8-byte frame header (id, seq 0, 1 datagram) + "version". */
const MEMCACHED = Buffer.concat([Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0]), Buffer.from('version\r\n', 'ascii')]);

/** RFC 1350 TFTP RRQ for a file that should not exist, octet mode: a server answers with ERROR. */
const TFTP = Buffer.concat([Buffer.from([0, 1]), Buffer.from('port-inspector-probe\0octet\0', 'ascii')]);

/** [MC-SQLR] SQL Server Resolution Protocol CLNT_UCAST_EX (0x03). */
const MSSQL_BROWSER = Buffer.from([0x03]);

/** RFC 6762/6763: mDNS query for _services._dns-sd._udp.local PTR, QU bit set so the reply is unicast. */
const MDNS = dnsQuery(0, 0, '_services._dns-sd._udp.local', 12, 0x8001);

/** RFC 4795 LLMNR query (DNS format) for a name nobody should own; responders answer only owners,
 * so this mainly avoids sending garbage. */
const LLMNR = dnsQuery(0x4c4c, 0, 'port-inspector-probe', 1, 1);

const PAYLOADS = new Map<number, Buffer>([
  [53, dnsQuery(0x5049, 0x0100, '', 2, 1)], // ". NS IN", recursion desired
  [69, TFTP],
  [111, rpcPortmapNull()],
  [123, ntpRequest()],
  [137, netbiosNodeStatus()],
  [161, snmpGet()],
  [1434, MSSQL_BROWSER],
  [1900, SSDP],
  [3478, stunBinding()],
  [5353, MDNS],
  [5355, LLMNR],
  [11211, MEMCACHED],
]);

const EMPTY = Buffer.alloc(0);

/** The payload for a port; an empty datagram elsewhere (what nmap sends by default, too). */
export function udpPayload(port: number): Buffer {
  return PAYLOADS.get(port) ?? EMPTY;
}

export const _forTests = { dnsQuery, snmpGet, netbiosNodeStatus, ntpRequest };
