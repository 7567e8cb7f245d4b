/**
 * The README is a front page: at most 15,000 bytes, saying in order what the project is,
 * the two commands, a five-minute path to a first event on a timeline, what is reported,
 * and where each subject's page is, with a line on what it holds. Everything else lives in
 * docs/, one subject a page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationPages, ROOT } from './pages.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  return start < 0 ? '' : readme.slice(start, end < 0 ? undefined : end);
};
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

describe('the README', () => {
  it('is at most 15,000 bytes', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15_000);
  });

  it('says what the project is, then the two commands, then the five-minute path, what is reported and the pages', () => {
    const at = [
      readme.indexOf('HubSpot contact'),
      readme.indexOf('```sh'),
      readme.indexOf('\n## Five minutes to a first event on a timeline\n'),
      readme.indexOf('\n## What is reported\n'),
      readme.indexOf('\n## Documentation\n'),
    ];
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('walks through the script tag, the proxy, authorize and the first event', () => {
    const path = section('Five minutes to a first event on a timeline');
    for (const step of ['The script tag', 'A token', 'The proxy', 'The first event']) expect(path).toContain(`**${step}.**`);
    expect(path).toContain('```html');
    expect(path).toContain('npx media-bridge-proxy authorize');
    expect(path).toMatch(/ npx media-bridge-proxy\n/); // the server itself, not only authorize
  });

  it('keeps the three promises of what is reported, a sentence each', () => {
    const reported = oneLine(section('What is reported'));
    expect(reported).toContain('A whole play reaches 100%, whatever its duration.');
    expect(reported).toContain("Each event carries its session's media");
    expect(reported).toContain("The attention span's map names every span of the media");
  });

  it('links every docs page, each with a line on what it holds', () => {
    const docs = section('Documentation');
    const pages = documentationPages().filter((p) => p.startsWith('docs/'));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) expect(docs).toMatch(new RegExp(`\\[[^\\]]+\\]\\(${page.replace('.', '\\.')}\\): \\S+`));
  });

  it('leaves each docs page one subject, opening with its title', () => {
    for (const page of documentationPages().filter((p) => p.startsWith('docs/'))) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      expect(text.split('\n')[0], page).toMatch(/^# \S/);
      expect(text.match(/^# /gm)?.length, page).toBe(1);
    }
  });
});
