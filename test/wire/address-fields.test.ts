// The generated copy/set accessors of the address fields not reached by the reprs (NDISC target and
// destination, the MLD multicast address, BOOTP's chaddr, the Linux cooked headers' link-layer address):
// each reads and writes exactly its bytes, at the offset its RFC or header layout gives, from a view
// that does not start at 0, with the caller's offsets into the other array honoured.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BootpPacket, LinuxSll2Header, LinuxSllHeader, MldMessage, NdiscNeighborMessage, NdiscRedirect } from '../../generated/index.js';

const test = suite('wire/address-fields');

interface Field {
  name: string;
  make: (bytes: Uint8Array, offset: number) => unknown;
  copy: string;
  set: string;
  /** The field's offset in the header, written here from the layout, not read from the generated code. */
  at: number;
  width: number;
}

const FIELDS: Field[] = [
  // RFC 4861 section 4.3: Type, Code, Checksum (4), Reserved (4), Target Address.
  { name: 'NDISC neighbour target', make: (b, o) => new NdiscNeighborMessage(b, o), copy: 'copyTargetAddrTo', set: 'setTargetAddrFrom', at: 8, width: 16 },
  // RFC 4861 section 4.5: Type, Code, Checksum, Reserved, Target Address, Destination Address.
  { name: 'NDISC redirect target', make: (b, o) => new NdiscRedirect(b, o), copy: 'copyTargetAddrTo', set: 'setTargetAddrFrom', at: 8, width: 16 },
  { name: 'NDISC redirect destination', make: (b, o) => new NdiscRedirect(b, o), copy: 'copyDestAddrTo', set: 'setDestAddrFrom', at: 24, width: 16 },
  // RFC 2710 section 3: Type, Code, Checksum, Maximum Response Delay (2), Reserved (2), Multicast Address.
  { name: 'MLD multicast address', make: (b, o) => new MldMessage(b, o), copy: 'copyMcastAddrTo', set: 'setMcastAddrFrom', at: 8, width: 16 },
  // RFC 2131 section 2: op htype hlen hops, xid, secs flags, ciaddr yiaddr siaddr giaddr, chaddr.
  { name: 'BOOTP chaddr', make: (b, o) => new BootpPacket(b, o), copy: 'copyChaddrTo', set: 'setChaddrFrom', at: 28, width: 6 },
  // Linux cooked capture: packet type, ARPHRD, address length, address (8).
  { name: 'SLL address', make: (b, o) => new LinuxSllHeader(b, o), copy: 'copyAddressTo', set: 'setAddressFrom', at: 6, width: 6 },
  // SLL2: protocol, reserved, interface index (4), ARPHRD, packet type, address length, address (8).
  { name: 'SLL2 address', make: (b, o) => new LinuxSll2Header(b, o), copy: 'copyAddressTo', set: 'setAddressFrom', at: 12, width: 6 },
];

for (const f of FIELDS) {
  test(`${f.name}: set writes bytes ${f.at} to ${f.at + f.width - 1} of the header only; copy reads them back`, () => {
    const base = 3;
    const bytes = new Uint8Array(base + 48).fill(0xee);
    const view = f.make(bytes, base) as Record<string, (a: Uint8Array, n: number) => void>;
    const src = new Uint8Array(2 + f.width);
    for (let i = 0; i < f.width; i++) src[2 + i] = i + 1;
    view[f.set]!.call(view, src, 2);
    for (let i = 0; i < bytes.length; i++) {
      const inField = i >= base + f.at && i < base + f.at + f.width;
      assert.is(bytes[i], inField ? i - base - f.at + 1 : 0xee, `byte ${i - base} of the header`);
    }
    const out = new Uint8Array(1 + f.width);
    view[f.copy]!.call(view, out, 1);
    assert.equal([...out.subarray(1)], [...src.subarray(2)]);
    assert.is(out[0], 0, 'nothing written before `to`');
  });
}

test.run();
