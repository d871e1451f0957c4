// examples/decode-demo.ts: decodes a handful of real frames through the generated views and the reprs, prints each
// the way `tcpdump -nn` would and as the reprs see it, then answers the ARP request and the ping by
// emitting reply frames from reprs, and decodes those too.
//
// The ARP request, the echo request and the two TCP SYNs were captured from Linux talking between two
// network namespaces (test/wire/fixtures/linux-kernel.pcap); the DNS query was built with the reprs.

import {
  ArpOperation,
  ArpPacket,
  EtherType,
  EthernetFrame,
  Icmpv4Message,
  Icmpv4Packet,
  IpProtocol,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
  WireError,
  wireErrorMessage,
} from '../generated/index.js';
import { ArpRepr } from '../src/wire/arp.js';
import { EthernetRepr } from '../src/wire/ethernet.js';
import { formatMac } from '../src/wire/ethernet-address.js';
import { formatFrame } from '../src/format/index.js';
import { Icmpv4Repr } from '../src/wire/icmpv4.js';
import { formatIpv4 } from '../src/wire/ipv4-address.js';
import { Ipv4Repr } from '../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../src/wire/tcp.js';
import { UdpRepr } from '../src/wire/udp.js';

const FRAMES: Array<[string, string]> = [
  ['ARP request (Linux)', 'ffffffffffffd633b38e7a9308060001080006040001d633b38e7a930a5100010000000000000a510002'],
  [
    'ICMP echo request (Linux ping)',
    'f62bee803a22d633b38e7a93080045000054a4d34000400181310a5100010a5100020800a3a7419f0001ec5d0e6b00000000551c040000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
  ],
  [
    'TCP SYN with options (Linux connect)',
    'f62bee803a22d633b38e7a9308004500003ceb4e400040063ac90a5100010a5100029e809c90643f844700000000a002faf0c2150000020405b40402080a7fc9d2f0000000000103030a',
  ],
  [
    'TCP SYN-ACK (Linux listener)',
    'd633b38e7a93f62bee803a2208004500003c00004000400626180a5100020a5100019c909e80d6e6961d643f8448a012fe88b9380000020405b40402080a73e624497fc9d2f00103030a',
  ],
  [
    'UDP DNS query for example.com',
    'f62bee803a22d633b38e7a930800450000391c464000401109ca0a5100010a5100029c7500350025d319abcd01000001000000000000076578616d706c6503636f6d0000010001',
  ],
];

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

interface Decoded {
  ethernet: EthernetRepr;
  arp?: ArpRepr;
  ipv4?: Ipv4Repr;
  icmpv4?: Icmpv4Repr;
  udp?: UdpRepr;
  tcp?: TcpRepr;
}

/** Walks the layers the way an interface does: check each view, parse its repr, go one layer up. */
function decode(bytes: Uint8Array): Decoded | string {
  const frame = new EthernetFrame(bytes);
  const ethernet = EthernetRepr.parse(frame);
  if (typeof ethernet === 'number') return `ethernet: ${wireErrorMessage(ethernet)}`;
  const out: Decoded = { ethernet };
  if (ethernet.etherType === EtherType.Arp) {
    const arp = ArpRepr.parse(new ArpPacket(bytes, frame.payloadOffset, frame.payloadLength));
    if (typeof arp === 'number') return `arp: ${wireErrorMessage(arp)}`;
    out.arp = arp;
    return out;
  }
  if (ethernet.etherType !== EtherType.Ipv4) return out;
  const ip = new Ipv4Packet(bytes, frame.payloadOffset, frame.payloadLength);
  const ipv4 = Ipv4Repr.parse(ip);
  if (typeof ipv4 === 'number') return `ipv4: ${wireErrorMessage(ipv4)}`;
  out.ipv4 = ipv4;
  const at = ip.payloadOffset;
  const length = ip.payloadLength;
  let error: WireError = WireError.Ok;
  if (ipv4.protocol === IpProtocol.Icmp) {
    const r = Icmpv4Repr.parse(new Icmpv4Packet(bytes, at, length));
    if (typeof r === 'number') error = r;
    else out.icmpv4 = r;
  } else if (ipv4.protocol === IpProtocol.Udp) {
    const r = UdpRepr.parse(new UdpPacket(bytes, at, length), ipv4.srcAddr, ipv4.dstAddr);
    if (typeof r === 'number') error = r;
    else out.udp = r;
  } else if (ipv4.protocol === IpProtocol.Tcp) {
    const r = TcpRepr.parse(new TcpPacket(bytes, at, length), ipv4.srcAddr, ipv4.dstAddr);
    if (typeof r === 'number') error = r;
    else out.tcp = r;
  }
  return error === WireError.Ok ? out : `layer 4: ${wireErrorMessage(error)}`;
}

