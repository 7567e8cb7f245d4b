/**
 * The README's performance figures are the ones `npm run bench` produced: every line of
 * bench/results.md (its tables, its date and machine, its ratio) appears in the README's
 * Performance section, and the committed JSON is the same run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const start = readme.indexOf('\n## Performance');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const results = read('bench/results.md');
const json = JSON.parse(read('bench/results.json')) as { date: string; machine: string; short: boolean; checks: { ok: boolean }[] };

describe('the README performance section', () => {
  it('quotes the latest full benchmark run, line for line', () => {
    expect(start).toBeGreaterThan(0);
    const quoted = results
      .split('\n')
      .filter((line) => line.startsWith('|') || line.startsWith('Ratio:') || line.includes(json.machine));
    expect(quoted.length).toBeGreaterThan(20);
    for (const line of quoted) expect(section).toContain(line);
  });

  it('comes from a full run in which every check passed, and names the command', () => {
    expect(json.short).toBe(false);
    expect(json.checks.length).toBeGreaterThanOrEqual(6);
    expect(json.checks.every((c) => c.ok)).toBe(true);
    expect(results).toContain(json.date);
    expect(section).toContain('`npm run bench`');
  });
});
