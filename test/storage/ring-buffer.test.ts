// RingBuffer: copying and zero-copy access wrap around correctly, TCP's random access reads and writes
// land where a simple array model says, and misuse is a StorageError
// (allocation: test/storage/alloc.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { StorageError } from '../../src/storage/errors.js';

const test = suite('storage/ring-buffer');

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function throwsStorage(f: () => void, code: string): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, StorageError);
    assert.is((e as StorageError).code, code);
    assert.ok(/;/.test((e as Error).message), 'the message says what to do');
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('a new buffer is empty with the whole capacity as window', () => {
  const rb = new RingBuffer(8);
  assert.is(rb.capacity, 8);
  assert.is(rb.length, 0);
  assert.is(rb.window, 8);
  assert.ok(rb.isEmpty());
  assert.not.ok(rb.isFull());
  assert.is(rb.storage.length, 8);
});

test('the caller\'s array is used as storage, not copied', () => {
  const storage = new Uint8Array(4);
  const rb = new RingBuffer(storage);
  assert.is(rb.storage, storage);
  rb.enqueueSlice(bytes(7, 8), 0, 2);
  assert.equal(Array.from(storage.subarray(0, 2)), [7, 8]);
});

test('enqueueSlice takes what fits and dequeueSlice what is queued, across the wrap', () => {
  const rb = new RingBuffer(5);
  assert.is(rb.enqueueSlice(bytes(1, 2, 3, 4), 0, 4), 4);
  const out = new Uint8Array(8);
  assert.is(rb.dequeueSlice(out, 0, 3), 3);
  assert.equal(Array.from(out.subarray(0, 3)), [1, 2, 3]);
  // Read position 3, one byte queued: four free bytes, of which two before the end.
  assert.is(rb.enqueueSlice(bytes(9, 5, 6, 7, 8, 9), 1, 5), 4);
  assert.ok(rb.isFull());
  assert.is(rb.enqueueSlice(bytes(1), 0, 1), 0);
  assert.is(rb.dequeueSlice(out, 1, 8), 5);
  assert.equal(Array.from(out.subarray(1, 6)), [4, 5, 6, 7, 8]);
  assert.ok(rb.isEmpty());
  assert.is(rb.dequeueSlice(out, 0, 1), 0);
});

test('contiguous windows stop at the end of storage and at the read position', () => {
  const rb = new RingBuffer(6);
  assert.is(rb.contiguousWriteOffset(), 0);
  assert.is(rb.contiguousWriteLength(), 6);
  rb.storage.set([1, 2, 3, 4], 0);
  rb.commitEnqueue(4);
  rb.commitDequeue(3);
  // read at 3, one queued, write at 4: free run 4..6 then 0..3.
  assert.is(rb.contiguousWriteOffset(), 4);
  assert.is(rb.contiguousWriteLength(), 2);
  rb.commitEnqueue(2);
  assert.is(rb.contiguousWriteOffset(), 0);
  assert.is(rb.contiguousWriteLength(), 3);
  assert.is(rb.contiguousReadOffset(), 3);
  assert.is(rb.contiguousReadLength(), 3);
  rb.commitEnqueue(3);
  assert.ok(rb.isFull());
  assert.is(rb.contiguousWriteLength(), 0);
  rb.commitDequeue(3);
  assert.is(rb.contiguousReadOffset(), 0);
  assert.is(rb.contiguousReadLength(), 3);
});

test('readAllocated reads past the read position without dequeuing', () => {
  const rb = new RingBuffer(4);
  rb.enqueueSlice(bytes(1, 2, 3), 0, 3);
  rb.dequeueAllocated(2);
  rb.enqueueSlice(bytes(4, 5, 6), 0, 3); // queued: 3 4 5 6, wrapping
  const out = new Uint8Array(4);
  assert.is(rb.readAllocated(1, out, 0, 10), 3);
  assert.equal(Array.from(out.subarray(0, 3)), [4, 5, 6]);
  assert.is(rb.readAllocated(4, out, 0, 1), 0);
  assert.is(rb.readAllocated(-1, out, 0, 1), 0);
  assert.is(rb.length, 4);
});

test('writeUnallocated places bytes beyond the write position; enqueueUnallocated takes them in', () => {
  const rb = new RingBuffer(6);
  rb.enqueueSlice(bytes(1, 2, 3, 4), 0, 4);
  rb.dequeueAllocated(4); // read and write at 4
  // An out-of-order segment two bytes ahead, wrapping around the end.
  assert.is(rb.writeUnallocated(2, bytes(30, 40, 50), 0, 3), 3);
  assert.is(rb.length, 0);
  assert.is(rb.writeUnallocated(0, bytes(10, 20), 0, 2), 2);
  rb.enqueueUnallocated(5);
  const out = new Uint8Array(5);
  assert.is(rb.dequeueSlice(out, 0, 5), 5);
  assert.equal(Array.from(out), [10, 20, 30, 40, 50]);
  assert.is(rb.writeUnallocated(6, bytes(1), 0, 1), 0, 'nothing beyond the window');
  assert.is(rb.writeUnallocated(5, bytes(1, 2), 0, 2), 1, 'cut at the window');
});

