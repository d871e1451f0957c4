// The names tcpdump 4.99 prints for numbers it knows, read off its output for every value. These are
// tcpdump's spellings (`sackOK`, `Reverse ARP`), not the registries' (generated/ has those, e.g.
// etherTypeName()); a printer for a new protocol adds its table here.

/**
 * tcpdump's names for EtherTypes, as tcpdump 4.99 prints them (read off its output for every value). Those it
 * only names are shown as bytes by both of us; the others it decodes further, and we print the bytes.
 */
export const ETHERTYPE_NAMES = new Map<number, string>([
  [0x00fe, 'GRE-OSI'],
  [0x0200, 'PUP'],
  [0x0500, 'Sprite'],
  [0x0600, 'NS'],
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x1000, 'Trail'],
  [0x1111, 'CALM FAST'],
  [0x6001, 'MOP DL'],
  [0x6002, 'MOP RC'],
  [0x6003, 'DN'],
  [0x6004, 'LAT'],
  [0x6007, 'SCA'],
  [0x6558, 'TEB'],
  [0x8035, 'Reverse ARP'],
  [0x8038, 'Lanbridge'],
  [0x803c, 'DEC DNS'],
  [0x803e, 'DEC DTS'],
  [0x805b, 'VEXP'],
  [0x805c, 'VPROD'],
  [0x809b, 'Appletalk'],
  [0x80f3, 'Appletalk ARP'],
  [0x8100, '802.1Q'],
  [0x8137, 'IPX'],
  [0x86dd, 'IPv6'],
  [0x8808, 'MPCP'],
  [0x8809, 'Slow Protocols'],
  [0x880b, 'PPP'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
  [0x886f, 'MS NLB heartbeat'],
  [0x888e, 'EAPOL'],
  [0x8899, 'Realtek protocols'],
  [0x88a2, 'AoE'],
  [0x88a8, '802.1Q-QinQ'],
  [0x88ca, 'TIPC'],
  [0x88cc, 'LLDP'],
  [0x88e5, '802.1AE MACsec'],
  [0x88f7, 'PTP'],
  [0x8902, 'CFM'],
  [0x893a, 'IEEE1905.1'],
  [0x8947, 'GeoNet'],
  [0x894f, 'NSH'],
  [0x9000, 'Loopback'],
  [0x9100, '802.1Q-9100'],
  [0x9200, '802.1Q-9200'],
  [0xd28b, 'Arista Vendor Specific Protocol'],
  [0xfefe, 'OSI'],
]);

/** tcpdump's names for IP protocols in `-v` output, read off its output for every value. */
export const IP_PROTOCOL_NAMES = new Map<number, string>([
  [0, 'Options'],
  [1, 'ICMP'],
  [2, 'IGMP'],
  [4, 'IPIP'],
  [6, 'TCP'],
  [8, 'EGP'],
  [9, 'IGRP'],
  [17, 'UDP'],
  [33, 'DCCP'],
  [41, 'IPv6'],
  [43, 'Routing'],
  [44, 'Fragment'],
  [46, 'RSVP'],
  [47, 'GRE'],
  [50, 'ESP'],
  [51, 'AH'],
  [55, 'Mobile IP'],
  [58, 'ICMPv6'],
  [62, 'Mobile IP (old)'],
  [88, 'EIGRP'],
  [89, 'OSPF'],
  [103, 'PIM'],
  [108, 'Compressed IP'],
  [112, 'VRRP'],
  [113, 'PGM'],
  [132, 'SCTP'],
  [135, 'Mobility'],
  [143, 'Ethernet'],
]);

export const ARP_OPERATION_NAMES = new Map<number, string>([
  [1, 'Request'],
  [2, 'Reply'],
  [3, 'Reverse Request'],
  [4, 'Reverse Reply'],
  [8, 'Inverse Request'],
  [9, 'Inverse Reply'],
  [10, 'NACK Reply'],
]);

export const ARP_HARDWARE_NAMES = new Map<number, string>([
  [1, 'Ethernet'],
  [6, 'TokenRing'],
  [7, 'ArcNet'],
  [15, 'FrameRelay'],
  [19, 'ATM'],
  [23, 'Strip'],
  [24, 'IEEE 1394'],
  [32, 'InfiniBand'],
]);

/** tcpdump's text for ICMP destination-unreachable codes; `%` stands for the quoted destination address. */
export const UNREACHABLE_TEXT = [
  'net % unreachable',
  'host % unreachable',
  '', // protocol: formatted with the protocol number
  '', // port: formatted with the quoted transport header
  '', // need to frag: formatted with the MTU
  '% unreachable - source route failed',
  'net % unreachable - unknown',
  'host % unreachable - unknown',
  '% unreachable - source host isolated',
  'net % unreachable - admin prohibited',
  'host % unreachable - admin prohibited',
  'net % unreachable - tos prohibited',
  'host % unreachable - tos prohibited',
  'host % unreachable - admin prohibited filter',
  'host % unreachable - host precedence violation',
  'host % unreachable - precedence cutoff',
];

