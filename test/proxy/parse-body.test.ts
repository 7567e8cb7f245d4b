import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/proxy/http/parse-body.js';

describe('parseBody', () => {
  it('parses ordinary JSON', () => {
    expect(parseBody('{"events":[{"type":"media-played","pageName":"The constructor of prototypes"}]}')).toEqual({
      ok: true,
      value: { events: [{ type: 'media-played', pageName: 'The constructor of prototypes' }] },
    });
  });

  it.each([
    ['__proto__ at the top', '{"__proto__":{"polluted":true},"events":[]}', '__proto__'],
    ['__proto__ in an event', '{"events":[{"type":"media-played","__proto__":{"polluted":true}}]}', '__proto__'],
    ['constructor', '{"events":[{"constructor":{"prototype":{"polluted":true}}}]}', 'constructor'],
    ['prototype deep down', '{"events":[{"derivedValues":{"a":{"prototype":1}}}]}', 'prototype'],
    ['__proto__ spelled with escapes', '{"events":[{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true}}]}', '__proto__'],
  ])('refuses %s', (_name, text, key) => {
    const result = parseBody(text);
    expect(result).toEqual({ ok: false, code: 'forbidden_key', message: expect.stringContaining(key) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts escapes that spell nothing dangerous', () => {
    expect(parseBody('{"events":[{"pageName":"caf\\u00e9"}]}')).toEqual({ ok: true, value: { events: [{ pageName: 'café' }] } });
  });

  it.each([['truncated', '{"events":['], ['empty', ''], ['not JSON', 'events=1'], ['trailing garbage', '{"events":[]} x']])(
    'refuses %s input as bad JSON',
    (_name, text) => {
      expect(parseBody(text)).toEqual({ ok: false, code: 'bad_json', message: 'the body is not valid JSON' });
    },
  );
});
