import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  EthernetAddress,
  formatMac,
  parseMac,
  readMac,
  writeMac,
} from '../../src/wire/ethernet-address.js';
import { Ipv4Address, Ipv4Cidr, formatIpv4, parseIpv4, prefixNetmask } from '../../src/wire/ipv4-address.js';
import { AddressParseError } from '../../src/wire/address-error.js';

const test = suite('wire/address');

test('ethernet address parses and formats', () => {
  const a = EthernetAddress.from('02:00:00:00:00:01');
  assert.is(a.value, 0x0200_0000_0001);
  assert.is(a.toString(), '02:00:00:00:00:01');
  assert.is(EthernetAddress.parse('0A-1b-2C-3d-4E-5f').toString(), '0a:1b:2c:3d:4e:5f');
  assert.is(formatMac(0xffff_ffff_ffff), 'ff:ff:ff:ff:ff:ff');
  assert.is(formatMac(0), '00:00:00:00:00:00');
  assert.is(formatMac(0x0102_0304_0506), '01:02:03:04:05:06');
});

test('ethernet address rejects malformed text', () => {
  for (const bad of ['', '02:00:00:00:00', '02:00:00:00:00:01:', '02:00:00:00:00:0g', '02-00:00:00:00:01', '0200.0000.0001', '002:00:00:00:00:1', ' 2:00:00:00:00:01']) {
    assert.instance(EthernetAddress.parse(bad), AddressParseError, bad);
    const parsed = parseMac(bad);
    assert.instance(parsed, AddressParseError, bad);
    assert.is((parsed as AddressParseError).text, bad);
  }
  assert.match(String(parseMac('nope')), /"nope" is not an Ethernet address: expected six/);
  assert.throws(() => EthernetAddress.from('nope'), (e: unknown) => e instanceof AddressParseError && /"nope" is not an Ethernet address: expected six/.test((e as Error).message));
});

test('ethernet address classification', () => {
  assert.ok(EthernetAddress.BROADCAST.isBroadcast());
  assert.ok(EthernetAddress.BROADCAST.isMulticast());
  assert.not.ok(EthernetAddress.BROADCAST.isUnicast());
  const multicast = EthernetAddress.from('01:00:5e:00:00:01');
  assert.ok(multicast.isMulticast());
  assert.not.ok(multicast.isBroadcast());
  assert.not.ok(multicast.isLocal());
  const local = EthernetAddress.from('02:00:00:00:00:01');
  assert.ok(local.isUnicast());
  assert.ok(local.isLocal());
  assert.not.ok(local.isMulticast());
  const global = EthernetAddress.from('00:1b:21:3c:4d:5e');
  assert.ok(global.isUnicast());
  assert.not.ok(global.isLocal());
  assert.ok(local.equals(EthernetAddress.fromNumber(0x0200_0000_0001)));
  assert.not.ok(local.equals(global));
});

test('ethernet address bytes and numbers', () => {
  const bytes = new Uint8Array([9, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 9]);
  const a = EthernetAddress.fromBytes(bytes, 1);
  assert.is(a.toString(), '02:00:00:00:00:01');
  assert.equal([...a.toBytes()], [2, 0, 0, 0, 0, 1]);
  assert.is(a.toNumber(), 0x0200_0000_0001);
  assert.throws(() => EthernetAddress.fromBytes(bytes, 3), /needs 6 bytes at offset 3/);
  assert.throws(() => EthernetAddress.fromNumber(2 ** 48), /not a 48-bit/);
  assert.throws(() => EthernetAddress.fromNumber(-1), /not a 48-bit/);
  assert.throws(() => EthernetAddress.fromNumber(1.5), /not a 48-bit/);
});

test('ethernet address: format/parse and read/write are inverse (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (n) => {
      assert.is(parseMac(formatMac(n)), n);
      const buf = new Uint8Array(8);
      writeMac(n, buf, 1);
      assert.is(readMac(buf, 1), n);
      assert.is(buf[0], 0);
      assert.is(buf[7], 0);
    }),
  );
});

