// What the examples put around their device besides the shared options: opening a tap or a raw socket
// with one sentence on failure, the fault injector's "randomly dropping a packet" lines, and a device
// the Runner can both poll (the top of the middleware stack) and wait on (the device at the bottom).

import type { Device, RxPair, TxToken, WaitableDevice } from '../../src/phy/device.js';
import type { DeviceCapabilities } from '../../src/phy/capabilities.js';
import { PhyError } from '../../src/phy/errors.js';
import type { Duration, Instant } from '../../src/time.js';
import type { MiddlewareStack } from './options.js';

/** Prints `error: MESSAGE` and exits with `status` (2: a bad argument). No stack trace. */
export function fail(message: string, status = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(status);
}

/**
 * Opens a Linux device (`open` builds a TapInterface or a RawSocket); a PhyError (no such tap, no
 * permission) becomes its one sentence, which says how to create the tap, and exit status 1 (2 for a
 * name Linux would refuse: a bad argument).
 */
export function openOrExit<D>(open: () => D): D {
  try {
    return open();
  } catch (e) {
    if (e instanceof PhyError) fail(e.message, e.code === 'ERR_PHY_BAD_INTERFACE_NAME' ? 2 : 1);
    throw e;
  }
}

/**
 * The device an example hands to its Interface and Runner: frames go through the middleware stack
 * (`stack.device`), waiting goes to the device under it (`stack.waitReadable`). As smoltcp's examples
 * explain, `rx: randomly dropping a packet` follows the traced frame the injector dropped, and
 * `tx: randomly dropping a packet` is printed where the frame would have been traced.
 */
export class ExampleDevice implements WaitableDevice {
  private readonly inner: Device;

  constructor(
    private readonly stack: MiddlewareStack,
    private readonly write: (line: string) => void = (line) => console.log(line),
  ) {
    this.inner = stack.device;
  }

  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }

  receive(timestamp: Instant): RxPair | null {
    const injector = this.stack.faultInjector;
    for (;;) {
      const before = injector.rxDropped;
      const pair = this.inner.receive(timestamp);
      if (injector.rxDropped === before) return pair;
      this.write('rx: randomly dropping a packet');
      if (pair !== null) return pair;
    }
  }

  transmit(timestamp: Instant): TxToken | null {
    const token = this.inner.transmit(timestamp);
    if (token === null) return null;
    const injector = this.stack.faultInjector;
    const write = this.write;
    return {
      consume(length, ctx, f) {
        const before = injector.txDropped;
        const result = token.consume(length, ctx, f);
        if (injector.txDropped !== before) write('tx: randomly dropping a packet');
        return result;
      },
    };
  }

  waitReadable(timeout: Duration | null): Promise<void> {
    return this.stack.waitReadable(timeout);
  }
}

/** The TCP sockets' log lines, as the interface's (`[trace] ...`, `[debug] ...`). */
export const tcpLogger = {
  trace(message: string): void {
    console.log(`[trace] ${message}`);
  },
  debug(message: string): void {
    console.log(`[debug] ${message}`);
  },
};

/** Parses a dotted IPv4 address into a u32, or returns null. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}
