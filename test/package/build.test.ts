// The npm library is one of the project's ways in: what `npm run build` emits must load as plain
// ESM under Node (no tsx) with its type declarations, and decode a frame.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

test('the build emits ESM with declarations that Node loads without a TypeScript loader', () => {
  // Inside the project, so the emitted code resolves its dependencies (koffi) from node_modules.
  mkdirSync('node_modules/.cache', { recursive: true });
  const out = mkdtempSync(join(process.cwd(), 'node_modules/.cache/smoltcp-build-'));
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'pipe' });
    assert.ok(existsSync(join(out, 'src/index.d.ts')), 'declarations are emitted');
    // A separate plain node process: no tsx hooks are registered there.
    const script = `
      const lib = await import(${JSON.stringify(pathToFileURL(join(out, 'src/index.js')).href)});
      const arp = Uint8Array.from(Buffer.from(
        'ffffffffffff020000000001080600010800060400010200000000010a000001000000000000' + '0a000002', 'hex'));
      console.log(lib.formatFrame(arp, 0, arp.length));
      console.log(typeof lib.Loopback, typeof lib.TcpRepr, typeof lib.PcapReader, typeof lib.TapInterface);
    `;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.is(
      printed,
      'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\nfunction function function function\n',
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
