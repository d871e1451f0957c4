export { Runner, type RunnerOptions, type RunnerStats } from './runner.js';