test('clear rewinds both positions', () => {
  const rb = new RingBuffer(4);
  rb.enqueueSlice(bytes(1, 2, 3), 0, 3);
  rb.dequeueAllocated(2);
  rb.clear();
  assert.ok(rb.isEmpty());
  assert.is(rb.contiguousWriteOffset(), 0);
  assert.is(rb.contiguousWriteLength(), 4);
});

test('a zero-capacity buffer is always empty and full', () => {
  const rb = new RingBuffer(0);
  assert.ok(rb.isEmpty());
  assert.ok(rb.isFull());
  assert.is(rb.enqueueSlice(bytes(1), 0, 1), 0);
  assert.is(rb.contiguousWriteLength(), 0);
  assert.is(rb.contiguousReadLength(), 0);
});

test('misuse is a StorageError that says what to do', () => {
  throwsStorage(() => new RingBuffer(-1), 'ERR_STORAGE_BAD_CAPACITY');
  throwsStorage(() => new RingBuffer(1.5), 'ERR_STORAGE_BAD_CAPACITY');
  const rb = new RingBuffer(4);
  rb.enqueueSlice(bytes(1, 2, 3), 0, 3);
  rb.dequeueAllocated(2); // read at 2, write at 3
  throwsStorage(() => rb.commitEnqueue(2), 'ERR_STORAGE_OVERCOMMIT'); // one contiguous byte to the end
  throwsStorage(() => rb.enqueueUnallocated(4), 'ERR_STORAGE_OVERCOMMIT');
  throwsStorage(() => rb.commitDequeue(2), 'ERR_STORAGE_UNDERFLOW');
  throwsStorage(() => rb.dequeueAllocated(2), 'ERR_STORAGE_UNDERFLOW');
  throwsStorage(() => rb.commitEnqueue(-1), 'ERR_STORAGE_OVERCOMMIT');
  assert.is(rb.length, 1, 'a refused call changes nothing');
});

// The model: the queue as an array, and the bytes written beyond the write position by offset.
type Op =
  | { kind: 'enqueue'; data: number[] }
  | { kind: 'dequeue'; n: number }
  | { kind: 'readAllocated'; offset: number; n: number }
  | { kind: 'writeUnallocated'; offset: number; data: number[] }
  | { kind: 'enqueueUnallocated'; n: number }
  | { kind: 'dequeueAllocated'; n: number }
  | { kind: 'zeroCopyWrite'; data: number[] }
  | { kind: 'zeroCopyRead'; n: number }
  | { kind: 'clear' };

const byte = fc.integer({ min: 0, max: 255 });
const small = fc.integer({ min: 0, max: 40 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('enqueue' as const), data: fc.array(byte, { maxLength: 40 }) }),
  fc.record({ kind: fc.constant('dequeue' as const), n: small }),
  fc.record({ kind: fc.constant('readAllocated' as const), offset: small, n: small }),
  fc.record({ kind: fc.constant('writeUnallocated' as const), offset: small, data: fc.array(byte, { maxLength: 40 }) }),
  fc.record({ kind: fc.constant('enqueueUnallocated' as const), n: small }),
  fc.record({ kind: fc.constant('dequeueAllocated' as const), n: small }),
  fc.record({ kind: fc.constant('zeroCopyWrite' as const), data: fc.array(byte, { maxLength: 40 }) }),
  fc.record({ kind: fc.constant('zeroCopyRead' as const), n: small }),
  fc.record({ kind: fc.constant('clear' as const) }),
);

