// The interface's parts on their own: configuration errors, the route table, the neighbour cache's
// bookkeeping, the reassembler's refusals, the logger.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IpProtocol } from '../../generated/index.js';
import { IfaceError } from '../../src/iface/errors.js';
import { Interface } from '../../src/iface/interface.js';
import { LogLevel, consoleLogger } from '../../src/iface/logger.js';
import { NO_HARDWARE_ADDR, NeighborCache } from '../../src/iface/neighbor-cache.js';
import { NeighborQueue } from '../../src/iface/neighbor-queue.js';
import { FragmentResult, Reassembler } from '../../src/iface/reassembly.js';
import { NO_ROUTE, RouteTable } from '../../src/iface/route-table.js';
import { seconds } from '../../src/time.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { ip } from './support.js';

const test = suite('iface/parts');

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof IfaceError) {
      assert.ok(e.message.includes(';'), 'the message says what to do');
      return e.code;
    }
    return (e as Error).name;
  }
  return 'no error';
}

test('configuration mistakes are IfaceErrors (or address parse errors) that say what to do', () => {
  const base = { hardwareAddr: '02:00:00:00:00:01', addresses: ['10.0.0.1/24'] };
  assert.is(code(() => new Interface({ ...base, hopLimit: 0 })), 'ERR_IFACE_BAD_CONFIG');
  assert.is(code(() => new Interface({ ...base, neighborCacheCapacity: 1.5 })), 'ERR_IFACE_BAD_CONFIG');
  assert.is(code(() => new Interface({ ...base, icmpErrorRate: { perSecond: -1, burst: 1 } })), 'ERR_IFACE_BAD_CONFIG');
  assert.is(code(() => new Interface({ ...base, defaultGateway: 'nope' })), 'ERR_IFACE_BAD_CONFIG');
  assert.is(code(() => new Interface({ ...base, maxRoutes: 1, routes: [{ network: '10.1.0.0/16', via: '10.0.0.2' }, { network: '10.2.0.0/16', via: '10.0.0.2' }] })), 'ERR_IFACE_ROUTES_FULL');
  assert.is(code(() => new Interface({ ...base, hardwareAddr: 'zz' })), 'AddressParseError');
  assert.is(code(() => new Interface({ ...base, addresses: ['10.0.0.1'] })), 'AddressParseError');
  const iface = new Interface({ ...base, hardwareAddr: 0x020000000001, defaultGateway: ip('10.0.0.254') });
  assert.equal(iface.ipv4Addresses, [ip('10.0.0.1')]);
  assert.ok(iface.hasAddress(ip('10.0.0.1')));
  assert.not.ok(iface.hasAddress(ip('10.0.0.2')));
  assert.is(iface.routes.lookup(ip('8.8.8.8')) >>> 0, ip('10.0.0.254'));
});

test('route table: longest prefix, replace, remove, default gateway', () => {
  const routes = new RouteTable(3);
  assert.is(routes.lookup(ip('10.1.2.3')), NO_ROUTE);
  routes.setDefaultGateway(ip('192.168.1.1'));
  routes.add(ip('10.0.0.0'), 8, ip('192.168.1.2'));
  routes.add(ip('10.1.0.0'), 16, ip('192.168.1.3'));
  assert.is(routes.lookup(ip('10.1.2.3')) >>> 0, ip('192.168.1.3'));
  assert.is(routes.lookup(ip('10.2.2.3')) >>> 0, ip('192.168.1.2'));
  assert.is(routes.lookup(ip('11.0.0.1')) >>> 0, ip('192.168.1.1'));
  routes.add(ip('10.1.99.0'), 16, ip('192.168.1.4')); // same network once masked: replaced
  assert.is(routes.size, 3);
  assert.is(routes.lookup(ip('10.1.2.3')) >>> 0, ip('192.168.1.4'));
  assert.ok(routes.remove(ip('10.1.0.0'), 16));
  assert.not.ok(routes.remove(ip('10.1.0.0'), 16));
  assert.is(routes.lookup(ip('10.1.2.3')) >>> 0, ip('192.168.1.2'));
  routes.setDefaultGateway(null);
  assert.is(routes.lookup(ip('11.0.0.1')), NO_ROUTE);
  assert.is(code(() => routes.add(0, 33, ip('192.168.1.1'))), 'ERR_IFACE_BAD_CONFIG');
  assert.is(code(() => routes.add(0, 0, 0)), 'ERR_IFACE_BAD_CONFIG');
});

