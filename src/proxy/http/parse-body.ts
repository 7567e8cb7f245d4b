/**
 * JSON parsing that refuses prototype-polluting keys.
 *
 * JSON.parse itself only creates own properties, but a `__proto__` key becomes dangerous the
 * moment some later code copies the object with assignment (Object.assign, a naive merge).
 * So a body naming `__proto__`, `constructor` or `prototype` as a key is refused outright.
 *
 * The fast path is one scan of the text: only a body that mentions one of the names, or
 * contains a `\u` escape (which could spell one), pays for the key-by-key reviver.
 */

/** Keys that can reach an object's prototype chain. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SUSPECT = /__proto__|constructor|prototype|\\u/;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; code: 'bad_json' | 'forbidden_key'; message: string };

/** Parses `text` as JSON, refusing forbidden keys anywhere in it. */
export function parseBody(text: string): ParsedBody {
  try {
    if (!SUSPECT.test(text)) return { ok: true, value: JSON.parse(text) };
    let forbidden: string | undefined;
    const value: unknown = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return v;
    });
    if (forbidden !== undefined) {
      return { ok: false, code: 'forbidden_key', message: `the key "${forbidden}" is not allowed anywhere in the body` };
    }
    return { ok: true, value };
  } catch {
    return { ok: false, code: 'bad_json', message: 'the body is not valid JSON' };
  }
}
