// IPv6 addresses as text: RFC 5952's canonical form (with tcpdump's and inet_ntop's dotted quads for IPv4-mapped
// and -compatible addresses) and RFC 4291 section 2.2's input forms, with an AddressParseError naming what was
// expected for anything else.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { AddressParseError } from '../../src/wire/address-error.js';
import { formatIpv6, parseIpv6 } from '../../src/wire/ipv6-address.js';

const test = suite('wire/ipv6-address');

function roundTrip(text: string): string {
  const bytes = parseIpv6(text);
  if (bytes instanceof AddressParseError) throw bytes;
  return formatIpv6(bytes);
}

test('RFC 5952 section 4: leading zeros dropped, the longest run of zero groups as ::, lowercase', () => {
  // Section 4.1: leading zeros; 4.2.1: shorten as much as possible; 4.3: lowercase.
  assert.is(roundTrip('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.is(roundTrip('2001:DB8:0:0:0:0:2:1'), '2001:db8::2:1');
  // Section 4.2.2: a single zero group is not shortened.
  assert.is(roundTrip('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  // Section 4.2.3: the longest run, the first of runs of equal length.
  assert.is(roundTrip('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1');
  assert.is(roundTrip('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.is(roundTrip('::'), '::');
  assert.is(roundTrip('::1'), '::1');
  assert.is(roundTrip('1::'), '1::');
  assert.is(roundTrip('fe80::c4e9:7aff:fe76:4d34'), 'fe80::c4e9:7aff:fe76:4d34');
});

test('RFC 5952 section 5: IPv4-mapped addresses end in a dotted quad, as inet_ntop and tcpdump print them', () => {
  assert.is(roundTrip('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  assert.is(roundTrip('0:0:0:0:0:ffff:c000:0201'), '::ffff:192.0.2.1');
  // IPv4-compatible (RFC 4291 section 2.5.5.1, deprecated): inet_ntop's form, but not for ::1 or ::.
  assert.is(roundTrip('::c000:201'), '::192.0.2.1');
  assert.is(roundTrip('::2'), '::2');
  assert.is(roundTrip('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
});

test('parse: every form RFC 4291 section 2.2 allows, into a given buffer at an offset', () => {
  const out = new Uint8Array(20);
  const result = parseIpv6('ff02::1:ff00:2', out, 2);
  assert.is(result, out);
  assert.equal(Array.from(out.subarray(2, 18)), [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2]);
  assert.is(formatIpv6(out, 2), 'ff02::1:ff00:2');
  assert.is(roundTrip('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
  assert.is(roundTrip('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.is(roundTrip('1::7:8'), '1::7:8');
  // '::' may stand for a single zero group on input (RFC 5952 says not to write it so).
  assert.is(roundTrip('1:2:3:4:5:6::8'), '1:2:3:4:5:6:0:8');
});

test('parse refuses what is not an address, with a message that says what was expected', () => {
  for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', ':1::', '1:', '1::2:', 'fe80::1%eth0', '::1.2.3', '::1.2.3.256', '::01.2.3.4', '1.2.3.4', ' ::1']) {
    const result = parseIpv6(bad);
    assert.instance(result, AddressParseError, JSON.stringify(bad));
    const error = result as AddressParseError;
    assert.is(error.kind, 'IPv6');
    assert.match(error.message, /is not an IPv6 address: expected eight groups of up to four hex digits/);
  }
});

test('formatting agrees with the WHATWG URL serializer (RFC 5952 as browsers apply it) on random addresses', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 8 }), (bytes, start, length) => {
      // Runs of zero groups, so that :: appears in most cases.
      for (let i = start; i < Math.min(8, start + length); i++) bytes[2 * i] = bytes[2 * i + 1] = 0;
      const text = formatIpv6(bytes);
      if (text.includes('.')) return; // the dotted-quad forms, which URL does not use
      assert.is(text, new URL(`http://[${text}]/`).hostname.slice(1, -1));
      assert.equal(Array.from(parseIpv6(text) as Uint8Array), Array.from(bytes));
    }),
    { numRuns: 2000 },
  );
});

test.run();
