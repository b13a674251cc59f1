// Service names for common ports, written from IANA's "Service Name and Transport Protocol Port
// Number Registry" (service-names-port-numbers). Used where /etc/services is missing (Windows,
// minimal containers) or silent. Deliberately not derived from nmap's nmap-services file, whose
// licence does not fit an MIT extension. Format: "port name" for tcp+udp, "port/tcp name" or
// "port/udp name" where the registry differs per protocol or assigns only one.
const TABLE = `
1/tcp tcpmux
7 echo
9 discard
13 daytime
17 qotd
19 chargen
20/tcp ftp-data
21/tcp ftp
22 ssh
23/tcp telnet
25/tcp smtp
37 time
43/tcp nicname
49 tacacs
53 domain
67/udp bootps
68/udp bootpc
69/udp tftp
70/tcp gopher
79/tcp finger
80/tcp http
88 kerberos
102/tcp iso-tsap
110/tcp pop3
111 sunrpc
113/tcp ident
119/tcp nntp
123/udp ntp
135 epmap
137/udp netbios-ns
138/udp netbios-dgm
139/tcp netbios-ssn
143/tcp imap
161/udp snmp
162/udp snmptrap
177/udp xdmcp
179/tcp bgp
194/tcp irc
389 ldap
427 svrloc
443/tcp https
443/udp https
445/tcp microsoft-ds
464 kpasswd
465/tcp submissions
497 retrospect
500/udp isakmp
512/tcp exec
513/tcp login
513/udp who
514/tcp shell
514/udp syslog
515/tcp printer
520/udp router
543/tcp klogin
544/tcp kshell
546/udp dhcpv6-client
547/udp dhcpv6-server
548/tcp afp
554 rtsp
587/tcp submission
623/udp asf-rmcp
631 ipp
636/tcp ldaps
646 ldp
873/tcp rsync
902 ideafarm-door
989/tcp ftps-data
990/tcp ftps
993/tcp imaps
995/tcp pop3s
1080/tcp socks
1194 openvpn
1433/tcp ms-sql-s
1434/udp ms-sql-m
1521/tcp ncube-lm
1701/udp l2f
1723/tcp pptp
1812/udp radius
1813/udp radius-acct
1883/tcp mqtt
1900/udp ssdp
2049 nfs
2181/tcp eforward
2375/tcp docker
2376/tcp docker-s
2379/tcp etcd-client
2380/tcp etcd-server
3000/tcp hbci
3128/tcp ndl-aas
3268/tcp msft-gc
3306/tcp mysql
3389/tcp ms-wbt-server
3478 stun
3690/tcp svn
3702/udp ws-discovery
4369/tcp epmd
4500/udp ipsec-nat-t
5060 sip
5061/tcp sips
5222/tcp xmpp-client
5269/tcp xmpp-server
5353/udp mdns
5355/udp llmnr
5432/tcp postgresql
5671/tcp amqps
5672/tcp amqp
5683/udp coap
5900/tcp rfb
5984/tcp couchdb
5985/tcp wsman
5986/tcp wsmans
6000/tcp x11
6379/tcp redis
6443/tcp sun-sr-https
6653/tcp openflow
6667/tcp ircu
7000/tcp afs3-fileserver
7474/tcp neo4j
8000/tcp irdmi
8008/tcp http-alt
8080/tcp http-alt
8086/tcp d-s-n
8088/tcp radan-http
8443/tcp pcsync-https
8883/tcp secure-mqtt
9042/tcp cql
9090/tcp websm
9092/tcp XmlIpcRegSvc
9100/tcp pdl-datastream
9200/tcp wap-wsp
9418/tcp git
9999/tcp distinct
10000/tcp ndmp
11211 memcache
27017/tcp mongodb
`;

let parsed: Map<string, string> | undefined;

/** `${port}/${protocol}` -> name, from the table above. */
export function ianaServiceTable(): Map<string, string> {
  if (parsed) { return parsed; }
  parsed = new Map();
  for (const line of TABLE.split('\n')) {
    const m = /^(\d+)(?:\/(tcp|udp))? (\S+)$/.exec(line.trim());
    if (!m) { continue; }
    for (const proto of m[2] ? [m[2]] : ['tcp', 'udp']) { parsed.set(`${m[1]}/${proto}`, m[3]); }
  }
  return parsed;
}
