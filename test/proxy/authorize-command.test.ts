/**
 * `media-bridge-proxy authorize`, end to end: the real bin, spawned, against the fake
 * HubSpot (its authorize base and token endpoint). The test plays the browser: it reads the
 * printed authorize URL, tells the fake which code to expect for that PKCE challenge, and
 * GETs the redirect.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, waitFor, type FakeHubSpot } from './fake-hubspot.js';
import { ensureBuilt, ROOT } from './proxy-process.js';
import { tempDir } from './temp-dirs.js';

const CLIENT = { clientId: 'client-abc', clientSecret: 'client-secret-0123456789', refreshToken: 'unused-refresh-token' };
const INSTALLED = 'refresh-token-from-the-install-6f1c2b0e';

let fake: FakeHubSpot;
beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeHubSpot({ oauth: CLIENT });
});
afterAll(() => fake?.close());

interface Run {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** The printed authorize URL, once printed. */
  authorizeUrl: () => Promise<URL>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['bin/media-bridge-proxy.js', 'authorize', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HUBSPOT_CLIENT_ID: CLIENT.clientId, HUBSPOT_CLIENT_SECRET: CLIENT.clientSecret, HUBSPOT_APP_BASE: fake.url, HUBSPOT_API_BASE: fake.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  // 'close', not 'exit': the tests read the output once it has exited, and at 'exit' the last
  // of it may not be read yet.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const found = () => /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(err)?.[1];
  return {
    stdout: () => out,
    stderr: () => err,
    exited,
    authorizeUrl: async () => {
      await waitFor(() => found() !== undefined || child.exitCode !== null, 15_000, 'the authorize URL');
      if (!found()) throw new Error(`no authorize URL:\n${err}`);
      return new URL(found()!);
    },
  };
}

/** The browser's side: follow the redirect the way HubSpot would send it. */
async function redirect(authorize: URL, query: Record<string, string>): Promise<Response> {
  const back = new URL(authorize.searchParams.get('redirect_uri')!);
  back.hostname = '127.0.0.1'; // what `localhost` reaches
  for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
  return fetch(back);
}

