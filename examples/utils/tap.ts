// The part every tap example shares: parse the shared options, open the tap (or say how to create it),
// build the middleware stack with the tcpdump-style trace, and make an interface that logs.

import { formatFrame } from '../../src/format/index.js';
import { Interface } from '../../src/iface/interface.js';
import { consoleLogger } from '../../src/iface/logger.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { ExampleDevice, fail, openOrExit } from './device.js';
import { OptionError, buildMiddleware, parseMiddlewareOptionsOrExit, type MiddlewareOptions, type MiddlewareStack } from './options.js';

export interface TapExample {
  options: MiddlewareOptions;
  /** The example's own arguments after the interface name. */
  args: string[];
  tapName: string;
  stack: MiddlewareStack;
  device: ExampleDevice;
  iface: Interface;
}

export interface TapArguments {
  options: MiddlewareOptions;
  /** The example's own arguments after the interface name: check them before openTap(). */
  args: string[];
  tapName: string;
}

/** Parses the command line of an example on a tap; `usage` is printed for --help. Exits 2 on a bad argument. */
export function tapArguments(usage: string): TapArguments {
  const { options, rest } = parseMiddlewareOptionsOrExit(process.argv.slice(2), usage);
  const [tapName, ...args] = rest;
  if (tapName === undefined || tapName.startsWith('-')) {
    fail(tapName === undefined ? 'missing the tap interface name (e.g. tap0); try --help' : `unknown option '${tapName}'; try --help`);
  }
  return { options, args, tapName };
}

/** The tap with the middleware around it, as a device to hand to an Interface or a NetStack. */
export interface TapDevice {
  stack: MiddlewareStack;
  device: ExampleDevice;
}

/**
 * Opens the tap and builds the middleware around it (fault injection, capture, and the tcpdump-style
 * trace unless `quiet`). Exits 1 when the tap cannot be opened, saying how to create it.
 */
export function openTapDevice(parsed: TapArguments, quiet = false): TapDevice {
  const { options, tapName } = parsed;
  const tap = openOrExit(() => new TapInterface(tapName));
  let stack: MiddlewareStack;
  try {
    stack = buildMiddleware(tap, options, { format: formatFrame, trace: !quiet });
  } catch (e) {
    if (e instanceof OptionError) fail(e.message);
    throw e;
  }
  if (options.dropChance > 0 || options.corruptChance > 0) console.log(`fault injection seed: ${options.seed} (--seed ${options.seed} repeats this run)`);
  return { stack, device: new ExampleDevice(stack) };
}

/**
 * Opens the tap and builds the stack around it: the middleware with the tcpdump-style trace and an
 * interface with `identity`'s Ethernet and IPv4 addresses that logs. Exits 1 when the tap cannot be
 * opened, saying how to create it. `quiet`: no trace and no log (a benchmark would measure the console).
 */
export function openTap(parsed: TapArguments, identity: { hardwareAddr: string; address: string }, quiet = false): TapExample {
  const { options, args, tapName } = parsed;
  const { stack, device } = openTapDevice(parsed, quiet);
  const iface = new Interface({ hardwareAddr: identity.hardwareAddr, addresses: [identity.address], logger: quiet ? undefined : consoleLogger });
  return { options, args, tapName, stack, device, iface };
}
