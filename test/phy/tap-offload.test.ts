// TapInterface with checksum offload (IFF_VNET_HDR, TUNSETOFFLOAD TUN_F_CSUM) against the Linux kernel,
// in a namespace per test: the kernel's UDP arrives with a partial checksum the driver passes on unsummed;
// frames written whole into the tap's egress (a packet socket: no offload flag) are verified by the driver,
// a wrong TCP checksum dropped and counted; our UDP, sent with NEEDS_CSUM and the pseudo-header sum only,
// reaches a kernel socket; a bad `allocate` option is refused without leaking the descriptor.
import { readdirSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, waitForLinkUp, withNetns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { RawSocket } from '../../src/phy/raw-socket.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { ChecksumCapabilities } from '../../src/phy/capabilities.js';
import { EtherType, EthernetFrame, EthernetRepr, IpProtocol, Ipv4Packet, Ipv4Repr, TcpControl, TcpPacket, TcpRepr, UdpPacket, UdpRepr } from '../../src/wire/index.js';

const test = suiteNeeding('phy/tap-offload', ['root', 'socat', 'bash']);

const KERNEL_IP = '10.82.0.1';
const OUR_IP = '10.82.0.2';
const KERNEL_ADDR = 0x0a520001;
const OUR_ADDR = 0x0a520002;
const OUR_MAC = 0x0200_0000_0002;

let serial = 0;

function setUp(): { ns: Netns; name: string; tap: TapInterface; kernelMac: number } {
  const name = `to${process.pid % 100000}x${serial++}`;
  const ns = Netns.create('tapo');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
    disableIpv6(ns, name);
    ns.run('ip', ['addr', 'add', `${KERNEL_IP}/24`, 'dev', name]);
    ns.run('ip', ['link', 'set', name, 'up']);
    ns.run('ip', ['neigh', 'replace', OUR_IP, 'lladdr', '02:00:00:00:00:02', 'dev', name, 'nud', 'permanent']);
    const kernelMac = withNetns(ns, () => interfaceHardwareAddress(name)).reduce((v, b) => v * 256 + b, 0);
    const tap = withNetns(ns, () => new TapInterface(name, { checksumOffload: true }));
    return { ns, name, tap, kernelMac };
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

/** Reads frames until one with IPv4 protocol `protocol` arrives or `ms` pass; a copy of it, or null. */
async function receiveProtocol(tap: TapInterface, protocol: IpProtocol, ms: number): Promise<Uint8Array | null> {
  const deadline = performance.now() + ms;
  for (;;) {
    let pair;
    while ((pair = tap.receive(0)) !== null) {
      const frame = pair.rx.consume(null, (_c, bytes, offset, length) => bytes.slice(offset, offset + length));
      if (frame.length > 34 && frame[12] === 0x08 && frame[13] === 0x00 && frame[23] === protocol) return frame;
    }
    if (performance.now() > deadline) return null;
    await tap.waitReadable(20_000);
  }
}

/** An Ethernet/IPv4/TCP SYN from the kernel's address to ours, checksums computed. */
function tcpFrame(kernelMac: number): Uint8Array {
  const tcp = new TcpRepr({ srcPort: 5555, dstPort: 6666, control: TcpControl.Syn, seqNumber: 1000, windowLen: 1024 });
  const ip = new Ipv4Repr({ srcAddr: KERNEL_ADDR, dstAddr: OUR_ADDR, protocol: IpProtocol.Tcp, payloadLength: tcp.bufferLength(), hopLimit: 64 });
  const frame = new Uint8Array(14 + ip.bufferLength());
  new EthernetRepr({ srcAddr: kernelMac, dstAddr: OUR_MAC, etherType: EtherType.Ipv4 }).emit(new EthernetFrame(frame));
  ip.emit(new Ipv4Packet(frame, 14, ip.bufferLength()));
  tcp.emit(new TcpPacket(frame, 34, tcp.bufferLength()), KERNEL_ADDR, OUR_ADDR, ChecksumCapabilities.default());
  return frame;
}

if (test) {
  test('an offloading tap: TCP and UDP checksums are left to the offload, IPv4 and ICMP stay the stack\'s', () => {
    const s = setUp();
    try {
      assert.ok(s.tap.checksumOffload);
      const c = s.tap.capabilities().checksum;
      assert.equal([c.ipv4, c.tcp, c.udp, c.icmpv4], ['both', 'none', 'none', 'both']);
      assert.is(s.tap.capabilities().maxTransmissionUnit, 1514, 'the frame, without the 10-byte header');
    } finally {
      s.tap.close();
      s.ns.destroy();
    }
  });

  test('reads the driver does not take are dropped and counted: shorter than the header, segmentation offload, unknown flags', () => {
    const s = setUp();
    try {
      // The driver's check on what read(2) returned, fed crafted headers directly (the kernel sends none
      // of these to a tap without TUN_F_TSO*).
      const accept = (n: number): boolean => (s.tap as unknown as { acceptRead(n: number): boolean }).acceptRead(n);
      assert.not.ok(accept(10), 'a header and no frame');
      s.tap.rxBuffer.set([0, 1, 0, 0, 0xa8, 0x05, 0, 0, 0, 0], 0); // GSO TCPv4
      assert.not.ok(accept(100));
      s.tap.rxBuffer.set([4, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0); // RSC_INFO
      assert.not.ok(accept(100));
      assert.is(s.tap.rxUnsupported, 3);
      s.tap.rxBuffer.set([2, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0); // DATA_VALID
      assert.ok(accept(100));
      assert.is(s.tap.rxOffloaded, 1);
    } finally {
      s.tap.close();
      s.ns.destroy();
    }
  });

  test('the kernel\'s UDP arrives with a partial checksum (NEEDS_CSUM), passed on unsummed and uncounted as bad', async () => {
    const s = setUp();
    try {
      s.ns.run('bash', ['-c', `echo offloaded > /dev/udp/${OUR_IP}/9999`]);
      const frame = await receiveProtocol(s.tap, IpProtocol.Udp, 5000);
      assert.ok(frame !== null, 'the datagram arrived');
      assert.is(new TextDecoder().decode(frame!.subarray(42, 52)), 'offloaded\n');
      assert.ok(s.tap.rxOffloaded >= 1, 'counted as offloaded');
      assert.is(s.tap.rxBadChecksums, 0);
    } finally {
      s.tap.close();
      s.ns.destroy();
    }
  });

  test('frames without an offload flag (written whole into the egress) are verified: a wrong TCP checksum is dropped and counted', async () => {
    const s = setUp();
    let raw: RawSocket | null = null;
    try {
      raw = withNetns(s.ns, () => new RawSocket(s.name));
      await waitForLinkUp(s.ns, s.name);
      const good = tcpFrame(s.kernelMac);
      const bad = good.slice();
      bad[34 + 16] ^= 0x55; // the TCP checksum
      const udpNone = new Uint8Array(14 + 20 + 8 + 4);
      const udp = new UdpRepr({ srcPort: 7, dstPort: 8, payload: new Uint8Array([1, 2, 3, 4]) });
      const ip = new Ipv4Repr({ srcAddr: KERNEL_ADDR, dstAddr: OUR_ADDR, protocol: IpProtocol.Udp, payloadLength: udp.bufferLength(), hopLimit: 64 });
      new EthernetRepr({ srcAddr: s.kernelMac, dstAddr: OUR_MAC, etherType: EtherType.Ipv4 }).emit(new EthernetFrame(udpNone));
      ip.emit(new Ipv4Packet(udpNone, 14, ip.bufferLength()));
      udp.emit(new UdpPacket(udpNone, 34, udp.bufferLength()), KERNEL_ADDR, OUR_ADDR, ChecksumCapabilities.ignored()); // checksum 0: none
      for (const frame of [bad, good, udpNone]) {
        raw.transmit(0)!.consume(frame.length, frame, (f, bytes, offset) => bytes.set(f, offset));
      }
      const tcp = await receiveProtocol(s.tap, IpProtocol.Tcp, 5000);
      assert.ok(tcp !== null, 'the correct TCP frame arrived');
      assert.equal(tcp, good);
      const none = await receiveProtocol(s.tap, IpProtocol.Udp, 5000);
      assert.ok(none !== null, 'the UDP datagram without a checksum arrived');
      assert.is(s.tap.rxBadChecksums, 1, 'the frame with the wrong checksum was dropped and counted');
    } finally {
      raw?.close();
      s.tap.close();
      s.ns.destroy();
    }
  });

  test('our UDP goes out with NEEDS_CSUM and only the pseudo-header sum, and a kernel socket receives it', async () => {
    const s = setUp();
    try {
      const server = s.ns.spawn('socat', ['-u', `UDP-RECV:9998,bind=${KERNEL_IP}`, '-']);
      let got = '';
      server.stdout!.on('data', (c: Buffer) => (got += c.toString()));
      const udp = new UdpRepr({ srcPort: 4000, dstPort: 9998, payload: new TextEncoder().encode('from us\n') });
      const ip = new Ipv4Repr({ srcAddr: OUR_ADDR, dstAddr: KERNEL_ADDR, protocol: IpProtocol.Udp, payloadLength: udp.bufferLength(), hopLimit: 64 });
      const length = 14 + ip.bufferLength();
      const deadline = performance.now() + 10_000;
      // socat may not be bound yet: send again until it reports the datagram.
      while (!got.includes('from us') && performance.now() < deadline) {
        s.tap.transmit(0)!.consume(length, null, (_c, bytes, offset) => {
          new EthernetRepr({ srcAddr: OUR_MAC, dstAddr: s.kernelMac, etherType: EtherType.Ipv4 }).emit(new EthernetFrame(bytes, offset, length));
          ip.emit(new Ipv4Packet(bytes, offset + 14, ip.bufferLength()), s.tap.capabilities().checksum);
          udp.emit(new UdpPacket(bytes, offset + 34, udp.bufferLength()), OUR_ADDR, KERNEL_ADDR, s.tap.capabilities().checksum);
        });
        await new Promise<void>((resolve) => setImmediate(resolve));
        await s.tap.waitReadable(50_000);
      }
      server.kill();
      assert.ok(got.includes('from us'), `the kernel socket received: ${JSON.stringify(got)}`);
      assert.ok(s.tap.txFrames >= 1);
    } finally {
      s.tap.close();
      s.ns.destroy();
    }
  });

  test('an allocate option that gives too little is refused with the fix, and the descriptor is closed', () => {
    const ns = Netns.create('tapo');
    try {
      const name = `to${process.pid % 100000}x${serial++}`;
      ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
      const before = readdirSync('/proc/self/fd').length;
      assert.throws(
        () => withNetns(ns, () => new TapInterface(name, { checksumOffload: true, allocate: () => new Uint8Array(100) })),
        (e: Error) => e instanceof RangeError && /gave 100 bytes for the receive buffer, which needs 1528; return a Uint8Array of at least the size/.test(e.message),
      );
      assert.throws(() => withNetns(ns, () => new TapInterface(name, { allocate: () => 'no' as never })), /gave no Uint8Array/);
      assert.is(readdirSync('/proc/self/fd').length, before, 'no descriptor left open');
      // Storage larger than asked for is cut to size.
      const tap = withNetns(ns, () => new TapInterface(name, { allocate: (n) => new Uint8Array(n + 64) }));
      assert.is(tap.txBuffer.length, 1514);
      tap.close();
    } finally {
      ns.destroy();
    }
  });

  test.run();
}