test('neighbour cache: size, flush, refresh of an unknown or expired entry does nothing', () => {
  const cache = new NeighborCache(2);
  assert.is(cache.size, 0);
  cache.fill(ip('10.0.0.2'), 0x020000000002, 0);
  assert.is(cache.size, 1);
  assert.not.ok(cache.refresh(ip('10.0.0.3'), 0x020000000003, 0));
  assert.not.ok(cache.refresh(ip('10.0.0.2'), 0x020000000009, seconds(60)), 'expired');
  assert.ok(cache.mayRequest(ip('10.0.0.4'), 0));
  assert.ok(cache.isPending(ip('10.0.0.4')));
  cache.flush();
  assert.is(cache.size, 0);
  assert.not.ok(cache.isPending(ip('10.0.0.4')));
  assert.is(cache.lookup(ip('10.0.0.2'), 0), NO_HARDWARE_ADDR);
  const tiny = new NeighborCache(1, 1);
  assert.ok(tiny.mayRequest(1, 0));
  assert.not.ok(tiny.mayRequest(2, 0), 'no pending slot free');
});

test('neighbour queue: per-destination and total limits, oldest first', () => {
  const q = new NeighborQueue(3, 100, 2);
  assert.is(q.room(5), 2);
  q.reserve(5, 10);
  q.reserve(6, 20);
  q.reserve(5, 30);
  assert.is(q.room(5), 0);
  assert.is(q.room(7), 0, 'no slot left');
  assert.is(q.size, 3);
  assert.is(q.reserve(7, 1), -1);
  const first = q.oldest(5);
  assert.is(q.lengthOf(first), 10);
  q.release(first);
  assert.is(q.lengthOf(q.oldest(5)), 30);
  assert.ok(q.has(6));
  assert.is(q.drop(5), 1);
  assert.is(q.drop(6), 1);
  assert.not.ok(q.has(5));
});

function fragment(ident: number, offset: number, length: number, more: boolean): Ipv4Repr {
  const r = new Ipv4Repr();
  r.srcAddr = 1;
  r.dstAddr = 2;
  r.protocol = IpProtocol.Udp;
  r.ident = ident;
  r.fragOffset = offset;
  r.payloadLength = length;
  r.moreFrags = more;
  return r;
}

test('reassembler: malformed fragments, contradictory lengths, too large, too many holes', () => {
  const bytes = new Uint8Array(2000);
  const r = new Reassembler(2, 1000, seconds(30), 2);
  const add = (f: Ipv4Repr) => r.add(0, f, bytes, 0, 20, 20);
  assert.is(add(fragment(1, 0, 0, true)), FragmentResult.Malformed, 'empty');
  assert.is(add(fragment(1, 0, 12, true)), FragmentResult.Malformed, 'not a multiple of 8');
  assert.is(add(fragment(1, 992, 16, false)), FragmentResult.NoBuffer, 'beyond the buffer');
  assert.is(add(fragment(2, 0, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(2, 800, 16, false)), FragmentResult.Stored);
  assert.is(add(fragment(2, 808, 16, false)), FragmentResult.Overlap, 'a second, different end');
  assert.is(r.inProgress, 0);
  assert.is(add(fragment(3, 0, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(3, 64, 8, false)), FragmentResult.Stored);
  assert.is(add(fragment(3, 72, 8, true)), FragmentResult.Overlap, 'data beyond the end');
  assert.is(add(fragment(4, 0, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(4, 32, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(4, 64, 8, true)), FragmentResult.NoBuffer, 'a third hole with room for two runs');
  assert.is(add(fragment(5, 0, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(6, 0, 8, true)), FragmentResult.Stored);
  assert.is(add(fragment(7, 0, 8, true)), FragmentResult.NoBuffer, 'both buffers taken');
  assert.is(add(fragment(5, 512, 600, false)), FragmentResult.NoBuffer, 'grows beyond the buffer');
  assert.is(r.pollAt(), 0 + seconds(30));
  assert.is(r.expire(seconds(30), null, () => {}), 1);
  assert.is(r.pollAt(), null);
});

test('consoleLogger writes a level tag and the message', () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    consoleLogger.log(LogLevel.Debug, 'a');
    consoleLogger.log(LogLevel.Trace, 'b');
  } finally {
    console.log = original;
  }
  assert.equal(lines, ['[debug] a', '[trace] b']);
});

test.run();
