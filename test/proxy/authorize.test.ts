/**
 * The pure parts of `media-bridge-proxy authorize`: arguments, the URLs, PKCE, what a
 * redirect means, and the code exchange against an injected fetch.
 */
import { describe, expect, it } from 'vitest';
import { parseAuthorizeArgs, UsageError } from '../../src/proxy/authorize/args.js';
import { authorizeUrl, redirectUrl, scopesFor } from '../../src/proxy/authorize/authorize-url.js';
import { readCallback } from '../../src/proxy/authorize/callback.js';
import { exchangeCode, ExchangeError } from '../../src/proxy/authorize/exchange.js';
import { challengeOf, newState, newVerifier, sameState } from '../../src/proxy/authorize/pkce.js';
import type { FetchLike } from '../../src/proxy/upstream/hubspot-client.js';

describe('parseAuthorizeArgs', () => {
  it('has the documented defaults', () => {
    expect(parseAuthorizeArgs([])).toEqual({ port: 3035, mediaObjects: false, timeoutSeconds: 600, help: false });
  });

  it('reads every flag, with its value after a space or an =', () => {
    expect(parseAuthorizeArgs(['--port', '4000', '--media-objects', '--save=env.txt', '--timeout', '5'])).toEqual({
      port: 4000,
      mediaObjects: true,
      save: 'env.txt',
      timeoutSeconds: 5,
      help: false,
    });
    expect(parseAuthorizeArgs(['--port=0']).port).toBe(0);
    expect(parseAuthorizeArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--port'], '--port needs a value'],
    [['--port', '--media-objects'], '--port needs a value'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535'],
    [['--port', '12a'], '--port must be an integer'],
    [['--timeout', '0'], '--timeout must be an integer from 1'],
    [['--save', ' '], '--save needs a file name'],
    [['--media-objects=yes'], 'takes no value'],
    [['--prot', '1'], 'unknown argument "--prot"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseAuthorizeArgs(argv)).toThrow(UsageError);
    expect(() => parseAuthorizeArgs(argv)).toThrow(message);
  });
});

describe('the URLs', () => {
  it('asks for media_bridge.write, plus what keeping media objects needs', () => {
    expect(scopesFor(false)).toEqual(['media_bridge.write']);
    expect(scopesFor(true)).toEqual(['media_bridge.write', 'media_bridge.read', 'files']);
  });

  it('registers a localhost redirect (HubSpot takes no IP address there)', () => {
    expect(redirectUrl(3035)).toBe('http://localhost:3035/oauth-callback');
  });

  it('builds the authorize URL with every parameter, the scopes joined by %20', () => {
    const href = authorizeUrl({
      appBase: 'https://app.hubspot.com',
      clientId: 'client-1',
      scopes: ['media_bridge.write', 'files'],
      redirectUri: 'http://localhost:3035/oauth-callback',
      state: 'st+te',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    });
    expect(href).toMatch(/^https:\/\/app\.hubspot\.com\/oauth\/authorize\?/);
    expect(href).toContain('scope=media_bridge.write%20files');
    expect(href).not.toContain('+');
    const q = new URL(href).searchParams;
    expect(Object.fromEntries(q)).toEqual({
      client_id: 'client-1',
      scope: 'media_bridge.write files',
      redirect_uri: 'http://localhost:3035/oauth-callback',
      state: 'st+te',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
  });
});

describe('PKCE and state', () => {
  it("computes RFC 7636's S256 example", () => {
    // RFC 7636, appendix B.
    expect(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, a new one each time', () => {
    const a = newVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newVerifier()).not.toBe(a);
    expect(newVerifier(new Uint8Array(32))).toBe('A'.repeat(43));
    expect(newState()).not.toBe(newState());
  });

  it('compares states exactly', () => {
    expect(sameState('abc', 'abc')).toBe(true);
    expect(sameState('abd', 'abc')).toBe(false);
    expect(sameState('ab', 'abc')).toBe(false);
    expect(sameState(null, 'abc')).toBe(false);
  });
});

describe('readCallback', () => {
  const S = 'the-state';
  it('takes a code with our state', () => {
    expect(readCallback('GET', `/oauth-callback?code=c-1&state=${S}`, S)).toEqual({ kind: 'code', code: 'c-1' });
  });

  it('ignores other paths and methods', () => {
    expect(readCallback('GET', '/favicon.ico', S)).toEqual({ kind: 'ignore' });
    expect(readCallback('POST', `/oauth-callback?code=c&state=${S}`, S)).toEqual({ kind: 'ignore' });
    expect(readCallback('GET', '//evil.example/oauth-callback', S)).toEqual({ kind: 'ignore' });
  });

  it('refuses a code with another state, or none', () => {
    expect(readCallback('GET', '/oauth-callback?code=c&state=other', S)).toEqual({ kind: 'bad-state' });
    expect(readCallback('GET', '/oauth-callback?code=c', S)).toEqual({ kind: 'bad-state' });
  });

  it('reads a denial, with or without the state, but not with a foreign one', () => {
    expect(readCallback('GET', `/oauth-callback?error=access_denied&error_description=The%20user%20said%20no&state=${S}`, S)).toEqual({
      kind: 'denied',
      error: 'access_denied',
      description: 'The user said no',
    });
    expect(readCallback('GET', '/oauth-callback?error=access_denied', S)).toEqual({ kind: 'denied', error: 'access_denied' });
    expect(readCallback('GET', '/oauth-callback?error=access_denied&state=x', S)).toEqual({ kind: 'bad-state' });
    expect(readCallback('GET', '/oauth-callback?error=a%0Ab', S)).toEqual({ kind: 'denied', error: 'a b' });
  });

  it('says when the code is missing', () => {
    expect(readCallback('GET', `/oauth-callback?state=${S}`, S)).toEqual({ kind: 'no-code' });
  });
});

describe('exchangeCode', () => {
  const request = { apiBase: 'http://hub.test/', clientId: 'client-1', clientSecret: 'secret-1', redirectUri: 'http://localhost:1/oauth-callback', code: 'code-1', codeVerifier: 'v'.repeat(43) };
  const answering = (status: number, body: unknown) => {
    const calls: Array<{ url: string; form: Record<string, string> }> = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, form: Object.fromEntries(new URLSearchParams(String(init.body))) });
      return new Response(JSON.stringify(body), { status });
    };
    return { fetch, calls };
  };

  it('posts the authorization_code grant with the verifier to /oauth/v3/token', async () => {
    const ep = answering(200, { access_token: 'a', refresh_token: 'r-1', expires_in: 1800, hub_id: 42, scopes: ['media_bridge.write'] });
    expect(await exchangeCode({ ...request, fetch: ep.fetch })).toEqual({ refreshToken: 'r-1', hubId: 42, scopes: ['media_bridge.write'] });
    expect(ep.calls).toEqual([
      {
        url: 'http://hub.test/oauth/v3/token',
        form: { grant_type: 'authorization_code', client_id: 'client-1', client_secret: 'secret-1', redirect_uri: 'http://localhost:1/oauth-callback', code: 'code-1', code_verifier: 'v'.repeat(43) },
      },
    ]);
  });

  it("fails with HubSpot's status and words, or when no refresh token came", async () => {
    const refused = answering(400, { status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code' });
    await expect(exchangeCode({ ...request, fetch: refused.fetch })).rejects.toThrow('HubSpot refused the code exchange (400: BAD_AUTH_CODE, missing or unknown auth code)');
    const bare = answering(200, { access_token: 'a' });
    await expect(exchangeCode({ ...request, fetch: bare.fetch })).rejects.toThrow(ExchangeError);
    const down: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(exchangeCode({ ...request, fetch: down })).rejects.toThrow('could not be reached');
  });
});
