// Waiting on the peers the tests start (tcpdump, socat, our own CLI) without sleeping and hoping.
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves once `child` prints `marker` on stderr (tcpdump's "listening on"); rejects after `ms` or on exit.
 * The deadline only ends a run that would hang: a loaded machine may take seconds to start a tool.
 */
export function waitForStderr(child: ChildProcess, marker: string, ms = 20_000): Promise<void> {
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

/**
 * Resolves once `condition()` is true, checking every few milliseconds; rejects after `ms` saying what was
 * awaited. For conditions no event announces (a socket listening, a capture file holding a packet).
 */
export function waitUntil(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      let met: boolean;
      try {
        met = condition();
      } catch (e) {
        reject(e);
        return;
      }
      if (met) resolve();
      else if (performance.now() > deadline) reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      else setTimeout(check, 10);
    };
    check();
  });
}
