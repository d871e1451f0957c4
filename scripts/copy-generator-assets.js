// Part of `npm run build`: the compiled generator (dist/generator/) reads its handlebars templates and
// the runtime source beside itself, as generator/*.ts do from the source tree.
import { cpSync } from 'node:fs';

for (const dir of ['templates', 'runtime']) {
  cpSync(new URL(`../generator/${dir}`, import.meta.url), new URL(`../dist/generator/${dir}`, import.meta.url), { recursive: true });
}
