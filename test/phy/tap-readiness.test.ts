// ReadinessWaiter, the waitReadable of TapInterface and RawSocket, on an eventfd: needs Linux but no
// privileges. Pins the timeout rules, shared waits, wake-up on readability and close.
import * as assert from 'uvu/assert';
import { suiteNeeding } from '../helpers/needs.js';
import { EFD_CLOEXEC, EFD_NONBLOCK } from '../../src/phy/sys/constants.js';
import { loadLibc, type Libc } from '../../src/phy/sys/libc.js';
import { ReadinessWaiter } from '../../src/phy/sys/readiness.js';
import { millis } from '../../src/time.js';

const test = suiteNeeding('phy/tap-readiness', ['linux']);

interface Fixture {
  libc: Libc;
  fd: number;
  waiter: ReadinessWaiter;
  signal(): void;
  drain(): void;
}

function fixture(): Fixture {
  const libc = loadLibc();
  const fd = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  assert.ok(fd >= 0, 'eventfd');
  const one = new Uint8Array(64);
  one[0] = 1;
  const scratch = new Uint8Array(64);
  return {
    libc,
    fd,
    waiter: new ReadinessWaiter(fd),
    signal: () => assert.is(libc.write(fd, one, 8), 8),
    drain: () => void libc.read(fd, scratch, 8),
  };
}

function finish(f: Fixture): void {
  f.waiter.close();
  f.libc.close(f.fd);
}

async function elapsedMs(p: Promise<void>): Promise<number> {
  const start = performance.now();
  await p;
  return performance.now() - start;
}

if (test !== null) {
  test('a zero or negative timeout resolves at once', async () => {
    const f = fixture();
    try {
      assert.ok((await elapsedMs(f.waiter.wait(0))) < 20);
      assert.ok((await elapsedMs(f.waiter.wait(-5))) < 20);
    } finally {
      finish(f);
    }
  });

  test('a timeout in microseconds resolves no earlier than asked, rounded up to whole milliseconds', async () => {
    const f = fixture();
    try {
      // 30.5 ms: the timer is set for 31 ms; Node may fire a timer up to 1 ms early (its loop clock
      // is sampled once per iteration), hence 30.
      const ms = await elapsedMs(f.waiter.wait(30_500));
      assert.ok(ms >= 30, `resolved after ${ms} ms`);
      assert.ok(ms < 500, `resolved after ${ms} ms`);
    } finally {
      finish(f);
    }
  });

  test('readability wakes a wait without timeout, and the event loop runs meanwhile', async () => {
    const f = fixture();
    try {
      // The fd becomes readable only after the event loop has run five timer callbacks during the wait,
      // so a wait that blocked the loop would hang, and one that resolved early would be seen doing so
      // (counted in ticks, not milliseconds: a loaded machine may run the timers late).
      let ticks = 0;
      let signalled = false;
      const interval = setInterval(() => {
        if (++ticks === 5) {
          signalled = true;
          f.signal();
        }
      }, 2);
      const woke = f.waiter.wait(null).then(() => signalled);
      assert.ok(await woke, 'woke only once the fd was readable');
      clearInterval(interval);
      assert.ok(ticks >= 5, `${ticks} ticks`);
      // Still readable (not drained): the next wait resolves at once, it does not hang.
      assert.ok((await elapsedMs(f.waiter.wait(null))) < 1000);
      f.drain();
      assert.ok((await elapsedMs(f.waiter.wait(millis(20)))) >= 19, 'drained: waits for the timeout again');
    } finally {
      finish(f);
    }
  });

  test('concurrent waits share one promise settling at the earliest deadline', async () => {
    const f = fixture();
    try {
      const forever = f.waiter.wait(null);
      const long = f.waiter.wait(millis(5000));
      const short = f.waiter.wait(millis(30));
      assert.is(forever, long);
      assert.is(long, short);
      const ms = await elapsedMs(forever);
      assert.ok(ms < 1000, `settled after ${ms} ms, not at the shortest deadline`);
      // A later, longer deadline does not push back an armed shorter one.
      const first = f.waiter.wait(millis(30));
      f.waiter.wait(millis(5000));
      assert.ok((await elapsedMs(first)) < 1000);
    } finally {
      finish(f);
    }
  });

  test('close settles a pending wait and later waits resolve at once', async () => {
    const f = fixture();
    const pending = f.waiter.wait(null);
    setTimeout(() => f.waiter.close(), 10);
    assert.ok((await elapsedMs(pending)) < 1000);
    assert.ok((await elapsedMs(f.waiter.wait(null))) < 20);
    f.waiter.close(); // twice is harmless
    f.libc.close(f.fd);
  });

  test.run();
}