test('long copies out to another ArrayBuffer (cached block views) give the queued bytes at every alignment, across the wrap', () => {
  // Storage a view into a larger ArrayBuffer, capacity not a multiple of the 4096-byte block: the blocks
  // count from the storage's start, and the partial block at its end goes through copyBytes.
  const arena = new Uint8Array(5 * 4096 + 1000);
  const capacity = 4 * 4096 + 4096 + 777;
  const rb = new RingBuffer(arena.subarray(100, 100 + capacity));
  const pattern = (k: number): number => (k * 131 + (k >> 8)) & 0xff;
  let written = 0;
  let read = 0;
  const src = new Uint8Array(capacity);
  const dst = new Uint8Array(capacity + 64);
  for (const length of [16384, 16385, 17000, 20000, capacity - 1, 16384 + 4095]) {
    for (let skew = 0; skew < 4096 + 17; skew += 523) {
      // Move the read position by `skew`, then queue `length` bytes and read them out at dst offset 5.
      for (let i = 0; i < skew; i++) src[i] = pattern(written + i);
      written += rb.enqueueSlice(src, 0, skew);
      read += rb.dequeueSlice(dst, 0, skew);
      for (let i = 0; i < length; i++) src[i] = pattern(written + i);
      written += rb.enqueueSlice(src, 0, length);
      dst.fill(0);
      const n = rb.dequeueSlice(dst, 5, length);
      assert.is(n, length);
      for (let i = 0; i < n; i++) {
        if (dst[5 + i] !== pattern(read + i)) assert.unreachable(`byte ${i} of ${length} (skew ${skew}): ${dst[5 + i]}, expected ${pattern(read + i)}`);
      }
      assert.is(dst[4], 0);
      assert.is(dst[5 + n], 0);
      read += n;
    }
  }
});

test('property: every sequence of operations agrees with an array model', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 32 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
      const rb = new RingBuffer(capacity);
      const queue: (number | null)[] = []; // null: a byte enqueued unwritten
      let ahead: (number | null)[] = [];
      const out = new Uint8Array(64);
      const check = (got: Uint8Array, from: number, expected: (number | null)[]) => {
        expected.forEach((b, i) => {
          if (b !== null) assert.is(got[from + i], b);
        });
      };
      const take = (n: number) => {
        const taken = ahead.slice(0, n);
        while (taken.length < n) taken.push(null);
        ahead = ahead.slice(n);
        return taken;
      };
      for (const o of ops) {
        const window = capacity - queue.length;
        switch (o.kind) {
          case 'enqueue': {
            const n = Math.min(o.data.length, window);
            assert.is(rb.enqueueSlice(Uint8Array.from(o.data), 0, o.data.length), n);
            take(n);
            queue.push(...o.data.slice(0, n));
            break;
          }
          case 'dequeue': {
            const n = Math.min(o.n, queue.length);
            assert.is(rb.dequeueSlice(out, 3, o.n), n);
            check(out, 3, queue.splice(0, n));
            break;
          }
          case 'readAllocated': {
            const n = Math.max(0, Math.min(o.n, queue.length - o.offset));
            assert.is(rb.readAllocated(o.offset, out, 0, o.n), n);
            check(out, 0, queue.slice(o.offset, o.offset + n));
            break;
          }
          case 'writeUnallocated': {
            const n = Math.max(0, Math.min(o.data.length, window - o.offset));
            assert.is(rb.writeUnallocated(o.offset, Uint8Array.from(o.data), 0, o.data.length), n);
            for (let i = 0; i < n; i++) ahead[o.offset + i] = o.data[i];
            for (let i = 0; i < ahead.length; i++) if (ahead[i] === undefined) ahead[i] = null;
            break;
          }
          case 'enqueueUnallocated': {
            if (o.n > window) {
              assert.throws(() => rb.enqueueUnallocated(o.n), (e: unknown) => e instanceof StorageError);
            } else {
              rb.enqueueUnallocated(o.n);
              queue.push(...take(o.n));
            }
            break;
          }
          case 'dequeueAllocated': {
            if (o.n > queue.length) {
              assert.throws(() => rb.dequeueAllocated(o.n), (e: unknown) => e instanceof StorageError);
            } else {
              rb.dequeueAllocated(o.n);
              queue.splice(0, o.n);
            }
            break;
          }
          case 'zeroCopyWrite': {
            const at = rb.contiguousWriteOffset();
            const room = rb.contiguousWriteLength();
            assert.ok(room <= window && (window === 0 || room > 0));
            const n = Math.min(room, o.data.length);
            rb.storage.set(o.data.slice(0, n), at);
            rb.commitEnqueue(n);
            take(n);
            queue.push(...o.data.slice(0, n));
            break;
          }
          case 'zeroCopyRead': {
            const at = rb.contiguousReadOffset();
            const avail = rb.contiguousReadLength();
            assert.ok(avail <= queue.length && (queue.length === 0 || avail > 0));
            const n = Math.min(avail, o.n);
            check(rb.storage, at, queue.splice(0, n));
            rb.commitDequeue(n);
            break;
          }
          case 'clear':
            rb.clear();
            queue.length = 0;
            ahead = [];
            break;
        }
        assert.is(rb.length, queue.length);
        assert.is(rb.window, capacity - queue.length);
        assert.is(rb.isEmpty(), queue.length === 0);
        assert.is(rb.isFull(), queue.length === capacity);
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
