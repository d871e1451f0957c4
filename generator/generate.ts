// The generator as a function: spec texts in, file contents out (or the problems found). It
// reads and writes no files, so tests and the --check mode share it with `npm run generate`.
import { formatAndCheck, fileHeader, renderIndex, renderModule, runtimeSource, USER_TOOL, type GeneratedFile, type Tool } from './emit.js';
import { readSpec, resolveSpecs, type EnumSpec, type HeaderSpec, type Problem } from './spec.js';

export { PROJECT_TOOL, USER_TOOL, type GeneratedFile, type Tool } from './emit.js';
export { formatProblem, type Problem } from './spec.js';

export interface SpecInput {
  /** The spec's name in messages and file headers, e.g. `spec/udp.yaml`. */
  file: string;
  text: string;
}

export interface GenerateResult {
  /** Output files sorted by name; empty when there are problems. */
  files: GeneratedFile[];
  /** Problems in the specs, each with file, line and column. */
  problems: Problem[];
  /** Type errors in the generated code: a bug in the generator, never the user's. */
  diagnostics: string[];
}

/** Notes at the top of the project's generated/index.ts: where it departs from the team brief. */
export const PROJECT_NOTES = [
  '//',
  '// Contract notes (see spec/README.md):',
  '// - Ipv4Packet.check() also rejects a version other than 4 (WireError.BadVersion).',
  '// - ArpPacket.check() needs 28 bytes, the size of the Ethernet/IPv4 layout its address accessors read.',
  '// - Option iterators report End of Option List once (then stop) and add initRaw(bytes, offset, length).',
  '// - Views also carry `dataView`, a DataView over `bytes` (one per Uint8Array, cached) for 16/32-bit fields;',
  '//   re-point views with init(). Before check() passes, such an accessor past the end of bytes throws RangeError.',
  '// - UDP/TCP verifyChecksum/fillChecksum accept addresses as u32 or int32 (`addr | 0` crosses calls unboxed).',
];

const RESERVED_MODULES = ['index', 'runtime'];

/** Module name of a spec file: its base name without `.yaml`/`.yml`. */
export function moduleName(file: string): string {
  const base = file.split('/').pop()!;
  return base.replace(/\.ya?ml$/, '');
}

export interface GenerateOptions {
  /** Who generated the files and how to regenerate them (file headers). */
  tool?: Tool;
  /** Comment lines for the top of index.ts. */
  notes?: string[];
  /** Type-check the output (default true); --check skips it, since it only compares text. */
  typeCheck?: boolean;
}

export function generate(inputs: SpecInput[], options: GenerateOptions = {}): GenerateResult {
  const tool = options.tool ?? USER_TOOL;
  const notes = options.notes ?? [];
  const problems: Problem[] = [];
  const specs: HeaderSpec[] = [];
  const seen = new Map<string, string>();
  for (const input of inputs) {
    const module = moduleName(input.file);
    if (RESERVED_MODULES.includes(module)) {
      problems.push({ file: input.file, line: 1, col: 1, message: `a spec cannot be named ${module}.yaml: ${module}.ts is written by the generator itself; rename the file` });
      continue;
    }
    const before = seen.get(module);
    if (before) {
      problems.push({ file: input.file, line: 1, col: 1, message: `this spec would write ${module}.ts, as ${before} does; rename one of them` });
      continue;
    }
    seen.set(module, input.file);
    const { spec, problems: found } = readSpec(input.file, input.text, module);
    problems.push(...found);
    if (spec) specs.push(spec);
  }
  if (problems.length === 0) problems.push(...resolveSpecs(specs));
  if (problems.length > 0) return { files: [], problems, diagnostics: [] };

  const enums = new Map<string, EnumSpec>();
  for (const spec of specs) for (const e of spec.enums) enums.set(e.name, e);
  const files: GeneratedFile[] = [{ name: 'runtime.ts', text: `${fileHeader('generator/runtime/runtime.ts', tool)}\n\n${runtimeSource()}` }];
  for (const spec of specs) files.push({ name: `${spec.module}.ts`, text: renderModule(spec, enums, tool) });
  const modules = ['runtime', ...specs.map((s) => s.module).sort()];
  files.push({ name: 'index.ts', text: renderIndex(specs.map((s) => s.file), modules, notes, tool) });
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const checked = formatAndCheck(files, options.typeCheck ?? true);
  return { files: checked.files, problems: [], diagnostics: checked.diagnostics };
}
