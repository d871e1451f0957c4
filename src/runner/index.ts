export { Runner, type RunnerOptions } from './runner.js';