describe('media-bridge-proxy authorize', () => {
  it('prints the redirect and authorize URLs, exchanges the code with the verifier, and prints the token once', async () => {
    const r = run(['--port', '0']);
    const url = await r.authorizeUrl();
    const q = url.searchParams;
    expect(url.pathname).toBe('/oauth/authorize');
    expect(q.get('client_id')).toBe(CLIENT.clientId);
    expect(q.get('scope')).toBe('media_bridge.write');
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/oauth-callback$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    // The redirect URL to register is printed on its own line.
    expect(r.stderr()).toContain(`\n     ${q.get('redirect_uri')}\n`);

    fake.allowInstall({ code: 'code-1', codeChallenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, refreshToken: INSTALLED, hubId: 777 });
    const page = await redirect(url, { code: 'code-1', state: q.get('state')! });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('The app is installed');
    expect(await r.exited).toBe(0);

    const exchange = fake.requests.filter((x) => x.path === '/oauth/v3/token').at(-1)!;
    const form = Object.fromEntries(new URLSearchParams(exchange.body));
    expect(form).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, code: 'code-1', redirect_uri: q.get('redirect_uri') });
    expect(form.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect(r.stdout()).toBe(`HUBSPOT_CLIENT_ID=${CLIENT.clientId}\nHUBSPOT_REFRESH_TOKEN=${INSTALLED}\n`);
    expect(r.stderr()).toContain('Installed in portal 777');
    // The token is printed once, on stdout; never on stderr, and never the client secret.
    expect(r.stderr()).not.toContain(INSTALLED);
    expect(r.stdout() + r.stderr()).not.toContain(CLIENT.clientSecret);
  });

  it('with --media-objects and --save, asks for the objects scopes and writes a 0600 file instead of printing the token', async () => {
    const file = join(tempDir('mbt-authorize-'), 'proxy.env');
    const r = run(['--port=0', '--media-objects', '--save', file]);
    const url = await r.authorizeUrl();
    const q = url.searchParams;
    expect(q.get('scope')).toBe('media_bridge.write media_bridge.read files');
    fake.allowInstall({ code: 'code-2', codeChallenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, refreshToken: INSTALLED });
    expect((await redirect(url, { code: 'code-2', state: q.get('state')! })).status).toBe(200);
    expect(await r.exited).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([`HUBSPOT_CLIENT_ID=${CLIENT.clientId}`, `HUBSPOT_CLIENT_SECRET=${CLIENT.clientSecret}`, `HUBSPOT_REFRESH_TOKEN=${INSTALLED}`, 'HUBSPOT_MEDIA_OBJECTS=create']);
    expect(r.stdout()).toBe('');
    expect(r.stderr()).not.toContain(INSTALLED);
    expect(r.stderr()).toContain(`${file} (mode 0600)`);
  });

  it('never replaces an existing --save file', async () => {
    const file = join(tempDir('mbt-authorize-'), 'proxy.env');
    writeFileSync(file, 'keep me\n');
    const r = run(['--port=0', '--save', file]);
    const url = await r.authorizeUrl();
    const q = url.searchParams;
    fake.allowInstall({ code: 'code-3', codeChallenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, refreshToken: INSTALLED });
    await redirect(url, { code: 'code-3', state: q.get('state')! });
    expect(await r.exited).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(r.stderr()).toContain('exists; it was left alone');
    expect(r.stdout() + r.stderr()).not.toContain(INSTALLED);
  });

  it('refuses a redirect with another state, exchanging nothing', async () => {
    const before = fake.requests.length;
    const r = run(['--port', '0']);
    const url = await r.authorizeUrl();
    const page = await redirect(url, { code: 'code-x', state: 'not-the-state' });
    expect(page.status).toBe(400);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toMatch(/Failed: the redirect carried a state that does not match this run/);
    expect(fake.requests.slice(before).filter((x) => x.path === '/oauth/v3/token')).toEqual([]);
    expect(r.stdout()).toBe('');
  });

  it('ends cleanly when consent is declined', async () => {
    const r = run(['--port', '0']);
    const url = await r.authorizeUrl();
    const page = await redirect(url, { error: 'access_denied', error_description: 'The user declined', state: url.searchParams.get('state')! });
    expect(page.status).toBe(200);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toContain('Failed: HubSpot reported access_denied (The user declined): the app was not installed (consent was declined)');
  });

  it('fails with HubSpot\'s words when the exchange is refused (here: a verifier that does not match)', async () => {
    const r = run(['--port', '0']);
    const url = await r.authorizeUrl();
    const q = url.searchParams;
    fake.allowInstall({ code: 'code-4', codeChallenge: 'another-challenge', redirectUri: q.get('redirect_uri')!, refreshToken: INSTALLED });
    const page = await redirect(url, { code: 'code-4', state: q.get('state')! });
    expect(page.status).toBe(502);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toContain('Failed: HubSpot refused the code exchange (400: BAD_AUTH_CODE, code_verifier does not match the challenge)');
    expect(r.stdout() + r.stderr()).not.toContain(CLIENT.clientSecret);
  });

  it('gives up after --timeout without a redirect, and needs the client id and secret', async () => {
    const r = run(['--port', '0', '--timeout', '1']);
    expect(await r.exited).toBe(1);
    expect(r.stderr()).toContain('Failed: no redirect came within 1 second');
    const bare = run([], { HUBSPOT_CLIENT_ID: '', HUBSPOT_CLIENT_SECRET: '' });
    expect(await bare.exited).toBe(2);
    expect(bare.stderr()).toContain('set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET');
  });

  it('says when the port is taken', async () => {
    const first = run(['--port', '0']);
    const port = new URL((await first.authorizeUrl()).searchParams.get('redirect_uri')!).port;
    const second = run(['--port', port]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`port ${port} on 127.0.0.1 is in use`);
    await redirect(await first.authorizeUrl(), { error: 'access_denied' });
    expect(await first.exited).toBe(1);
  });
});
