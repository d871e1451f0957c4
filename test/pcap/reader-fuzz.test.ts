// Whatever bytes it is given, the reader never throws: it returns packets and then stops, with a
// message that names the packet (or the file header) when the input is damaged. Inputs are valid
// classic pcap and pcapng files, truncated anywhere or with bytes overwritten at random.
import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { PcapReader } from '../../src/pcap/reader.js';
import { StreamSource, type ByteSource } from '../../src/pcap/source.js';
import {
  classicPcap,
  concat,
  enhancedPacket,
  frame,
  interfaceDescription,
  obsoletePacket,
  sectionHeader,
  simplePacket,
} from './support.js';

const test = suite('pcap/reader-fuzz');

/** A source over bytes in memory, handing them out in chunks of a given size. */
class MemorySource implements ByteSource {
  private at = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly chunk: number,
  ) {}
  read(buffer: Uint8Array, offset: number, length: number): number {
    const n = Math.min(length, this.chunk, this.bytes.length - this.at);
    buffer.set(this.bytes.subarray(this.at, this.at + n), offset);
    this.at += n;
    return n;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {}
}

const frames = [frame(60, 1), frame(300, 2), frame(42, 3), frame(1514, 4)];
const classic = classicPcap(frames.map((data, i) => ({ seconds: 1_700_000_000 + i, fraction: i, data })));
const classicBE = classicPcap(frames.map((data, i) => ({ seconds: 1_700_000_000 + i, fraction: i, data })), { littleEndian: false, nanos: true });
const ng = concat(
  sectionHeader(),
  interfaceDescription(1, { tsresol: 9 }),
  enhancedPacket(0, 1n, frames[0]),
  obsoletePacket(0, 2n, frames[1]),
  sectionHeader(false),
  interfaceDescription(1, { littleEndian: false }),
  simplePacket(frames[2], 42, false),
  enhancedPacket(0, 3n, frames[3], { littleEndian: false }),
);

const MESSAGE = /^(packet \d+: .+ at offset \d+|empty input: .+|not a pcap or pcapng file: .+|truncated (pcap )?file header .+|unsupported pcap version .+)$/;

function readAll(bytes: Uint8Array, chunk: number, bufferSize: number): { packets: number; error: string | null } {
  const reader = new PcapReader(new MemorySource(bytes, chunk), { bufferSize });
  let packets = 0;
  while (reader.next()) {
    const r = reader.record;
    assert.ok(r.offset >= 0 && r.offset + r.length <= r.bytes.length, 'the record is inside the buffer');
    assert.is(r.number, ++packets);
  }
  return { packets, error: reader.error };
}

test('truncated anywhere: the packets before the cut, then a message naming the next one', () => {
  for (const file of [classic, classicBE, ng]) {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: file.length }), fc.integer({ min: 1, max: 4096 }), (cut, chunk) => {
        const { packets, error } = readAll(file.subarray(0, cut), chunk, 64);
        assert.ok(packets <= frames.length);
        if (cut === file.length) assert.is(error, null);
        else if (error !== null) {
          assert.match(error, MESSAGE);
          if (error.startsWith('packet ')) assert.ok(error.startsWith(`packet ${packets + 1}: `), error);
        }
      }),
      { numRuns: 300 },
    );
  }
});

test('bytes overwritten at random: never an exception, messages name a packet', () => {
  for (const file of [classic, classicBE, ng]) {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 5000 }),
        (edits, chunk) => {
          const bytes = file.slice();
          for (const [at, value] of edits) bytes[at] = value;
          const { error } = readAll(bytes, chunk, 128);
          if (error !== null) assert.match(error, MESSAGE);
        },
      ),
      { numRuns: 500 },
    );
  }
});

test('random bytes are refused at the header', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), (bytes) => {
      const { error } = readAll(bytes, 7, 64);
      if (error !== null) assert.match(error, MESSAGE);
    }),
    { numRuns: 300 },
  );
});

test('a stream split at every position gives the same packets', async () => {
  for (const file of [classic, ng]) {
    for (let split = 0; split <= file.length; split += 13) {
      const stream = new PassThrough();
      const reader = new PcapReader(new StreamSource(stream), { bufferSize: 64 });
      let packets = 0;
      const done = (async () => {
        for (;;) {
          while (reader.next()) packets++;
          if (!reader.needsData) return;
          await reader.ready();
        }
      })();
      stream.write(file.subarray(0, split));
      await new Promise((resolve) => setImmediate(resolve));
      stream.end(file.subarray(split));
      await done;
      assert.is(reader.error, null);
      assert.is(packets, frames.length);
    }
  }
});

test.run();
