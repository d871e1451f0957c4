// smoltcp-ts/runner: drives an Interface from Node's event loop (timers, the device's readiness). Not in
// the root entry: the rest of the stack is portable, this part is Node's.
export { Runner, type RunnerOptions } from './runner.js';
