// IPv6 addresses as text the way tcpdump prints them (inet_ntop, RFC 5952 section 4). One implementation,
// the wire layer's formatIpv6 (src/wire/ipv6-address.ts); this name stays for the DNS printer.
import { formatIpv6 } from '../wire/ipv6-address.js';

/** The 16-byte IPv6 address at bytes[at] as text. */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  return formatIpv6(bytes, at);
}
