// Small direct-mapped caches of address texts: a capture mostly repeats a few addresses, and looking the text
// up costs less than building it again. Preallocated, so a lookup allocates nothing.

import { formatMac } from '../wire/ethernet-address.js';
import { formatIpv4 } from '../wire/ipv4-address.js';

export class Ipv4TextCache {
  private readonly keys = new Int32Array(64);
  private readonly texts: string[] = new Array<string>(64).fill('');

  text(address: number): string {
    const key = address | 0;
    const slot = ((key >>> 12) ^ key) & 63;
    if (this.keys[slot] === key && this.texts[slot] !== '') return this.texts[slot]!;
    const text = formatIpv4(address);
    this.keys[slot] = key;
    this.texts[slot] = text;
    return text;
  }
}

export class MacTextCache {
  private readonly keys = new Float64Array(16);
  private readonly texts: string[] = new Array<string>(16).fill('');

  text(mac: number): string {
    const slot = (mac ^ (mac >>> 8)) & 15;
    if (this.keys[slot] === mac && this.texts[slot] !== '') return this.texts[slot]!;
    const text = formatMac(mac);
    this.keys[slot] = mac;
    this.texts[slot] = text;
    return text;
  }
}
