// Bytes allocated per frame through a LinkedPair, both directions, bursts of transmits then receives as
// an interface's poll uses it. One boxed timestamp per burst of 128 frames (0.125 bytes/frame) is the
// measurement's own. Run by linked-pair.test.ts in a fresh process without coverage counters.
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { bytesPer } from '../helpers/bytes-per.js';

const T0 = 1_764_547_200_000_000;

function write(seq: number, bytes: Uint8Array, offset: number, length: number): void {
  bytes[offset] = seq;
  bytes[offset + length - 1] = seq;
}

function read(_ctx: null, bytes: Uint8Array, offset: number, length: number): number {
  return (bytes[offset] + length) | 0;
}

let crossed = 0;
let woken = 0;
const pair = new LinkedPair({ capacity: 64 });
pair.b.onReadable = () => {
  woken++;
};

function burst(now: number): void {
  for (let i = 0; i < 64; i++) {
    pair.a.transmit(now)!.consume(60 + (i % 16) * 90, i, write);
    pair.b.transmit(now)!.consume(1514, i, write);
  }
  for (let i = 0; i < 64; i++) {
    crossed = (crossed + pair.b.receive(now)!.rx.consume(null, read)) | 0;
    crossed = (crossed + pair.a.receive(now)!.rx.consume(null, read)) | 0;
  }
}

const pairBytes = bytesPer(320_000, (n) => {
  for (let b = 0; b < n / 128; b++) burst(T0 + b * 100);
});
console.log(JSON.stringify({ pair: pairBytes, exercised: crossed !== 0 && woken > 0 }));
