// Waiting on the peers the tests start (tcpdump, socat, our own CLI) without sleeping and hoping.
import type { ChildProcess } from 'node:child_process';

/** Resolves once `child` prints `marker` on stderr (tcpdump's "listening on"); rejects after `ms` or on exit. */
export function waitForStderr(child: ChildProcess, marker: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${marker}": ${text}`)), ms);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing "${marker}": ${text}`));
    });
  });
}

/** Resolves with the exit code (null when a signal ended it), also for a child that has already gone. */
export function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}
