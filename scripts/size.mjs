// Byte sizes of a built file: raw, `gzip -9` and brotli (max quality).
// The gzip figure is what `gzip -9 <file>` writes for the file, as anyone checking the budget
// would measure it: GNU gzip, with the file's name in the gzip header (FNAME, the name and a
// NUL byte). zlib at level 9 stands in for GNU gzip where it is missing (they differ by a few
// bytes at most), with the same header field counted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * @param {Buffer} buf the file's bytes
 * @param {string} name the file's name, as gzip puts it in its header
 */
export function gzip9Bytes(buf, name) {
  const dir = mkdtempSync(join(tmpdir(), 'mbt-size-'));
  try {
    const file = join(dir, basename(name));
    writeFileSync(file, buf);
    return execFileSync('gzip', ['-9c', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    return gzipSync(buf, { level: 9 }).length + Buffer.byteLength(basename(name)) + 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @param {Buffer} buf the file's bytes
 * @param {string} name the file's name
 */
export function sizes(buf, name) {
  return {
    raw: buf.length,
    gzip: gzip9Bytes(buf, name),
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}

/** Budgets in gzip -9 bytes, by dist file. */
export const BUDGETS = {
  'media-bridge-tracker.min.js': { gzip: 5120, goal: 4608 },
  'media-bridge-tracker.embeds.min.js': { gzip: 2048, goal: 2048 },
};