test('ipv4 address parses and formats', () => {
  const a = Ipv4Address.from('192.168.1.1');
  assert.is(a.value, 0xc0a8_0101);
  assert.is(a.toString(), '192.168.1.1');
  assert.equal(a.octets(), [192, 168, 1, 1]);
  assert.is(formatIpv4(0xffff_ffff), '255.255.255.255');
  assert.is(formatIpv4(-1), '255.255.255.255'); // int32 with the same bits
  assert.is(formatIpv4(0), '0.0.0.0');
  assert.is(Ipv4Address.fromOctets(10, 0, 0, 1).toString(), '10.0.0.1');
  assert.is(Ipv4Address.fromNumber(-0x3f57_feff).toString(), '192.168.1.1');
});

test('ipv4 address rejects malformed text', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.', '1.2.3.4.5', '256.0.0.1', '1..2.3', '01.2.3.4', '1.2.3.4 ', 'a.b.c.d', '1.2.3.-4', '1234.1.1.1', '.1.2.3']) {
    assert.instance(Ipv4Address.parse(bad), AddressParseError, bad);
    assert.instance(parseIpv4(bad), AddressParseError, bad);
  }
  // The error is a value the compiler keeps apart from a number: `repr.srcAddr = parseIpv4(text)` does
  // not type-check until the error is ruled out (the -1 of old was emitted as 255.255.255.255).
  const parsed = parseIpv4('nope');
  assert.ok(parsed instanceof AddressParseError && /"nope" is not an IPv4 address/.test(parsed.message));
  assert.is(parseIpv4('0.0.0.0'), 0);
  assert.throws(() => Ipv4Address.from('10.0.0'), (e: unknown) => e instanceof AddressParseError && /"10.0.0" is not an IPv4 address: expected four decimal octets/.test((e as Error).message));
  assert.throws(() => Ipv4Address.fromOctets(1, 2, 3, 256), /256 is not an IPv4 octet/);
  assert.throws(() => Ipv4Address.fromNumber(2 ** 32), /not a 32-bit/);
});

test('ipv4 address classification', () => {
  const is = (text: string) => Ipv4Address.from(text);
  assert.ok(is('0.0.0.0').isUnspecified());
  assert.not.ok(is('0.0.0.0').isUnicast());
  assert.ok(is('255.255.255.255').isBroadcast());
  assert.ok(Ipv4Address.BROADCAST.isBroadcast());
  assert.ok(Ipv4Address.UNSPECIFIED.isUnspecified());
  assert.not.ok(is('255.255.255.255').isUnicast());
  assert.ok(is('224.0.0.1').isMulticast());
  assert.ok(is('239.255.255.255').isMulticast());
  assert.not.ok(is('240.0.0.1').isMulticast());
  assert.not.ok(is('224.0.0.1').isUnicast());
  assert.ok(is('127.0.0.1').isLoopback());
  assert.not.ok(is('128.0.0.1').isLoopback());
  assert.ok(is('169.254.3.4').isLinkLocal());
  assert.not.ok(is('169.253.3.4').isLinkLocal());
  assert.ok(is('10.0.0.1').isUnicast());
  assert.ok(is('10.0.0.1').equals(Ipv4Address.fromNumber(0x0a00_0001)));
});

test('ipv4 address bytes', () => {
  const bytes = new Uint8Array([0, 10, 0, 0, 1]);
  const a = Ipv4Address.fromBytes(bytes, 1);
  assert.is(a.toString(), '10.0.0.1');
  assert.equal([...a.toBytes()], [10, 0, 0, 1]);
  assert.is(a.toNumber(), 0x0a00_0001);
  assert.throws(() => Ipv4Address.fromBytes(bytes, 2), /needs 4 bytes at offset 2/);
});

test('ipv4 address: format/parse inverse (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
      assert.is(parseIpv4(formatIpv4(n)), n);
    }),
  );
});

