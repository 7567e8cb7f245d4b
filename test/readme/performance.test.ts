/**
 * The performance figures of docs/performance.md are the ones `npm run bench` produced: every
 * line of bench/results.md (its tables, its date and machine, its ratio) appears in that
 * page, and the committed JSON is the same run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const section = read('docs/performance.md');
const results = read('bench/results.md');
const json = JSON.parse(read('bench/results.json')) as {
  date: string;
  machine: string;
  short: boolean;
  checks: { ok: boolean }[];
  pageCost: {
    usPerTimeupdate: number;
    ratioToReference: number;
    ratioToFloor: number;
    start: { elements: number; ratioToFloor: number }[];
    externalStart: { ratioColdToFloor: number; ratioHotToFloor: number };
  };
};

describe('the performance page', () => {
  it('quotes the latest full benchmark run, line for line', () => {
    expect(section.startsWith('# Performance\n')).toBe(true);
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

  it("gives the README's performance line the latest run's page cost, and why it matters", () => {
    const readme = read('README.md').replace(/\s+/g, ' ');
    const p = json.pageCost;
    const start = p.start.find((s) => s.elements == 20)!;
    expect(readme).toContain(`start costs ${start.ratioToFloor.toFixed(2)}× the floor script's on a page of 20 media`);
    const x = p.externalStart;
    expect(readme).toContain(`${x.ratioColdToFloor.toFixed(2)}× on a visitor's first page view and ${x.ratioHotToFloor.toFixed(2)}× from V8's code cache`);
    expect(readme).toContain(`a timeupdate ${p.usPerTimeupdate.toFixed(1)} µs, ${p.ratioToReference.toFixed(2)} of the reference build's`);
    for (const why of ['load', 'INP', "phone's battery"]) expect(readme).toContain(why);
  });
});
