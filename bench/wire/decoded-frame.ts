// The record every contender fills for each frame. Writing each header field into one reused
// object makes the work observable (nothing can be optimised away), equal across contenders
// (same stores), allocation-free, and comparable field by field in test/bench/wire-decoders.test.ts.

/** Result codes of the bench decoders; every corpus frame decodes to `Ok`. */
export enum DecodeStatus {
  Ok = 0,
  Malformed = 1,
  NotIpv4 = 2,
  UnknownProtocol = 3,
  BadChecksum = 4,
}

/** TCP flag bits in the header's 16-bit word order (RFC 9293 section 3.1, RFC 3168 for ECE/CWR, RFC 3540 for NS). */
export const TCP_FIN = 0x001, TCP_SYN = 0x002, TCP_RST = 0x004, TCP_PSH = 0x008, TCP_ACK = 0x010,
  TCP_URG = 0x020, TCP_ECE = 0x040, TCP_CWR = 0x080, TCP_NS = 0x100;

export class DecodedFrame {
  status = 0;
  // Ethernet
  ethDst = 0;
  ethSrc = 0;
  etherType = 0;
  // IPv4
  ipVersion = 0;
  ipHeaderLength = 0;
  ipDscp = 0;
  ipEcn = 0;
  ipTotalLength = 0;
  ipIdent = 0;
  ipDontFrag = 0;
  ipMoreFrags = 0;
  ipFragOffset = 0;
  ipTtl = 0;
  ipProtocol = 0;
  ipChecksum = 0;
  ipSrc = 0;
  ipDst = 0;
  ipOptionsLength = 0;
  ipChecksumOk = 0;
  // Transport (UDP, TCP, ICMP): checksum field and its verification, payload bounds (absolute)
  srcPort = 0;
  dstPort = 0;
  l4Checksum = 0;
  l4ChecksumOk = 0;
  payloadOffset = 0;
  payloadLength = 0;
  // UDP
  udpLength = 0;
  // TCP
  tcpSeq = 0;
  tcpAck = 0;
  tcpHeaderLength = 0;
  tcpFlags = 0;
  tcpWindow = 0;
  tcpUrgent = 0;
  /** Options seen before End of Option List, NOPs included. */
  tcpOptionCount = 0;
  tcpMss = 0;
  tcpWindowScale = 0;
  tcpSackPermitted = 0;
  tcpSackBlocks = 0;
  tcpSackLeft0 = 0;
  tcpSackRight0 = 0;
  tcpSackLeft1 = 0;
  tcpSackRight1 = 0;
  tcpSackLeft2 = 0;
  tcpSackRight2 = 0;
  tcpTimestamps = 0;
  tcpTsVal = 0;
  tcpTsEcr = 0;
  // ICMP
  icmpType = 0;
  icmpCode = 0;
  icmpIdent = 0;
  icmpSeq = 0;
}

const ETHERNET_IPV4_FIELDS = [
  'status', 'ethDst', 'ethSrc', 'etherType', 'ipVersion', 'ipHeaderLength', 'ipDscp', 'ipEcn', 'ipTotalLength',
  'ipIdent', 'ipDontFrag', 'ipMoreFrags', 'ipFragOffset', 'ipTtl', 'ipProtocol', 'ipChecksum', 'ipSrc', 'ipDst',
  'ipOptionsLength', 'ipChecksumOk',
] as const;
const UDP_FIELDS = ['srcPort', 'dstPort', 'l4Checksum', 'l4ChecksumOk', 'payloadOffset', 'payloadLength', 'udpLength'] as const;
const ICMP_FIELDS = ['l4Checksum', 'l4ChecksumOk', 'payloadOffset', 'payloadLength', 'icmpType', 'icmpCode', 'icmpIdent', 'icmpSeq'] as const;
const TCP_FIELDS = [
  'srcPort', 'dstPort', 'l4Checksum', 'l4ChecksumOk', 'payloadOffset', 'payloadLength', 'tcpSeq', 'tcpAck',
  'tcpHeaderLength', 'tcpFlags', 'tcpWindow', 'tcpUrgent', 'tcpOptionCount', 'tcpMss', 'tcpWindowScale',
  'tcpSackPermitted', 'tcpTimestamps', 'tcpTsVal', 'tcpTsEcr', 'tcpSackBlocks',
] as const;
const SACK_FIELDS = ['tcpSackLeft0', 'tcpSackRight0', 'tcpSackLeft1', 'tcpSackRight1', 'tcpSackLeft2', 'tcpSackRight2'] as const;

/**
 * The fields that carry meaning for this frame's protocols, as a plain object (for tests and
 * diagnostics; allocates). Fields of other protocols are left out because decoders need not reset them.
 */
export function meaningfulFields(d: DecodedFrame): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ETHERNET_IPV4_FIELDS) out[k] = d[k];
  const perProtocol = d.ipProtocol === 6 ? TCP_FIELDS : d.ipProtocol === 17 ? UDP_FIELDS : d.ipProtocol === 1 ? ICMP_FIELDS : [];
  for (const k of perProtocol) out[k] = d[k];
  if (d.ipProtocol === 6) for (let i = 0; i < 2 * Math.min(d.tcpSackBlocks, 3); i++) out[SACK_FIELDS[i]!] = d[SACK_FIELDS[i]!];
  return out;
}
