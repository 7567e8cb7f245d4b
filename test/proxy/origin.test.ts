import { describe, expect, it } from 'vitest';
import { ClientLimiter, clientIp } from '../../src/proxy/http/client-limit.js';
import { corsHeaders, originAllowed, originPolicy, preflightHeaders } from '../../src/proxy/http/origin.js';

describe('origin policy', () => {
  const sameOrigin = originPolicy([]);
  const listed = originPolicy(['https://www.example.com', ' https://shop.example.com:8443 ', '']);

  it.each([
    ['the same host', 'https://media.example.com', 'media.example.com', true],
    ['the same host and port', 'http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['a default port spelled on one side', 'https://media.example.com', 'media.example.com:443', true],
    ['upper case in Host', 'https://media.example.com', 'Media.Example.com', true],
    ['another host', 'https://evil.example', 'media.example.com', false],
    ['another port', 'http://127.0.0.1:9999', '127.0.0.1:8080', false],
    ['the opaque origin "null"', 'null', 'media.example.com', false],
    ['no Host header', 'https://media.example.com', undefined, false],
    ['no Origin (a server or curl)', undefined, 'media.example.com', true],
  ])('same origin only: %s', (_name, origin, host, allowed) => {
    expect(originAllowed(sameOrigin, origin, host)).toBe(allowed);
  });

  it.each([
    ['a listed origin', 'https://www.example.com', true],
    ['a listed origin with its port', 'https://shop.example.com:8443', true],
    ['the listed host on another scheme', 'http://www.example.com', false],
    ['a sub-domain of a listed one', 'https://evil.www.example.com', false],
    ['the request host itself, when not listed', 'https://proxy.example.com', false],
  ])('allowlist: %s', (_name, origin, allowed) => {
    expect(originAllowed(listed, origin, 'proxy.example.com')).toBe(allowed);
  });

  it('admits any origin with *', () => {
    expect(originAllowed(originPolicy(['*']), 'https://anything.example', 'x')).toBe(true);
  });

  it.each([['example.com'], ['https://www.example.com/path'], ['https://www.example.com/?q=1'], ['not a url']])(
    'refuses the configuration entry %j',
    (entry) => {
      expect(() => originPolicy([entry])).toThrow(/ALLOWED_ORIGINS/);
    },
  );

  it('gives CORS headers only to an origin, and the preflight its methods', () => {
    expect(corsHeaders(undefined)).toEqual({ vary: 'Origin' });
    expect(corsHeaders('https://www.example.com')).toEqual({
      'access-control-allow-origin': 'https://www.example.com',
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
    });
    expect(preflightHeaders('https://www.example.com')).toMatchObject({
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type',
    });
    expect(JSON.stringify(preflightHeaders('https://x.example'))).not.toMatch(/credentials/i);
  });
});

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    expect(clientIp('10.0.0.1', '203.0.113.9', 0)).toBe('10.0.0.1');
  });

  it('takes the address the trusted proxy appended, not what the client wrote', () => {
    expect(clientIp('10.0.0.1', '1.1.1.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientIp('10.0.0.1', '1.1.1.1, 203.0.113.9, 198.51.100.7', 2)).toBe('203.0.113.9');
  });

  it('falls back to the peer when there is no header', () => {
    expect(clientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', ' ', 1)).toBe('10.0.0.1');
  });
});

describe('ClientLimiter', () => {
  it('allows a burst of perMinute, then refills at perMinute per minute, per IP', () => {
    const l = new ClientLimiter({ perMinute: 60 });
    for (let i = 0; i < 60; i++) expect(l.check('a', 0)).toBe(0);
    expect(l.check('a', 0)).toBe(1);
    expect(l.check('b', 0)).toBe(0); // another IP has its own bucket
    expect(l.check('a', 999)).toBeGreaterThan(0);
    expect(l.check('a', 1000)).toBe(0);
    expect(l.check('a', 1000)).toBeGreaterThan(0);
  });

  it('says how long to wait', () => {
    const l = new ClientLimiter({ perMinute: 6 });
    for (let i = 0; i < 6; i++) l.check('a', 0);
    expect(l.check('a', 0)).toBe(10);
  });

  it('is off at 0, and lets requests without an address through', () => {
    const off = new ClientLimiter({ perMinute: 0 });
    for (let i = 0; i < 1000; i++) expect(off.check('a', 0)).toBe(0);
    const on = new ClientLimiter({ perMinute: 1 });
    expect(on.check(undefined, 0)).toBe(0);
    expect(on.check(undefined, 0)).toBe(0);
  });

  it('forgets the longest-idle address first when full', () => {
    const l = new ClientLimiter({ perMinute: 1, maxClients: 2 });
    l.check('a', 0);
    l.check('b', 1);
    l.check('a', 2); // a is now the most recent
    l.check('c', 3); // b is dropped
    expect(l.check('b', 4)).toBe(0); // b starts afresh
    expect(l.check('c', 5)).toBeGreaterThan(0); // c was kept
  });
});
