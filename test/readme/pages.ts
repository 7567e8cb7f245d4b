/**
 * The documentation a reader meets: the README (the front page), CONTRIBUTING.md, and one
 * page per subject in docs/. The snippet tests and the link test read the same list, so a
 * new page is checked as soon as it exists.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** The pages' paths from the repository's root: README.md, CONTRIBUTING.md, then docs/*.md. */
export function documentationPages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}
