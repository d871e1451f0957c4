// Node's own `net` over 127.0.0.1, the reference a user would otherwise reach for: bench/tcp/node-net.ts
// (a server and a client in one process, 256 KiB writes honouring 'drain'), run in a network namespace this
// benchmark creates, as bench/tcp runs it, so nothing touches the machine's own interfaces.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Netns } from '../../test/helpers/netns.js';

const script = fileURLToPath(new URL('../tcp/node-net.ts', import.meta.url));

function output(child: ChildProcess, limitMs: number): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`node-net.ts: exit ${code}: ${err.trim()}`));
    });
  });
}

/** `bytes` through Node's net over a namespace's 127.0.0.1: the bytes and seconds it reports. */
export async function nodeNet(bytes: number, limitMs: number): Promise<{ bytes: number; seconds: number }> {
  const ns = Netns.create('bstrm');
  try {
    const child = ns.spawn(process.execPath, ['--import', 'tsx', script, String(bytes)]);
    const last = (await output(child, limitMs + 10_000)).trim().split('\n').pop()!.split(' ');
    return { bytes: Number(last[0]), seconds: Number(last[1]) };
  } finally {
    ns.destroy();
  }
}
