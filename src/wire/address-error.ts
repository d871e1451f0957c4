// The one exception of the address types: text a user typed (configuration, command line) that is not an
// address. Code that reads addresses off the wire never sees it; it works on numbers.

/** Thrown by the address types' `from(text)` when a user-supplied address cannot be read. */
export class AddressParseError extends Error {
  constructor(
    readonly kind: string,
    readonly text: string,
    readonly expected: string,
  ) {
    super(`${JSON.stringify(text)} is not an ${kind} address: ${expected}`);
    this.name = 'AddressParseError';
  }
}
