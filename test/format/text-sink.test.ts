// TextSink: the byte writers behind smoltcp-dump's output (the JSON writer and the text printers) and
// FrameFormatter.format's growing buffer. Each writer's text is checked against what JavaScript itself prints
// for the same value, at the edges of the digit tables and across the sink's growth.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameFormatter } from '../../src/format/index.js';
import { Piece, PieceCache, PieceTable, TextSink } from '../../src/format/text-sink.js';
import { formatIpv6 } from '../../src/wire/ipv6-address.js';
import { ethernet, prng } from '../dump/craft.js';

const test = suite('text sink: bytes written as text');

test('numbers at the edges of the four-digit tables read as String(n)', () => {
  const sink = new TextSink(4);
  const values = [0, 7, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 12_345, 99_999_999, 100_000_000, 2 ** 31, 2 ** 32 - 1, 999_999_999_999, 10 ** 12, 2 ** 53 - 1];
  for (const value of values) {
    sink.reserve(20);
    sink.uint(value);
    sink.text(' ');
  }
  assert.is(sink.takeText(), values.join(' ') + ' ');
  assert.is(sink.used, 0);
});

test('hex4: every 16-bit value as four lowercase digits, as tcpdump prints a checksum with %04x', () => {
  const sink = new TextSink(2);
  let expected = '';
  for (let value = 0; value < 65536; value += 257) {
    sink.reserve(8);
    sink.hex4(value);
    sink.text(' ');
    expected += value.toString(16).padStart(4, '0') + ' ';
  }
  sink.reserve(8);
  sink.hex4(0xfedc);
  assert.is(sink.takeText(), expected + 'fedc');
});

test('addresses: dotted quads, RFC 5952 IPv6 text, MACs', () => {
  const sink = new TextSink(1);
  for (const address of [0, 0x0a000001, 0x7f000001, 0xc0a80164, 0xffffffff, 0x01020304 | 0, 0x80000000 | 0]) {
    sink.reserve(16);
    sink.ipv4(address);
    const text = sink.takeText();
    assert.is(text, [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.'));
  }
  const random = prng(5);
  for (let i = 0; i < 200; i++) {
    // Runs of zero groups (and the IPv4-mapped prefix) are where RFC 5952's rules differ.
    const bytes = new Uint8Array(16).map(() => (random() < 0.5 ? 0 : Math.floor(random() * 256)));
    if (i % 10 === 0) bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
    sink.reserve(48);
    sink.ipv6(bytes, 0);
    assert.is(sink.takeText(), formatIpv6(bytes), formatIpv6(bytes));
  }
  sink.reserve(20);
  sink.mac(Uint8Array.of(0x02, 0x00, 0x5e, 0x10, 0xab, 0xff), 0);
  assert.is(sink.takeText(), '02:00:5e:10:ab:ff');
});

test('pieces and fields, and a PieceTable makes each piece once', () => {
  const sink = new TextSink(2);
  const win = new Piece(', win ');
  sink.reserve(32);
  sink.piece(new Piece('Flags [S.]'));
  sink.field(win, 64240);
  sink.field(win, 3);
  assert.is(sink.takeText(), 'Flags [S.], win 64240, win 3');
  let made = 0;
  const table = new PieceTable((index) => {
    made++;
    return '<' + index + '>';
  });
  assert.is(table.get(5), table.get(5));
  assert.is(table.get(6).length, 3);
  assert.is(made, 2);
});

test('pieces of every length up to 40 bytes copy exactly, and a PieceCache stops making pieces at its bound', () => {
  const sink = new TextSink(2);
  let expected = '';
  for (let length = 0; length <= 40; length++) {
    const text = Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((length * 7 + i) % 95))).join('');
    sink.reserve(length + 16);
    sink.piece(new Piece(text));
    sink.field(new Piece(text), length);
    expected += text + text + length;
  }
  assert.is(sink.takeText(), expected);
  const cache = new PieceCache((key) => ',"ttl":' + key, 256, 2);
  const first = cache.get(64);
  assert.is(first?.length, 9);
  assert.is(cache.get(64), first);
  assert.ok(cache.get(128) !== null);
  assert.is(cache.get(255), null, 'a third key past a bound of two');
  assert.is(cache.get(128)?.length, 10, 'keys made before the bound stay');
  assert.is(cache.get(0)?.length, undefined, 'key 0 is a key like any other, past the bound here');
  const wide = new PieceCache((key) => String(key), 256);
  assert.is(wide.get(0)?.length, 1);
  assert.is(wide.get(255)?.length, 3);
  assert.is(wide.get(256), null, 'a key out of range');
  assert.is(wide.get(-1), null, 'a negative key');
});

test('the sink grows and keeps what it holds; long texts and takeText from an offset', () => {
  const sink = new TextSink(8);
  const long = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(32 + (i % 95))).join('');
  sink.text('head:');
  const from = sink.used;
  sink.text(long);
  sink.text(':tail');
  assert.ok(sink.block.length >= 20_010);
  assert.is(sink.takeText(from), long + ':tail');
  assert.is(sink.takeText(), 'head:');
  // Latin-1 round trip: every byte value comes back as the same character code.
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  sink.text(all);
  assert.is(sink.takeText(), all);
});

test("FrameFormatter.format builds a line of hundreds of kilobytes in its sink (an unknown EtherType's hex dump)", () => {
  const payload = new Uint8Array(40_000).map((_, i) => i * 7);
  const formatter = new FrameFormatter();
  const frame = ethernet(0x88b5, payload);
  const line = formatter.format(frame, 0, frame.length);
  assert.ok(line.startsWith('02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 40014: \n\t0x0000:  0007 0e15'));
  assert.is(line.split('\n').length, 1 + 40_000 / 16);
  // The formatter's sink is empty again: the next line is alone.
  const small = ethernet(0x88b5, new Uint8Array(2));
  const next = formatter.format(small, 0, small.length);
  assert.ok(next.startsWith('02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 16: \n\t0x0000:  0000'), next);
  assert.is(next.split('\n').length, 2);
});

test.run();
