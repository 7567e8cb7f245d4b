/**
 * The proxy's parts import in one direction: upstream/ (HubSpot: forwarding, OAuth, the
 * catalog) builds on store/ (the outbox and portal contracts and their stores), and store/
 * imports nothing of upstream/. What both need (MaybePromise, the token store, the gate's
 * contract, the upstream error) lives in contracts/, which imports neither.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PROXY = new URL('../../src/proxy/', import.meta.url).pathname;

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The proxy-relative paths `file` imports or re-exports, statically or dynamically (relative specifiers only). */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(PROXY, resolve(dirname(file), s)));
}

/** Each import from a file under `from` into a file under `into`, as "file -> import". */
function crossing(from: string, into: string): string[] {
  return sources(join(PROXY, from)).flatMap((file) =>
    importsOf(file)
      .filter((target) => target.startsWith(`${into}/`))
      .map((target) => `${relative(PROXY, file)} -> ${target}`),
  );
}

describe('the import direction between store/ and upstream/', () => {
  it('reads imports, type-only, re-exports and dynamic ones alike', () => {
    const file = join(PROXY, 'store/x.ts');
    const text = "import type { A } from '../upstream/a.js';\nexport { B } from './b.js';\nimport {\n  C,\n} from '../../wire.js';\nconst d = await import('./redis/d.js');\nimport 'node:fs';\n";
    expect(importsOf(file, text)).toEqual(['upstream/a.js', 'store/b.js', '../wire.js', 'store/redis/d.js']);
  });

  it('store/ imports nothing of upstream/', () => {
    expect(crossing('store', 'upstream')).toEqual([]);
  });

  it('upstream/ builds on store/, so the two do not import each other both ways', () => {
    expect(crossing('upstream', 'store').length).toBeGreaterThan(0);
    expect(crossing('store', 'upstream').length * crossing('upstream', 'store').length).toBe(0);
  });

  it('contracts/ imports neither', () => {
    expect([...crossing('contracts', 'store'), ...crossing('contracts', 'upstream')]).toEqual([]);
  });
});

describe('the core a reader can hold', () => {
  it('createMediaBridgeProxy wires named steps, in under 80 lines', () => {
    const core = readFileSync(join(PROXY, 'core.ts'), 'utf8').split('\n');
    const start = core.findIndex((line) => line.startsWith('export function createMediaBridgeProxy('));
    const length = core.slice(start).findIndex((line) => line === '}') + 1;
    expect(start).toBeGreaterThan(0);
    expect(length).toBeGreaterThan(10);
    expect(length).toBeLessThan(80);
  });
});
