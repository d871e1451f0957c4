// Asks tshark (the reference decoder) for field values of every frame of a capture.
import { execFileSync } from 'node:child_process';

/** Per frame (index 0 = frame 1): field name -> every occurrence of the field, as tshark prints it. */
export type TsharkFrame = Map<string, string[]>;

export function tsharkFields(path: string, fields: string[]): TsharkFrame[] {
  const args = ['-r', path, '-n', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  // Verify every checksum, so `*.checksum.status` says 1 (good) or 0 (bad) instead of 2 (unverified).
  for (const proto of ['ip', 'tcp', 'udp']) args.push('-o', `${proto}.check_checksum:TRUE`);
  // Raw sequence numbers everywhere (SACK edges too), not tshark's relative ones.
  args.push('-o', 'tcp.relative_sequence_numbers:FALSE');
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split('\t');
      const frame: TsharkFrame = new Map();
      fields.forEach((f, i) => {
        const v = values[i] ?? '';
        if (v !== '') frame.set(f, v.split('|'));
      });
      return frame;
    });
}

/** The only (or first) value of a field, or undefined when the frame lacks it. */
export function field(frame: TsharkFrame, name: string, occurrence = 0): string | undefined {
  return frame.get(name)?.[occurrence];
}
