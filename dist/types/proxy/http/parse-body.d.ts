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
export type ParsedBody = {
    ok: true;
    value: unknown;
} | {
    ok: false;
    code: 'bad_json' | 'forbidden_key';
    message: string;
};
/** Parses `text` as JSON, refusing forbidden keys anywhere in it. */
export declare function parseBody(text: string): ParsedBody;
