// Node's net over two NetStacks on a LinkedPair (test/stack/support.ts), and helpers the net tests share.
import type { Readable } from 'node:stream';
import { createNet, type StackNet } from '../../src/net/index.js';
import { twoStacks } from '../stack/support.js';

export { A_IP, B_IP, faultsHappened, pattern, sha256 } from '../stack/support.js';

/** Two stacks (a at 10.0.0.1, b at 10.0.0.2) and Node's net over each; `faults`: 15 % drop, 15 % corrupt. */
export function netPair(options: Parameters<typeof twoStacks>[0] = {}): ReturnType<typeof twoStacks> & { netA: StackNet; netB: StackNet } {
  const stacks = twoStacks(options);
  return { ...stacks, netA: createNet(stacks.a), netB: createNet(stacks.b) };
}

/** Everything a readable yields, as one Buffer (rejects on 'error'). */
export async function collect(readable: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The error the emitter emits next. */
export function nextError(emitter: NodeJS.EventEmitter): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve) => emitter.once('error', resolve));
}

/** Resolves once the socket has closed ('close' emitted, or about to be: it may have been before the call). */
export function whenClosed(socket: import('../../src/net/index.js').Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}
