// Size: bytes of each built file in dist/, raw, gzip -9 and brotli, next to its budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BUDGETS, sizes } from '../scripts/size.mjs';

const dist = new URL('../dist/', import.meta.url).pathname;

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'types' ? [] : jsFiles(p);
    return name.endsWith('.js') ? [p] : [];
  });
}

export function measureSizes() {
  return jsFiles(dist)
    .sort()
    .map((file) => {
      const name = relative(dist, file);
      const budget = (BUDGETS as Record<string, { gzip: number; goal: number } | undefined>)[name];
      const s = sizes(readFileSync(file), file);
      return { file: `dist/${name}`, ...s, budget: budget?.gzip, goal: budget?.goal, withinBudget: budget ? s.gzip <= budget.gzip : true };
    });
}
