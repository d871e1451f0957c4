// Our contender: the generated views, one re-pointed instance per layer, reading every header
// field through its accessor, verifying every checksum and walking the TCP options with the
// reusable iterator. Nothing here allocates per frame. A check() result is tested for truth
// (WireError.Ok is 0): an imported enum member is a property load in the hot path. u32 fields are read
// through the int32 readers (`seqNumberI32 >>> 0`), as hot-path code should (STYLE.md): a u32 >= 2^31
// returned by a getter V8 happened not to inline would be boxed, an int32 never is.
import {
  EthernetFrame, EtherType, Icmpv4Packet, IpProtocol, Ipv4Packet, TcpOptionIterator, TcpOptionKind, TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import { DecodedFrame, DecodeStatus } from './decoded-frame.js';

const ethernet = new EthernetFrame();
const ipv4 = new Ipv4Packet();
const tcp = new TcpPacket();
const udp = new UdpPacket();
const icmp = new Icmpv4Packet();
const options = new TcpOptionIterator();

/** Decodes the frame bytes[offset, offset+length) into `out`; returns a DecodeStatus. */
export function decodeWithViews(bytes: Uint8Array, offset: number, length: number, out: DecodedFrame): number {
  if (ethernet.init(bytes, offset, length).check()) return (out.status = DecodeStatus.Malformed);
  out.ethDst = ethernet.dstAddr;
  out.ethSrc = ethernet.srcAddr;
  const etherType = ethernet.etherType;
  out.etherType = etherType;
  if (etherType !== EtherType.Ipv4) return (out.status = DecodeStatus.NotIpv4);

  if (ipv4.init(bytes, ethernet.payloadOffset, ethernet.payloadLength).check()) {
    return (out.status = DecodeStatus.Malformed);
  }
  out.ipVersion = ipv4.version;
  out.ipHeaderLength = ipv4.headerLength;
  out.ipDscp = ipv4.dscp;
  out.ipEcn = ipv4.ecn;
  out.ipTotalLength = ipv4.totalLen;
  out.ipIdent = ipv4.ident;
  out.ipDontFrag = ipv4.dontFrag ? 1 : 0;
  out.ipMoreFrags = ipv4.moreFrags ? 1 : 0;
  out.ipFragOffset = ipv4.fragOffsetRaw;
  out.ipTtl = ipv4.hopLimit;
  const protocol = ipv4.protocol;
  out.ipProtocol = protocol;
  out.ipChecksum = ipv4.checksum;
  const src = ipv4.srcAddrI32 >>> 0;
  const dst = ipv4.dstAddrI32 >>> 0;
  out.ipSrc = src;
  out.ipDst = dst;
  out.ipOptionsLength = ipv4.optionsLength;
  out.ipChecksumOk = ipv4.verifyChecksum() ? 1 : 0;

  const l4At = ipv4.payloadOffset;
  const l4Length = ipv4.payloadLength;
  if (protocol === IpProtocol.Tcp) return (out.status = decodeTcp(bytes, l4At, l4Length, out));
  if (protocol === IpProtocol.Udp) return (out.status = decodeUdp(bytes, l4At, l4Length, out));
  if (protocol === IpProtocol.Icmp) return (out.status = decodeIcmp(bytes, l4At, l4Length, out));
  return (out.status = DecodeStatus.UnknownProtocol);
}

function decodeUdp(bytes: Uint8Array, at: number, length: number, out: DecodedFrame): number {
  // The addresses come from the record, not from arguments: a u32 >= 2^31 passed to a call V8 does
  // not inline is boxed as a heap number (one allocation per packet), a double field is not.
  const src = out.ipSrc;
  const dst = out.ipDst;
  if (udp.init(bytes, at, length).check()) return DecodeStatus.Malformed;
  out.srcPort = udp.srcPort;
  out.dstPort = udp.dstPort;
  out.udpLength = udp.len;
  out.l4Checksum = udp.checksum;
  out.l4ChecksumOk = udp.verifyChecksum(src, dst) ? 1 : 0;
  out.payloadOffset = udp.payloadOffset;
  out.payloadLength = udp.payloadLength;
  return DecodeStatus.Ok;
}

function decodeIcmp(bytes: Uint8Array, at: number, length: number, out: DecodedFrame): number {
  if (icmp.init(bytes, at, length).check()) return DecodeStatus.Malformed;
  out.icmpType = icmp.msgType;
  out.icmpCode = icmp.msgCode;
  out.l4Checksum = icmp.checksum;
  out.icmpIdent = icmp.echoIdent;
  out.icmpSeq = icmp.echoSeqNo;
  out.l4ChecksumOk = icmp.verifyChecksum() ? 1 : 0;
  out.payloadOffset = icmp.payloadOffset;
  out.payloadLength = icmp.payloadLength;
  return DecodeStatus.Ok;
}

function decodeTcp(bytes: Uint8Array, at: number, length: number, out: DecodedFrame): number {
  // The addresses come from the record, not from arguments: a u32 >= 2^31 passed to a call V8 does
  // not inline is boxed as a heap number (one allocation per packet), a double field is not.
  const src = out.ipSrc;
  const dst = out.ipDst;
  if (tcp.init(bytes, at, length).check()) return DecodeStatus.Malformed;
  out.srcPort = tcp.srcPort;
  out.dstPort = tcp.dstPort;
  out.tcpSeq = tcp.seqNumberI32 >>> 0;
  out.tcpAck = tcp.ackNumberI32 >>> 0;
  out.tcpHeaderLength = tcp.headerLength;
  out.tcpFlags = tcp.flags;
  out.tcpWindow = tcp.windowLen;
  out.l4Checksum = tcp.checksum;
  out.tcpUrgent = tcp.urgentAt;
  out.l4ChecksumOk = tcp.verifyChecksum(src, dst) ? 1 : 0;
  out.payloadOffset = tcp.payloadOffset;
  out.payloadLength = tcp.payloadLength;

  out.tcpMss = 0;
  out.tcpWindowScale = 0;
  out.tcpSackPermitted = 0;
  out.tcpSackBlocks = 0;
  out.tcpTimestamps = 0;
  out.tcpTsVal = 0;
  out.tcpTsEcr = 0;
  let count = 0;
  options.init(tcp);
  while (options.next()) {
    const kind = options.kind;
    if (kind === TcpOptionKind.EndOfList) break;
    count++;
    switch (kind) {
      case TcpOptionKind.Mss:
        out.tcpMss = options.mss;
        break;
      case TcpOptionKind.WindowScale:
        out.tcpWindowScale = options.windowScale;
        break;
      case TcpOptionKind.SackPermitted:
        out.tcpSackPermitted = 1;
        break;
      case TcpOptionKind.Sack:
        readSackBlocks(out);
        break;
      case TcpOptionKind.Timestamps:
        out.tcpTimestamps = 1;
        out.tcpTsVal = options.tsValI32 >>> 0;
        out.tcpTsEcr = options.tsEcrI32 >>> 0;
        break;
      default:
        break;
    }
  }
  if (options.error) return DecodeStatus.Malformed;
  out.tcpOptionCount = count;
  return DecodeStatus.Ok;
}

/**
 * The SACK edges of the current option. A function of its own (the DataView decoder has the same):
 * rare enough that V8 leaves it a call from decodeTcp, so the edge readers are inlined here with
 * this function's own budget instead of competing for decodeTcp's, where a u32 edge returned
 * from a call would be boxed.
 */
function readSackBlocks(out: DecodedFrame): void {
  const blocks = options.sackBlockCount;
  out.tcpSackBlocks = blocks;
  if (blocks > 0) {
    out.tcpSackLeft0 = options.sackLeftI32(0) >>> 0;
    out.tcpSackRight0 = options.sackRightI32(0) >>> 0;
  }
  if (blocks > 1) {
    out.tcpSackLeft1 = options.sackLeftI32(1) >>> 0;
    out.tcpSackRight1 = options.sackRightI32(1) >>> 0;
  }
  if (blocks > 2) {
    out.tcpSackLeft2 = options.sackLeftI32(2) >>> 0;
    out.tcpSackRight2 = options.sackRightI32(2) >>> 0;
  }
}
