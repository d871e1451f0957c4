// VirtioNetRepr and the generated VirtioNetHeader: the 10-byte struct virtio_net_hdr of a tap opened with
// IFF_VNET_HDR, little-endian (virtio 1.2 section 5.1.6; Linux's include/uapi/linux/virtio_net.h layout).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtioNetGso, VirtioNetHeader, VirtioNetRepr, WireError, virtioNetGsoName } from '../../src/wire/index.js';

const test = suite('wire/virtio-net');

// NEEDS_CSUM, GSO TCPV4, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16: each u16 low byte first.
const VECTOR = [0x01, 0x01, 0x42, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00];

test('emit writes the fields little-endian at their offsets', () => {
  const bytes = new Uint8Array(12).fill(0xee);
  new VirtioNetRepr({ needsCsum: true, gsoType: VirtioNetGso.Tcpv4, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 }).emit(new VirtioNetHeader(bytes, 1, 10));
  assert.equal(Array.from(bytes), [0xee, ...VECTOR, 0xee]);
});

test('parse reads the vector back; DATA_VALID is the second bit', () => {
  const r = VirtioNetRepr.parse(new VirtioNetHeader(new Uint8Array(VECTOR)));
  assert.ok(r instanceof VirtioNetRepr);
  assert.equal({ ...(r as VirtioNetRepr) }, { needsCsum: true, dataValid: false, gsoType: VirtioNetGso.Tcpv4, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 });
  const valid = VirtioNetRepr.parse(new VirtioNetHeader(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]))) as VirtioNetRepr;
  assert.ok(valid.dataValid && !valid.needsCsum);
  const ecn = VirtioNetRepr.parse(new VirtioNetHeader(new Uint8Array([0, VirtioNetGso.Tcpv4 | VirtioNetGso.Ecn, 0, 0, 0, 0, 0, 0, 0, 0]))) as VirtioNetRepr;
  assert.is(ecn.gsoType, 0x81, 'TCPv4 with the ECN flag is taken');
  assert.is(virtioNetGsoName(VirtioNetGso.UdpL4), 'udp-l4');
});

test('what the stack does not know is Unrecognized, a short view Truncated, and the repr is left unchanged', () => {
  const r = new VirtioNetRepr({ csumStart: 7 });
  for (const [flags, gso] of [[4, 0], [8, 0], [0, 2], [0, 6], [0, 0x82]]) {
    assert.is(r.parseInto(new VirtioNetHeader(new Uint8Array([flags!, gso!, 0, 0, 0, 0, 0, 0, 0, 0]))), WireError.Unrecognized, `flags ${flags} gso ${gso}`);
  }
  assert.is(r.parseInto(new VirtioNetHeader(new Uint8Array(9))), WireError.Truncated);
  assert.is(r.csumStart, 7);
  assert.is(VirtioNetRepr.parse(new VirtioNetHeader(new Uint8Array(9))), WireError.Truncated);
  assert.is(VirtioNetHeader.newChecked(new Uint8Array(9)), WireError.Truncated);
  assert.ok(VirtioNetHeader.newChecked(new Uint8Array(10)) instanceof VirtioNetHeader);
});

test('DATA_VALID is emitted as the second bit; the view\'s flag setters set and clear one bit each', () => {
  const bytes = new Uint8Array(10);
  new VirtioNetRepr({ dataValid: true }).emit(new VirtioNetHeader(bytes));
  assert.is(bytes[0], 2);
  const view = new VirtioNetHeader(bytes);
  view.needsCsum = true;
  view.rscInfo = true;
  assert.is(bytes[0], 7);
  view.dataValid = false;
  view.rscInfo = false;
  assert.is(bytes[0], 1);
  assert.ok(view.needsCsum && !view.dataValid && !view.rscInfo);
});

test('equals compares every field', () => {
  const a = new VirtioNetRepr({ needsCsum: true, csumStart: 34, csumOffset: 16 });
  assert.ok(a.equals(new VirtioNetRepr({ needsCsum: true, csumStart: 34, csumOffset: 16 })));
  for (const change of [{ needsCsum: false }, { dataValid: true }, { gsoType: VirtioNetGso.Udp }, { hdrLen: 1 }, { gsoSize: 1 }, { csumStart: 1 }, { csumOffset: 6 }]) {
    assert.not.ok(a.equals(new VirtioNetRepr({ needsCsum: true, csumStart: 34, csumOffset: 16, ...change })), JSON.stringify(change));
  }
});

test.run();
