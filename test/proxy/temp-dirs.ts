/**
 * Temporary directories for a test file, removed after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const tempDirs: string[] = [];
// Registered when a test file imports this module; vitest runs after-hooks last-registered
// first, so this runs after the file's own, once its processes and outboxes are closed.
afterAll(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'mbt-proxy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A fresh directory for an outbox. */
export const tempDataDir = (): string => tempDir('mbt-proxy-');
