/**
 * `media-bridge-proxy authorize`: HubSpot's OAuth install flow for the user's own app, in
 * one command. It listens on 127.0.0.1 for the redirect, prints the URL to register and the
 * authorize URL to open, checks `state`, exchanges the code with its PKCE verifier, and hands
 * over the refresh token: printed once on stdout with the lines to put in the environment,
 * or written to a file created with mode 0600 (`--save`). Instructions and errors go to
 * stderr, so `> file` captures only the environment lines. Nothing is logged.
 *
 * Exit codes: 0 installed; 1 denied, wrong state, failed exchange or timeout; 2 bad usage.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpBase } from '../config.js';
import { scrub } from '../log.js';
import type { FetchLike } from '../upstream/hubspot-client.js';
import { AUTHORIZE_USAGE, parseAuthorizeArgs, UsageError, type AuthorizeArgs } from './args.js';
import { authorizeUrl, DEFAULT_APP_BASE, redirectUrl, scopesFor } from './authorize-url.js';
import { readCallback, type Callback } from './callback.js';
import { exchangeCode, type Installed } from './exchange.js';
import { challengeOf, newState, newVerifier } from './pkce.js';

type Env = Record<string, string | undefined>;

export interface AuthorizeIo {
  /** stdout: the result only. */
  out(text: string): void;
  /** stderr: instructions, progress, errors. */
  err(text: string): void;
  fetch?: FetchLike;
}

const LISTEN_HOST = '127.0.0.1';

