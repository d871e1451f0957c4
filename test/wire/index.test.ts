import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as wire from '../../src/wire/index.js';

const test = suite('wire/index');

test('the wire barrel exports views, reprs, addresses and checksums, not the tcpdump printer', () => {
  for (const name of [
    'EthernetFrame', 'ArpPacket', 'Ipv4Packet', 'Icmpv4Packet', 'UdpPacket', 'TcpPacket', 'TcpOptionIterator', 'WireError',
    'EthernetRepr', 'ArpRepr', 'Ipv4Repr', 'Icmpv4Repr', 'UdpRepr', 'TcpRepr', 'TcpControl',
    'EthernetAddress', 'Ipv4Address', 'Ipv4Cidr', 'formatMac', 'formatIpv4', 'AddressParseError',
    'checksumSum', 'checksumFold', 'pseudoHeaderSum', 'internetChecksum', 'combineSums', 'updateChecksum16', 'updateChecksum32',
  ]) {
    assert.ok(name in wire, name);
  }
  // The printer is smoltcp-ts/format (src/format): the wire layer does not load it.
  for (const name of ['formatFrame', 'FrameFormatter', 'hexDump']) assert.not.ok(name in wire, name);
  assert.is(wire.formatIpv4(wire.Ipv4Address.from('10.0.0.1').value), '10.0.0.1');
});

test.run();
