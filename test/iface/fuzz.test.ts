// Fuzz: 20 000 random and mutated frames through poll() with fixed seeds (a million with
// `node --import tsx test/iface/fuzz-run.ts 1000000`): nothing escapes, every frame is counted once
// (accepted plus drops equals frames received), and the stack still answers a ping afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runFuzz } from './fuzz-run.js';

const test = suite('iface/fuzz');

for (const seed of [1, 2]) {
  test(`seed ${seed}: 10 000 frames, nothing escapes, the counters add up`, () => {
    const r = runFuzz(10_000, seed);
    assert.is(r.rxFrames, r.frames);
    assert.is(r.accepted + r.dropped, r.rxFrames);
    assert.is(r.counters.rx_internal, 0, `internal errors: ${JSON.stringify(r.counters)}`);
    assert.ok(r.answersAfter, 'the stack still answers a ping');
    // The mix reaches every layer: some frames of each kind are accepted, some dropped for each reason.
    for (const reason of ['rx_malformed', 'rx_badChecksum', 'rx_notForUs', 'rx_noSocket', 'rx_unsupportedProtocol']) {
      assert.ok(r.counters[reason] > 0, `${reason} reached: ${JSON.stringify(r.counters)}`);
    }
    assert.ok(r.accepted > 1000, `accepted ${r.accepted}`);
  });
}

test.run();