/** Runs the command; resolves with its exit code. */
export async function runAuthorize(argv: readonly string[], env: Env, io: AuthorizeIo): Promise<number> {
  let args: AuthorizeArgs;
  let settings: { clientId: string; clientSecret: string; appBase: string; apiBase: string };
  try {
    args = parseAuthorizeArgs(argv);
    if (args.help) {
      io.out(AUTHORIZE_USAGE);
      return 0;
    }
    settings = readSettings(env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`media-bridge-proxy authorize: ${error.message}\n`);
    return 2;
  }
  const secrets = [settings.clientSecret];
  const fail = (message: string): number => {
    io.err(`\nFailed: ${scrub(message, secrets)}\n`);
    return 1;
  };

  const verifier = newVerifier();
  const state = newState();
  type Redirect = Exclude<Callback, { kind: 'ignore' }> & { answer: ServerResponse };
  let settle!: (redirect: Redirect) => void;
  const redirected = new Promise<Redirect>((resolve) => (settle = resolve));
  let handled = false;
  const server = createServer((req, res) => {
    const callback = readCallback(req.method ?? '', req.url ?? '/', state);
    if (callback.kind === 'ignore') return void page(res, 404, 'Not found.');
    if (handled) return void page(res, 409, 'This run already took its redirect; the terminal says how it ended.');
    handled = true;
    settle({ ...callback, answer: res });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(args.port, LISTEN_HOST, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'EADDRINUSE' ? `port ${args.port} on ${LISTEN_HOST} is in use; pick another with --port (and register that redirect URL)` : `cannot listen on ${LISTEN_HOST}:${args.port}: ${(error as Error).message}`);
  }
  const port = (server.address() as AddressInfo).port;
  const redirectUri = redirectUrl(port);
  const scopes = scopesFor(args.mediaObjects);
  const url = authorizeUrl({ appBase: settings.appBase, clientId: settings.clientId, scopes, redirectUri, state, codeChallenge: challengeOf(verifier) });
  io.err(
    [
      '1. In your HubSpot app\'s Auth settings, add this redirect URL:',
      `     ${redirectUri}`,
      `   and give the app exactly these scopes: ${scopes.join(', ')}`,
      '2. Open this URL in a browser signed in to HubSpot, and install the app in your portal:',
      `     ${url}`,
      `Waiting for HubSpot to redirect back (at most ${describeSeconds(args.timeoutSeconds)}; Ctrl-C stops)...`,
      '',
    ].join('\n'),
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), args.timeoutSeconds * 1000)));
  try {
    const first = await Promise.race([redirected, timedOut]);
    if (first === 'timeout') return fail(`no redirect came within ${describeSeconds(args.timeoutSeconds)}; run the command again`);
    const { answer } = first;
    switch (first.kind) {
      case 'bad-state':
        await page(answer, 400, 'This redirect does not belong to this run of the command (its state does not match). Nothing was exchanged.');
        return fail('the redirect carried a state that does not match this run; nothing was exchanged. Open the URL printed by this run, not an older one');
      case 'denied':
        await page(answer, 200, 'The app was not installed. You can close this tab.');
        return fail(`HubSpot reported ${first.error}${first.description ? ` (${first.description})` : ''}: the app was not installed${first.error === 'access_denied' ? ' (consent was declined)' : ''}`);
      case 'no-code':
        await page(answer, 400, 'The redirect carried no code.');
        return fail('the redirect carried neither a code nor an error');
      case 'code':
        break;
    }
    secrets.push(first.code);
    let installed: Installed;
    try {
      installed = await exchangeCode({
        apiBase: settings.apiBase,
        fetch: io.fetch ?? ((input, init) => globalThis.fetch(input, init)),
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        redirectUri,
        code: first.code,
        codeVerifier: verifier,
      });
    } catch (error) {
      await page(answer, 502, 'HubSpot did not complete the install; the terminal says why.');
      return fail((error as Error).message);
    }
    secrets.push(installed.refreshToken);
    const lines = envLines(settings, installed, args.mediaObjects);
    if (args.save) {
      try {
        // 'wx': created here, so mode 0600 applies, and an existing file is never replaced.
        writeFileSync(args.save, `# media-bridge-proxy authorize, ${new Date().toISOString()}\n${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        await page(answer, 500, 'The app is installed, but the file could not be written; the terminal says why.');
        const code = (error as NodeJS.ErrnoException).code;
        return fail(code === 'EEXIST' ? `${args.save} exists; it was left alone. Run again with another --save file` : `cannot write ${args.save}: ${(error as Error).message}`);
      }
    }
    await page(answer, 200, 'The app is installed. You can close this tab and go back to the terminal.');
    const where = installed.hubId ? ` in portal ${installed.hubId}` : '';
    const granted = installed.scopes?.length ? ` with ${installed.scopes.join(', ')}` : '';
    if (args.save) {
      io.err(`Installed${where}${granted}. The proxy's environment is in ${args.save} (mode 0600), with the refresh token.\n`);
    } else {
      io.err(`Installed${where}${granted}. Put these lines in the proxy's environment, next to HUBSPOT_CLIENT_SECRET (the token is shown only this once):\n\n`);
      io.out(`${lines.filter((l) => !l.startsWith('HUBSPOT_CLIENT_SECRET=')).join('\n')}\n`);
    }
    return 0;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

/** The command's settings from the environment; a missing or malformed one is a UsageError. */
function readSettings(env: Env) {
  const clientId = env.HUBSPOT_CLIENT_ID?.trim();
  const clientSecret = env.HUBSPOT_CLIENT_SECRET?.trim();
  const missing = [!clientId && 'HUBSPOT_CLIENT_ID', !clientSecret && 'HUBSPOT_CLIENT_SECRET'].filter(Boolean);
  if (missing.length) throw new UsageError(`set ${missing.join(' and ')} (the app's Auth settings show them)`);
  return {
    clientId: clientId!,
    clientSecret: clientSecret!,
    appBase: base(env, 'HUBSPOT_APP_BASE', DEFAULT_APP_BASE),
    apiBase: base(env, 'HUBSPOT_API_BASE', 'https://api.hubapi.com'),
  };
}

function base(env: Env, name: string, fallback: string): string {
  try {
    return httpBase(env, name, fallback);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function envLines(settings: { clientId: string; clientSecret: string }, installed: Installed, mediaObjects: boolean): string[] {
  return [
    `HUBSPOT_CLIENT_ID=${settings.clientId}`,
    `HUBSPOT_CLIENT_SECRET=${settings.clientSecret}`,
    `HUBSPOT_REFRESH_TOKEN=${installed.refreshToken}`,
    ...(mediaObjects ? ['HUBSPOT_MEDIA_OBJECTS=create'] : []),
  ];
}

/** Answers the browser; resolves once the answer is handed to the OS, so exiting cannot cut it. */
function page(res: ServerResponse, status: number, text: string): Promise<void> {
  const body = `<!doctype html><meta charset="utf-8"><title>media-bridge-proxy authorize</title><p>${text}</p>\n`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
  return new Promise((resolve) => {
    res.once('close', resolve);
    res.end(body, () => resolve());
  });
}

function describeSeconds(s: number): string {
  return s % 60 === 0 ? `${s / 60} minute${s === 60 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`;
}
