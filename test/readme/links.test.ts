/**
 * Every relative link and `#anchor` in the README, CONTRIBUTING.md and docs/*.md resolves:
 * the file (or folder) exists, and an anchor names a heading of the page it points into, by
 * GitHub's rules for heading ids; and every repository path a page names in code exists.
 * Splitting or renaming a page, or moving a source file, cannot leave a dead link.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationPages, ROOT } from './pages.js';

/**
 * GitHub's id for a heading: its text as rendered (no markup), lowercased, with every
 * character that is not a letter, digit, space, `-` or `_` dropped, and spaces made `-`. A
 * second heading with the same id gets `-1`, a third `-2`.
 */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, text] of withoutFences(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const plain = text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*_]{1,2}([^`*_]+)[`*_]{1,2}/g, '$1')
      .replace(/<[^>]+>/g, '');
    const base = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n ? `${base}-${n}` : base);
  }
  return ids;
}

/** The text without its fenced blocks, where `# x` is not a heading. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^ *```[\s\S]*?^ *```/gm, '');
}

/** The text without fenced blocks and inline code, where `[a](b)` is not a link. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** The targets of the page's inline links, `[text](target)`, link text over several lines included. */
export function linkTargets(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1]);
}

const external = (target: string) => /^[a-z][a-z+.-]*:/i.test(target);

/** Why `target`, linked from `page`, does not resolve; undefined when it does. */
function problem(page: string, target: string): string | undefined {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path ? normalize(join(dirname(page), decodeURIComponent(path))) : page;
  if (file.startsWith('..')) return 'points outside the repository';
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md')) return `an anchor into ${file}, which is not a page`;
  if (!headingIds(readFileSync(join(ROOT, file), 'utf8')).has(anchor)) return `${file} has no heading #${anchor}`;
  return undefined;
}

describe('the links of the documentation', () => {
  const pages = documentationPages();

  it('covers the README, CONTRIBUTING and the docs pages', () => {
    expect(pages.slice(0, 2)).toEqual(['README.md', 'CONTRIBUTING.md']);
    expect(pages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThanOrEqual(4);
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    const targets = linkTargets(readFileSync(join(ROOT, page), 'utf8')).filter((t) => !external(t));
    const dead = targets.map((t) => [t, problem(page, t)]).filter(([, why]) => why);
    expect(dead).toEqual([]);
  });

  it.each(pages)('%s: every repository path it names in code (`src/…`, `test/…`) exists', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const paths = [...text.matchAll(/`((?:src|test|e2e|bench|scripts|demo|docs)\/[^`\s]*)`/g)].map((m) => m[1]);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('reads ids as GitHub makes them', () => {
    const ids = headingIds('# The tracker\n## Counted once: the tag pasted twice\n### `GET /healthz` & more\n## Size\n## Size\n```sh\n# not a heading\n```\n');
    expect([...ids]).toEqual(['the-tracker', 'counted-once-the-tag-pasted-twice', 'get-healthz--more', 'size', 'size-1']);
  });

  it('finds links across lines and skips code', () => {
    expect(linkTargets('see [three instances on one\nRedis](performance.md#three) and `[x](nope.md)`\n```md\n[y](nope.md)\n```\n')).toEqual(['performance.md#three']);
  });

  it('finds a dead link when there is one', () => {
    expect(problem('docs/proxy.md', 'nowhere.md')).toBe('docs/nowhere.md does not exist');
    expect(problem('docs/proxy.md', '#no-such-heading')).toBe('docs/proxy.md has no heading #no-such-heading');
    expect(problem('docs/proxy.md', 'hubspot.md#media-objects')).toBeUndefined();
    expect(problem('README.md', 'docs/hubspot.md#why-a-contacts-timeline-stays-empty')).toBeUndefined();
  });
});
