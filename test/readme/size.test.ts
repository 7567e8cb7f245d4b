/**
 * The drop-in script's size: the budget the README, the tracker's page and CONTRIBUTING state is the one the
 * build enforces (scripts/size.mjs), and the committed dist/ file is within it, measured as
 * the budget is stated, in `gzip -9` bytes. The same for the embeds build and its page.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGETS, gzip9Bytes } from '../../scripts/size.mjs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url));
const budget = BUDGETS['media-bridge-tracker.min.js'];
const figure = (n: number) => n.toLocaleString('en-US');

describe('the drop-in script', () => {
  it('has the budget of the decision on size: 5,120 bytes gzip -9, aiming at 4,608', () => {
    expect(budget).toEqual({ gzip: 5120, goal: 4608 });
  });

  it('is within its budget as committed', () => {
    const bytes = gzip9Bytes(read('dist/media-bridge-tracker.min.js'), 'media-bridge-tracker.min.js');
    expect(bytes).toBeGreaterThan(1000); // a real build, not an empty file
    expect(bytes).toBeLessThanOrEqual(budget.gzip);
  });

  it('is measured as `gzip -9 <file>` measures it, the name in the gzip header included', () => {
    const buf = read('dist/media-bridge-tracker.min.js');
    expect(gzip9Bytes(buf, 'abcd.js') - gzip9Bytes(buf, 'a.js')).toBe(3);
  });

  it("has that budget in the README, on the tracker's page and in CONTRIBUTING", () => {
    const oneLine = (path: string) => read(path).toString().replace(/\s+/g, ' ');
    expect(oneLine('README.md')).toContain(`stays under ${figure(budget.gzip)} bytes \`gzip -9\``);
    const page = read('docs/tracker.md').toString();
    const intro = page.slice(0, page.indexOf('## With a script tag'));
    expect(intro.replace(/\s+/g, ' ')).toContain(`stays under ${figure(budget.gzip)} bytes \`gzip -9\``);
    expect(read('CONTRIBUTING.md').toString()).toContain(`a budget of ${figure(budget.gzip)} bytes \`gzip -9\` (aim ${figure(budget.goal)})`);
  });
});

describe('the embeds build (issue 24)', () => {
  const embeds = BUDGETS['media-bridge-tracker.embeds.min.js'];

  it('has its budget, 2,048 bytes gzip -9, and is within it as built', () => {
    expect(embeds).toEqual({ gzip: 2048, goal: 2048 });
    const bytes = gzip9Bytes(read('dist/media-bridge-tracker.embeds.min.js'), 'media-bridge-tracker.embeds.min.js');
    expect(bytes).toBeGreaterThan(500);
    expect(bytes).toBeLessThanOrEqual(embeds.gzip);
  });

  it("has that budget on the tracker's page", () => {
    expect(read('docs/tracker.md').toString().replace(/\s+/g, ' ')).toContain(
      `\`dist/media-bridge-tracker.embeds.min.js\` (at most ${figure(embeds.gzip)} bytes gzip -9`,
    );
  });
});
