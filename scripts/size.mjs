// Byte sizes of a built file: raw, `gzip -9` and brotli (max quality).
// GNU gzip is used when it is on PATH, because the budget is stated in `gzip -9` bytes;
// zlib at level 9 stands in for it elsewhere (they differ by a few bytes at most).
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** @param {Buffer} buf */
export function gzip9Bytes(buf) {
  try {
    return execFileSync('gzip', ['-9c'], { input: buf, maxBuffer: 64 << 20 }).length;
  } catch {
    return gzipSync(buf, { level: 9 }).length;
  }
}

/** @param {Buffer} buf */
export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzip9Bytes(buf),
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}

/** Budgets in gzip -9 bytes, by dist file. */
export const BUDGETS = {
  'media-bridge-tracker.min.js': { gzip: 3900, goal: 3500 },
};