export const ICMP_TYPE_TEXT = new Map<number, string>([
  [0, 'echo reply'],
  [4, 'source quench'],
  [8, 'echo request'],
  [10, 'router solicitation'],
  [13, 'time stamp request'],
  [14, 'time stamp reply'],
  [15, 'information request'],
  [16, 'information reply'],
  [17, 'address mask request'],
]);

export const TCP_OPTION_NAMES = new Map<number, string>([
  [0, 'eol'],
  [1, 'nop'],
  [2, 'mss'],
  [3, 'wscale'],
  [4, 'sackOK'],
  [5, 'sack'],
  [6, 'echo'],
  [7, 'echoreply'],
  [8, 'TS'],
  [11, 'cc'],
  [12, 'ccnew'],
  [13, ''],
  [19, 'md5'],
  [20, 'scps'],
  [28, 'uto'],
  [29, 'tcp-ao'],
  [30, 'mptcp'],
  [34, 'tfo'],
  [254, 'exp'],
]);

/** The text tcpdump prints for each option kind, unknown ones included. */
/** An option kind as tcpdump names it in a TCP line. */
export function tcpOptionText(kind: number): string {
  return TCP_OPTION_NAMES.get(kind) ?? 'unknown-' + kind;
}

export const IP_OPTION_NAMES = new Map<number, string>([
  [0, 'EOL'],
  [1, 'NOP'],
  [7, 'RR'],
  [68, 'timestamp'],
  [130, 'security'],
  [131, 'LSRR'],
  [137, 'SSRR'],
  [148, 'RA'],
  [82, 'traceroute'],
]);


/** tcpdump's TCP flag letters in its order: FIN SYN RST PSH ACK URG ECE CWR; `none` when no bit is set. */
function tcpFlagLetters(flags: number): string {
  if (flags === 0) return 'none';
  let text = '';
  if (flags & 0x01) text += 'F';
  if (flags & 0x02) text += 'S';
  if (flags & 0x04) text += 'R';
  if (flags & 0x08) text += 'P';
  if (flags & 0x10) text += '.';
  if (flags & 0x20) text += 'U';
  if (flags & 0x40) text += 'E';
  if (flags & 0x80) text += 'W';
  return text;
}

/** `Flags [S.]` and friends for a value of the flags byte. */
export function tcpFlagsText(flags: number): string {
  return 'Flags [' + tcpFlagLetters(flags) + ']';
}

/** DNS opcodes as tcpdump appends them to the query ID (RFC 1035 section 4.1.1, RFC 1996, RFC 2136). */
export const DNS_OPCODE_TEXT: readonly string[] = [
  '', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7',
  ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef',
];

/** DNS response codes, the EDNS extended ones included, as tcpdump prints them (RFC 6895 section 2.3). */
export const DNS_RCODE_TEXT: readonly string[] = [
  '', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet',
  ' NXRRSet', ' NotAuth', ' NotZone', ' Resp11', ' Resp12', ' Resp13', ' Resp14', ' NoChange',
  ' BadVers', 'Resp17', ' Resp18', ' Resp19', ' Resp20', 'Resp21', ' Resp22', ' BadCookie',
];

/** DNS record types tcpdump names (IANA "Resource Record (RR) TYPEs"); others print as `Type<n>`. */
export const DNS_TYPE_NAMES = new Map<number, string>([
  [1, 'A'], [2, 'NS'], [3, 'MD'], [4, 'MF'], [5, 'CNAME'], [6, 'SOA'], [7, 'MB'], [8, 'MG'], [9, 'MR'],
  [10, 'NULL'], [11, 'WKS'], [12, 'PTR'], [13, 'HINFO'], [14, 'MINFO'], [15, 'MX'], [16, 'TXT'], [17, 'RP'],
  [18, 'AFSDB'], [19, 'X25'], [20, 'ISDN'], [21, 'RT'], [22, 'NSAP'], [23, 'NSAP_PTR'], [24, 'SIG'],
  [25, 'KEY'], [26, 'PX'], [27, 'GPOS'], [28, 'AAAA'], [29, 'LOC'], [30, 'NXT'], [31, 'EID'], [32, 'NIMLOC'],
  [33, 'SRV'], [34, 'ATMA'], [35, 'NAPTR'], [36, 'KX'], [37, 'CERT'], [38, 'A6'], [39, 'DNAME'], [40, 'SINK'],
  [41, 'OPT'], [42, 'APL'], [43, 'DS'], [44, 'SSHFP'], [45, 'IPSECKEY'], [46, 'RRSIG'], [47, 'NSEC'],
  [48, 'DNSKEY'], [99, 'SPF'], [100, 'UINFO'], [101, 'UID'], [102, 'GID'], [103, 'UNSPEC'], [104, 'UNSPECA'],
  [249, 'TKEY'], [250, 'TSIG'], [251, 'IXFR'], [252, 'AXFR'], [253, 'MAILB'], [254, 'MAILA'], [255, 'ANY'],
  [256, 'URI'],
]);

/** DNS classes tcpdump names (RFC 1035 section 3.2.4); others print as `(Class <n>)`. */
export const DNS_CLASS_NAMES = new Map<number, string>([
  [1, 'IN'], [3, 'CHAOS'], [4, 'HS'], [255, 'ANY'],
]);
