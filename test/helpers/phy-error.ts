import * as assert from 'uvu/assert';
import { PhyError } from '../../src/phy/errors.js';

/** Runs `f` and returns the PhyError it throws; fails the test if it throws anything else or nothing. */
export function thrownPhyError(f: () => unknown): PhyError {
  try {
    f();
  } catch (e) {
    assert.instance(e, PhyError);
    return e as PhyError;
  }
  throw new assert.Assertion({ message: 'expected a PhyError', operator: 'throws', expects: PhyError, actual: undefined });
}
