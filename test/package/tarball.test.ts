/**
 * The package as users get it: what `npm pack` puts in the tarball. It must hold the LICENSE,
 * the README and the docs it links to, the drop-in script, the ESM entries and their types,
 * and the bin; and nothing of the repository's own: no tests, benchmarks, demo, sources or
 * data files (media, SQLite, results).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../readme/pages.js';

interface PackedFile {
  path: string;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
  types: string;
};
let files: string[] = [];

beforeAll(() => {
  // --ignore-scripts: listing the files needs no build (dist/ is committed).
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  files = (JSON.parse(out) as { files: PackedFile[] }[])[0].files.map((f) => f.path).sort();
});

const bare = (path: string) => path.replace(/^\.\//, '');

describe('the packed package', () => {
  it('holds the LICENSE, the README, the docs pages it links to, and package.json', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
    for (const page of ['docs/tracker.md', 'docs/proxy.md', 'docs/hubspot.md']) expect(files).toContain(page);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 media-bridge-tracker contributors\n/);
  });

  it('holds the drop-in and its embeds build, every ESM entry and its types, the embeds chunk, and the bin', () => {
    expect(files).toContain('dist/media-bridge-tracker.min.js');
    // Served beside the drop-in, which loads it from its own folder (issue 24).
    expect(files).toContain('dist/media-bridge-tracker.embeds.min.js');
    // What startTracking({ embeds: true }) imports.
    expect(files).toContain('dist/embeds.js');
    expect(files).toContain(bare(pkg.types));
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') expect(files, name).toContain(bare(target));
      else {
        expect(files, name).toContain(bare(target.import));
        expect(files, name).toContain(bare(target.types));
      }
    }
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(bare(bin));
  });

  it('holds no tests, benchmarks, demo, sources or data files', () => {
    const unwanted = files.filter(
      (f) =>
        /^(test|e2e|bench|demo|src|scripts|\.ci|\.test-results|\.media-bridge)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
        /\.(webm|mp4|wav|mp3|m4a|sqlite|sqlite-intake|lua|patch|tgz|log)$/.test(f) ||
        /(^|\/)results\.(json|md)$/.test(f),
    );
    expect(unwanted).toEqual([]);
    // Only what a user runs or reads: the build, the bin, the docs and the package's own files.
    expect(files.filter((f) => !/^(dist|bin|docs)\//.test(f)).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
  });
});
