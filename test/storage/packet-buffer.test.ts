// PacketBuffer: packets come out whole and in order with their metadata, never split across the end of
// the payload storage (padding is skipped), capacity limits refuse rather than overwrite, and a model
// check over random sequences.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PacketBuffer } from '../../src/storage/packet-buffer.js';
import { StorageError } from '../../src/storage/errors.js';

const test = suite('storage/packet-buffer');

function fill(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

test('packets come back in order with their bytes and metadata', () => {
  const pb = new PacketBuffer({ packets: 4, payload: 32, metadataWords: 2 });
  for (let i = 0; i < 3; i++) {
    const slot = pb.enqueueSlice(fill(5 + i, i), 0, 5 + i);
    assert.ok(slot >= 0);
    pb.metadata[slot * 2] = 0xc0a80001 | 0;
    pb.metadata[slot * 2 + 1] = 1000 + i;
  }
  assert.is(pb.length, 3);
  const out = new Uint8Array(16);
  for (let i = 0; i < 3; i++) {
    const slot = pb.headSlot();
    assert.is(pb.metadata[slot * 2] >>> 0, 0xc0a80001);
    assert.is(pb.metadata[slot * 2 + 1], 1000 + i);
    assert.is(pb.dequeueInto(out, 0, 16), 5 + i);
    assert.equal(out.subarray(0, 5 + i), fill(5 + i, i));
  }
  assert.ok(pb.isEmpty());
  assert.is(pb.headSlot(), -1);
  assert.is(pb.headLength(), -1);
  assert.is(pb.dequeueInto(out, 0, 16), -1);
});

test('a packet that does not fit before the end of storage starts at 0 behind padding', () => {
  const pb = new PacketBuffer({ packets: 4, payload: 10 });
  assert.is(pb.enqueue(4), 0);
  assert.is(pb.enqueue(4), 4);
  pb.dequeue(); // read at 4, write at 8: two bytes to the end, four free at the start
  assert.not.ok(pb.canEnqueue(5), 'neither run holds 5 bytes');
  assert.is(pb.enqueue(5), -1);
  const at = pb.enqueue(3);
  assert.is(at, 0, 'the 2-byte tail became padding');
  pb.payload.storage.set([9, 8, 7], at);
  pb.dequeue();
  assert.is(pb.headOffset(), 0, 'padding skipped');
  assert.is(pb.headLength(), 3);
  const out = new Uint8Array(3);
  assert.is(pb.dequeueInto(out, 0, 3), 3);
  assert.equal(Array.from(out), [9, 8, 7]);
});

test('an empty buffer starts over at offset 0, so the whole storage is one run', () => {
  const pb = new PacketBuffer({ packets: 2, payload: 10 });
  pb.enqueue(7);
  pb.dequeue();
  assert.is(pb.enqueue(10), 0);
});

test('full packet slots or payload refuse, a short destination gets a truncated copy', () => {
  const pb = new PacketBuffer({ packets: 2, payload: 100 });
  assert.ok(pb.enqueue(1) >= 0);
  assert.ok(pb.enqueue(1) >= 0);
  assert.ok(pb.isFull());
  assert.is(pb.enqueue(1), -1);
  const small = new PacketBuffer({ packets: 4, payload: 8 });
  assert.is(small.enqueue(9), -1, 'larger than the storage');
  assert.is(small.enqueueSlice(fill(6, 1), 0, 6), 0);
  const out = new Uint8Array(4);
  assert.is(small.peekInto(out, 0, 4), 6);
  assert.equal(out, fill(4, 1));
  assert.is(small.length, 1, 'peek keeps the packet');
});

test('zero-length packets are packets', () => {
  const pb = new PacketBuffer({ packets: 3, payload: 4 });
  pb.enqueue(4);
  assert.is(pb.enqueue(0), 0);
  assert.is(pb.length, 2);
  pb.dequeue();
  assert.is(pb.headLength(), 0);
  pb.dequeue();
  assert.ok(pb.isEmpty());
});

test('misuse is a StorageError', () => {
  assert.throws(() => new PacketBuffer({ packets: -1, payload: 4 }), (e: unknown) => e instanceof StorageError && e.code === 'ERR_STORAGE_BAD_CAPACITY');
  const pb = new PacketBuffer({ packets: 1, payload: 4 });
  assert.throws(() => pb.dequeue(), (e: unknown) => e instanceof StorageError && e.code === 'ERR_STORAGE_PACKET');
});

test('property: random enqueues and dequeues agree with a queue of arrays, never split', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 45 }), fc.constant(-1)), { maxLength: 80 }),
      (packets, payload, ops) => {
        const pb = new PacketBuffer({ packets, payload, metadataWords: 1 });
        const model: { bytes: Uint8Array; tag: number }[] = [];
        let tag = 0;
        const out = new Uint8Array(64);
        for (const op of ops) {
          if (op < 0) {
            if (model.length === 0) {
              assert.ok(pb.isEmpty());
              continue;
            }
            const expected = model.shift()!;
            assert.is(pb.metadata[pb.headSlot()], expected.tag);
            const at = pb.headOffset();
            assert.ok(at + expected.bytes.length <= payload, 'contiguous in storage');
            assert.is(pb.dequeueInto(out, 0, 64), expected.bytes.length);
            assert.equal(out.subarray(0, expected.bytes.length), expected.bytes);
          } else {
            const bytes = fill(op, tag);
            const used = model.reduce((n, p) => n + p.bytes.length, 0);
            const slot = pb.enqueueSlice(bytes, 0, op);
            if (slot >= 0) {
              pb.metadata[slot] = ++tag;
              model.push({ bytes, tag });
            } else {
              // Refused only for a reason: slots, total room, or no contiguous run.
              assert.ok(model.length === packets || op > payload - used || model.length > 0);
            }
          }
          assert.is(pb.length, model.length);
        }
        // An empty buffer takes any packet up to the capacity.
        while (!pb.isEmpty()) pb.dequeue();
        assert.ok(pb.canEnqueue(payload));
      },
    ),
    { numRuns: 500 },
  );
});

test.run();
