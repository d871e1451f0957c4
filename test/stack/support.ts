// Two NetStacks joined by a LinkedPair (optionally through FaultInjectors), and helpers the stack tests share.
import { createHash } from 'node:crypto';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import type { Device } from '../../src/phy/device.js';
import { NetStack, type NetStackOptions, type TcpConnection, type TcpServer } from '../../src/stack/index.js';
import { parseIpv4 } from '../../src/wire/ipv4-address.js';
import { now as wallClock } from '../../src/time.js';

export const A_IP = '10.0.0.1';
export const B_IP = '10.0.0.2';

/**
 * Two stacks on one link: `a` at 10.0.0.1, `b` at 10.0.0.2. `faults` puts a FaultInjector under `a`
 * (it acts each way, so every frame of the link meets 15 % drop and 15 % corruption once).
 */
export function twoStacks(options: { faults?: boolean; seed?: number; a?: Partial<NetStackOptions>; b?: Partial<NetStackOptions> } = {}) {
  const pair = new LinkedPair();
  const injector = options.faults ? new FaultInjector(pair.a, { dropChance: 15, corruptChance: 15, seed: options.seed ?? 1 }) : null;
  const deviceA: Device = injector ?? pair.a;
  const a = new NetStack({ device: deviceA, address: `${A_IP}/24`, mac: '02:00:00:00:00:01', ...options.a });
  const b = new NetStack({ device: pair.b, address: `${B_IP}/24`, mac: '02:00:00:00:00:02', ...options.b });
  if (injector !== null) {
    // Static neighbours both ways: ARP has no checksum, so a corrupted ARP frame would teach a wrong
    // address and stall the test for a reason that is not the stack's (as test/socket/tcp/linux.test.ts).
    const now = wallClock();
    a.iface.neighbors.fill(parseIpv4(B_IP) as number, b.iface.hardwareAddr, now);
    b.iface.neighbors.fill(parseIpv4(A_IP) as number, a.iface.hardwareAddr, now);
  }
  return { pair, injector, a, b, close: () => Promise.all([a.close(), b.close()]) };
}

/** A connection from `a` to a listener of `b` on `port` and its accepted end: where most tests start. */
export async function connectedPair(a: NetStack, b: NetStack, port = 80): Promise<{ server: TcpServer; conn: TcpConnection; peer: TcpConnection }> {
  const server = b.listenTcp({ port });
  const accepted = server.accept();
  const conn = await a.connectTcp({ host: B_IP, port });
  const peer = (await accepted)!;
  return { server, conn, peer };
}

/** Asserts that a fault injector did drop and corrupt frames both ways (a faults test that met none proves nothing). */
export function faultsHappened(injector: FaultInjector | null): boolean {
  if (injector === null) return true;
  return injector.rxDropped > 0 && injector.txDropped > 0 && injector.rxCorrupted > 0 && injector.txCorrupted > 0;
}

/** `length` bytes of a deterministic pattern (differs per `seed`). */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Every chunk of a readable, concatenated. */
export async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of readable as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    length += chunk.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Writes `data` in chunks of `chunk` bytes, then closes the writable (FIN). */
export async function writeAll(writable: WritableStream<Uint8Array>, data: Uint8Array, chunk = 16384): Promise<void> {
  const writer = writable.getWriter();
  for (let at = 0; at < data.length; at += chunk) await writer.write(data.subarray(at, at + chunk));
  await writer.close();
}
