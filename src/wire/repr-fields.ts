// Internal to the reprs: the one way a repr is constructed. `new XRepr()` gives the defaults and
// `new XRepr({ ...fields })` takes a Partial of XReprFields; the keys each repr accepts are listed once,
// beside the class, and the Fields type is derived from that list so the two cannot drift apart.

/**
 * Copies the listed keys that `init` defines (not undefined) onto `target`. Keys outside the list are
 * ignored, so passing a whole repr (or an object with extra properties) copies only its plain fields.
 */
export function assignFields<T extends object, K extends keyof T>(target: T, init: Partial<Pick<T, K>> | undefined, keys: readonly K[]): void {
  if (init === undefined) return;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = init[key];
    if (value !== undefined) target[key] = value as T[K];
  }
}