test('ipv4 cidr parse, netmask, network, broadcast', () => {
  const c = Ipv4Cidr.from('192.168.1.10/24');
  assert.is(c.address.toString(), '192.168.1.10');
  assert.is(c.prefixLength, 24);
  assert.is(c.toString(), '192.168.1.10/24');
  assert.is(c.netmask().toString(), '255.255.255.0');
  assert.is(c.network().toString(), '192.168.1.0/24');
  assert.is(c.broadcast()!.toString(), '192.168.1.255');
  assert.is(Ipv4Cidr.from('10.0.0.0/8').broadcast()!.toString(), '10.255.255.255');
  assert.is(Ipv4Cidr.from('10.0.0.0/31').broadcast(), null);
  assert.is(Ipv4Cidr.from('10.0.0.1/32').broadcast(), null);
  assert.is(Ipv4Cidr.from('0.0.0.0/0').netmask().toString(), '0.0.0.0');
  assert.is(Ipv4Cidr.from('1.2.3.4/0').network().toString(), '0.0.0.0/0');
  assert.is(Ipv4Cidr.from('1.2.3.4/32').netmask().toString(), '255.255.255.255');
  assert.is(prefixNetmask(1), 0x8000_0000);
  assert.ok(c.equals(Ipv4Cidr.from('192.168.1.10/24')));
  assert.not.ok(c.equals(Ipv4Cidr.from('192.168.1.10/25')));
});

test('ipv4 cidr rejects malformed text', () => {
  for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/08', '10.0.0/8', '10.0.0.0/8/8', '10.0.0.0/a', '10.0.0.0/100']) {
    assert.instance(Ipv4Cidr.parse(bad), AddressParseError, bad);
  }
  assert.throws(() => Ipv4Cidr.from('10.0.0.0/33'), /"10.0.0.0\/33" is not an IPv4 CIDR address: expected an IPv4 address, "\/" and a prefix length/);
  assert.throws(() => new Ipv4Cidr(Ipv4Address.UNSPECIFIED, 33), /33 is not an IPv4 prefix length/);
});

test('ipv4 cidr membership', () => {
  const c = Ipv4Cidr.from('10.1.0.0/16');
  assert.ok(c.contains(Ipv4Address.from('10.1.255.255')));
  assert.ok(c.contains(0x0a01_0000));
  assert.not.ok(c.contains(Ipv4Address.from('10.2.0.0')));
  assert.ok(Ipv4Cidr.from('0.0.0.0/0').contains(Ipv4Address.from('200.1.2.3')));
  assert.ok(Ipv4Cidr.from('200.1.2.3/32').contains(Ipv4Address.from('200.1.2.3')));
  assert.not.ok(Ipv4Cidr.from('200.1.2.3/32').contains(Ipv4Address.from('200.1.2.2')));
  assert.ok(Ipv4Cidr.from('192.168.0.0/16').contains(Ipv4Address.from('192.168.200.1')));
  assert.ok(c.containsSubnet(Ipv4Cidr.from('10.1.2.0/24')));
  assert.not.ok(c.containsSubnet(Ipv4Cidr.from('10.0.0.0/8')));
  assert.not.ok(c.containsSubnet(Ipv4Cidr.from('10.2.0.0/24')));
});

test('ipv4 cidr from netmask', () => {
  const a = Ipv4Address.from('172.16.5.4');
  assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.from('255.255.240.0'))!.toString(), '172.16.5.4/20');
  assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.from('0.0.0.0'))!.prefixLength, 0);
  assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.from('255.255.255.255'))!.prefixLength, 32);
  assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.from('255.0.255.0')), null);
  assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.from('0.255.255.255')), null);
  for (let p = 0; p <= 32; p++) {
    assert.is(Ipv4Cidr.fromNetmask(a, Ipv4Address.fromNumber(prefixNetmask(p)))!.prefixLength, p);
  }
});

test.run();
