// Network namespaces for tests that touch real interfaces. Each test creates its own namespace with a
// unique name and removes it afterwards; nothing here ever configures the machine's own interfaces.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

let counter = 0;

export class Netns {
  private constructor(readonly name: string) {}

  /** Creates `smolt-<prefix>-<pid>-<n>` with its loopback up. */
  static create(prefix: string): Netns {
    const name = `smolt-${prefix}-${process.pid}-${counter++}`;
    execFileSync('ip', ['netns', 'add', name]);
    const ns = new Netns(name);
    ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a command inside the namespace and returns its stdout; throws with stderr on failure. */
  run(cmd: string, args: string[], input?: string | Uint8Array): string {
    try {
      return execFileSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
        encoding: 'utf8',
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`in netns ${this.name}: ${cmd} ${args.join(' ')}: ${err.stderr || err.message}`);
    }
  }

  /** Starts a long-running command inside the namespace (tcpdump, socat, ...). */
  spawn(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: 'pipe', ...options });
  }

  /** Path usable with setns(2) to enter the namespace. */
  get path(): string {
    return `/var/run/netns/${this.name}`;
  }

  destroy(): void {
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
