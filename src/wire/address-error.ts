// The one error of the address types: text a user typed (configuration, command line) that is not an
// address. Code that reads addresses off the wire never sees it; it works on numbers.

/**
 * Text that is not an address. The parsers return it as a value (`parseIpv4`, `parseMac`,
 * `Ipv4Address.parse`, `EthernetAddress.parse`, `Ipv4Cidr.parse`), typed so that the compiler refuses
 * its use as an address until it is ruled out (`if (result instanceof AddressParseError) ...`); the
 * `from(text)` constructors throw it. Its message says what was expected.
 */
export class AddressParseError extends Error {
  /**
   * @param kind what was expected, e.g. "IPv4" or "Ethernet"
   * @param text the text that was given
   * @param expected one sentence on the expected form, with an example
   */
  constructor(
    readonly kind: string,
    readonly text: string,
    readonly expected: string,
  ) {
    super(`${JSON.stringify(text)} is not an ${kind} address: ${expected}`);
    this.name = 'AddressParseError';
  }
}