function describe(d: Decoded): string[] {
  const lines = [`ethernet  ${formatMac(d.ethernet.srcAddr)} > ${formatMac(d.ethernet.dstAddr)}, type 0x${d.ethernet.etherType.toString(16).padStart(4, '0')}`];
  if (d.arp) {
    const a = d.arp;
    lines.push(
      `arp       ${a.operation === ArpOperation.Request ? 'request' : 'reply'}: ` +
        `${formatIpv4(a.sourceProtocolAddr)} (${formatMac(a.sourceHardwareAddr)}) -> ` +
        `${formatIpv4(a.targetProtocolAddr)} (${formatMac(a.targetHardwareAddr)})`,
    );
  }
  if (d.ipv4) {
    const ip = d.ipv4;
    lines.push(
      `ipv4      ${formatIpv4(ip.srcAddr)} > ${formatIpv4(ip.dstAddr)}, protocol ${ip.protocol}, ttl ${ip.hopLimit}, ` +
        `id ${ip.ident}${ip.dontFrag ? ', DF' : ''}, payload ${ip.payloadLength} bytes, header checksum verified`,
    );
  }
  if (d.icmpv4) {
    const m = d.icmpv4;
    const kind = m.msgType === Icmpv4Message.EchoRequest ? 'echo request' : m.msgType === Icmpv4Message.EchoReply ? 'echo reply' : `type ${m.msgType}`;
    lines.push(`icmpv4    ${kind}, ident ${m.echoIdent}, seq ${m.echoSeqNo}, ${m.dataLength} data bytes, checksum verified`);
  }
  if (d.udp) {
    lines.push(`udp       ${d.udp.srcPort} > ${d.udp.dstPort}, ${d.udp.payloadLength} payload bytes at offset ${d.udp.payloadOffset}, checksum verified`);
  }
  if (d.tcp) {
    const t = d.tcp;
    const options = [
      t.maxSegSize !== null ? `mss ${t.maxSegSize}` : '',
      t.sackPermitted ? 'sackOK' : '',
      t.hasTimestamp ? `TS ${t.tsVal}/${t.tsEcr}` : '',
      t.windowScale !== null ? `wscale ${t.windowScale}` : '',
    ].filter((s) => s !== '');
    lines.push(
      `tcp       ${t.srcPort} > ${t.dstPort}, ${TcpControl[t.control]}, seq ${t.seqNumber}` +
        `${t.ack ? `, ack ${t.ackNumber}` : ''}, win ${t.windowLen}, options {${options.join(', ')}}, checksum verified`,
    );
  }
  return lines;
}

/** The ARP reply a host owning the requested address sends (RFC 826, "Packet Reception"). */
function arpReply(request: Decoded, ourMac: number): Uint8Array {
  const ask = request.arp!;
  const reply = new ArpRepr({ operation: ArpOperation.Reply, sourceHardwareAddr: ourMac, sourceProtocolAddr: ask.targetProtocolAddr, targetHardwareAddr: ask.sourceHardwareAddr, targetProtocolAddr: ask.sourceProtocolAddr });
  const ethernet = new EthernetRepr({ srcAddr: ourMac, dstAddr: ask.sourceHardwareAddr, etherType: EtherType.Arp });
  const bytes = new Uint8Array(ethernet.headerLength() + reply.bufferLength());
  ethernet.emit(new EthernetFrame(bytes));
  reply.emit(new ArpPacket(bytes, ethernet.headerLength()));
  return bytes;
}

/** The echo reply to an echo request: same ident, sequence and data (RFC 792), straight into a new frame. */
function echoReply(request: Decoded): Uint8Array {
  const ask = request.icmpv4!;
  const icmp = new Icmpv4Repr({ msgType: Icmpv4Message.EchoReply, echoIdent: ask.echoIdent, echoSeqNo: ask.echoSeqNo, data: ask.data!, dataOffset: ask.dataOffset, dataLength: ask.dataLength });
  const ipv4 = new Ipv4Repr({
    srcAddr: request.ipv4!.dstAddr,
    dstAddr: request.ipv4!.srcAddr,
    protocol: IpProtocol.Icmp,
    payloadLength: icmp.bufferLength(),
  });
  const ethernet = new EthernetRepr({ srcAddr: request.ethernet.dstAddr, dstAddr: request.ethernet.srcAddr, etherType: EtherType.Ipv4 });
  const bytes = new Uint8Array(ethernet.headerLength() + ipv4.bufferLength());
  ethernet.emit(new EthernetFrame(bytes));
  ipv4.emit(new Ipv4Packet(bytes, 14));
  icmp.emit(new Icmpv4Packet(bytes, 34, icmp.bufferLength()));
  return bytes;
}

function show(title: string, bytes: Uint8Array): Decoded {
  console.log(`${title} (${bytes.length} bytes)`);
  console.log(`  ${formatFrame(bytes, 0, bytes.length)}`);
  const decoded = decode(bytes);
  if (typeof decoded === 'string') throw new Error(`${title}: ${decoded}`);
  for (const line of describe(decoded)) console.log(`    ${line}`);
  console.log();
  return decoded;
}

const decoded = FRAMES.map(([title, hex]) => show(title, fromHex(hex)));

console.log('Replies built from the reprs above and emitted into fresh frames:\n');
const ourMac = decoded[1]!.ethernet.dstAddr; // the host that was pinged also owns the asked-for address
show('ARP reply', arpReply(decoded[0]!, ourMac));
show('ICMP echo reply', echoReply(decoded[1]!));
