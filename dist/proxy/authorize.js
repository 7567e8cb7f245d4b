import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { p as postTokenForm, t as tokenUrl, s as scrub, h as httpBase } from './core.js';
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';

/**
 * The command line of `media-bridge-proxy authorize`, parsed without side effects. A bad
 * argument throws a UsageError whose message says what to change.
 */
const DEFAULT_PORT = 3035;
/** How long the command waits for HubSpot's redirect. */
const DEFAULT_TIMEOUT_SECONDS = 600;
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
const AUTHORIZE_USAGE = `Usage: media-bridge-proxy authorize [options]

Runs HubSpot's OAuth install flow for your own app and prints the refresh token the proxy
needs. Reads HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET from the environment.

Options:
  --port <n>          port of the redirect listener on 127.0.0.1 (default ${DEFAULT_PORT});
                      register http://localhost:<n>/oauth-callback in the app's settings
  --media-objects     also request files and media_bridge.read, for HUBSPOT_MEDIA_OBJECTS=create
  --save <file>       write the environment lines to <file> (created with mode 0600, never
                      overwritten) instead of printing the refresh token
  --timeout <s>       give up after this many seconds without a redirect (default ${DEFAULT_TIMEOUT_SECONDS})
  -h, --help          this text

Environment:
  HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET   the app's credentials (required)
  HUBSPOT_APP_BASE    where the authorize page is (default https://app.hubspot.com)
  HUBSPOT_API_BASE    where the token endpoint is (default https://api.hubapi.com)
`;
function parseAuthorizeArgs(argv) {
    const args = { port: DEFAULT_PORT, mediaObjects: false, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, help: false };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = splitFlag(argv[i]);
        const takeValue = () => {
            if (inline !== undefined)
                return inline;
            const next = argv[i + 1];
            if (next === undefined || next.startsWith('--'))
                throw new UsageError(`${flag} needs a value`);
            i++;
            return next;
        };
        switch (flag) {
            case '-h':
            case '--help':
                args.help = true;
                break;
            case '--media-objects':
                if (inline !== undefined)
                    throw new UsageError('--media-objects takes no value');
                args.mediaObjects = true;
                break;
            case '--port':
                args.port = integer(flag, takeValue(), 0, 65535);
                break;
            case '--timeout':
                args.timeoutSeconds = integer(flag, takeValue(), 1, 24 * 3600);
                break;
            case '--save': {
                const file = takeValue();
                if (!file.trim())
                    throw new UsageError('--save needs a file name');
                args.save = file;
                break;
            }
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}; see media-bridge-proxy authorize --help`);
        }
    }
    return args;
}
function splitFlag(arg) {
    const eq = arg.indexOf('=');
    return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
function integer(flag, raw, min, max) {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
        throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
    return n;
}

/**
 * The URLs of HubSpot's install flow.
 *
 * - The redirect URL is on `localhost`: HubSpot refuses IP addresses in redirect URLs, and
 *   allows plain http only for localhost. The command listens on 127.0.0.1, where a browser
 *   on the same machine reaches `localhost`.
 * - The authorize URL carries client_id, scope (space-separated), redirect_uri, state and
 *   the PKCE challenge.
 *   https://developers.hubspot.com/docs/apps/legacy-apps/authentication/working-with-oauth
 */
const DEFAULT_APP_BASE = 'https://app.hubspot.com';
const CALLBACK_PATH = '/oauth-callback';
/**
 * The scopes to request. Events need `media_bridge.write`. Keeping media objects needs
 * `files` and `media_bridge.write` to create them, and `media_bridge.read` to list them
 * (HubSpot's 2026-09 Media Bridge spec, `GET /media-bridge/2026-09/objects/{mediaType}`).
 */
function scopesFor(mediaObjects) {
    return mediaObjects ? ['media_bridge.write', 'media_bridge.read', 'files'] : ['media_bridge.write'];
}
/** The redirect URL to register in the app's settings. */
function redirectUrl(port) {
    return `http://localhost:${port}${CALLBACK_PATH}`;
}
/** `{appBase}/oauth/authorize?client_id=…&scope=…&redirect_uri=…&state=…&code_challenge=…&code_challenge_method=S256` */
function authorizeUrl(p) {
    const url = new URL('/oauth/authorize', p.appBase);
    url.search = new URLSearchParams({
        client_id: p.clientId,
        scope: p.scopes.join(' '),
        redirect_uri: p.redirectUri,
        state: p.state,
        code_challenge: p.codeChallenge,
        code_challenge_method: 'S256',
    }).toString();
    // URLSearchParams writes spaces as "+"; HubSpot documents the scope list with %20.
    return url.href.replace(/\+/g, '%20');
}

/**
 * PKCE for the install flow (RFC 7636): a random `code_verifier` kept by the command, and
 * its S256 `code_challenge` sent in the authorize URL. HubSpot's `POST /oauth/v3/token`
 * takes the verifier with the code, so a code caught on its way back is useless alone.
 * https://www.rfc-editor.org/rfc/rfc7636#section-4
 */
/** 32 random bytes, base64url: 43 characters, inside RFC 7636's 43 to 128 of [A-Za-z0-9-._~]. */
function newVerifier(bytes = randomBytes(32)) {
    return Buffer.from(bytes).toString('base64url');
}
/** BASE64URL(SHA256(verifier)), without padding: the S256 method. */
function challengeOf(verifier) {
    return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
/** A fresh `state`, to tie the redirect to this run of the command. */
function newState(bytes = randomBytes(24)) {
    return Buffer.from(bytes).toString('base64url');
}
/** Compares a received `state` with ours in constant time. */
function sameState(received, expected) {
    if (typeof received !== 'string')
        return false;
    const a = Buffer.from(received);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * What one request to the redirect listener means, decided from its method, path and query
 * alone. HubSpot redirects with `?code=…&state=…` when the user installs the app, and with
 * `?error=…&error_description=…` when they do not.
 */
/** Reads a request to the listener; `target` is the request line's path and query. */
function readCallback(method, target, expectedState) {
    let url;
    try {
        // Appended, not resolved: a target like "//host/path" stays a path.
        url = new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`);
    }
    catch {
        return { kind: 'ignore' };
    }
    if (method !== 'GET' || url.pathname !== CALLBACK_PATH)
        return { kind: 'ignore' };
    const q = url.searchParams;
    const state = q.get('state');
    const error = q.get('error');
    // A code counts only with our state. An error report may come without one (HubSpot's
    // docs show none), but not with someone else's.
    if (error && (state === null || sameState(state, expectedState))) {
        const description = q.get('error_description') ?? undefined;
        return description ? { kind: 'denied', error: printable(error), description: printable(description) } : { kind: 'denied', error: printable(error) };
    }
    if (!sameState(state, expectedState))
        return { kind: 'bad-state' };
    const code = q.get('code');
    return code ? { kind: 'code', code } : { kind: 'no-code' };
}
/** HubSpot's error text, safe to print on one line. */
function printable(text) {
    return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
}

/** Thrown with a message fit to print: HubSpot's status and its own words, never a secret. */
class ExchangeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ExchangeError';
    }
}
async function exchangeCode(req) {
    const form = {
        grant_type: 'authorization_code',
        client_id: req.clientId,
        client_secret: req.clientSecret,
        redirect_uri: req.redirectUri,
        code: req.code,
        code_verifier: req.codeVerifier,
    };
    let answer;
    try {
        answer = await postTokenForm(tokenUrl(req.apiBase), form, req.fetch, req.timeoutMs);
    }
    catch {
        throw new ExchangeError(`the token endpoint ${tokenUrl(req.apiBase)} could not be reached`);
    }
    const json = answer.json ?? {};
    if (!answer.ok) {
        const words = [json.status, json.category, json.message].filter((w) => typeof w === 'string' && w !== '');
        const said = words.length ? `: ${words.join(', ').replace(/[\u0000-\u001f]+/g, ' ').slice(0, 300)}` : '';
        throw new ExchangeError(`HubSpot refused the code exchange (${answer.status}${said})`);
    }
    const refreshToken = json.refresh_token;
    if (typeof refreshToken !== 'string' || !refreshToken)
        throw new ExchangeError('HubSpot answered the code exchange without a refresh token');
    const out = { refreshToken };
    const hubId = Number(json.hub_id);
    if (Number.isSafeInteger(hubId) && hubId > 0)
        out.hubId = hubId;
    if (Array.isArray(json.scopes))
        out.scopes = json.scopes.filter((s) => typeof s === 'string');
    return out;
}

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
const LISTEN_HOST = '127.0.0.1';
/** Runs the command; resolves with its exit code. */
async function runAuthorize(argv, env, io) {
    let args;
    let settings;
    try {
        args = parseAuthorizeArgs(argv);
        if (args.help) {
            io.out(AUTHORIZE_USAGE);
            return 0;
        }
        settings = readSettings(env);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        io.err(`media-bridge-proxy authorize: ${error.message}\n`);
        return 2;
    }
    const secrets = [settings.clientSecret];
    const fail = (message) => {
        io.err(`\nFailed: ${scrub(message, secrets)}\n`);
        return 1;
    };
    const verifier = newVerifier();
    const state = newState();
    let settle;
    const redirected = new Promise((resolve) => (settle = resolve));
    let handled = false;
    const server = createServer((req, res) => {
        const callback = readCallback(req.method ?? '', req.url ?? '/', state);
        if (callback.kind === 'ignore')
            return void page(res, 404, 'Not found.');
        if (handled)
            return void page(res, 409, 'This run already took its redirect; the terminal says how it ended.');
        handled = true;
        settle({ ...callback, answer: res });
    });
    try {
        await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(args.port, LISTEN_HOST, () => resolve());
        });
    }
    catch (error) {
        const code = error.code;
        return fail(code === 'EADDRINUSE' ? `port ${args.port} on ${LISTEN_HOST} is in use; pick another with --port (and register that redirect URL)` : `cannot listen on ${LISTEN_HOST}:${args.port}: ${error.message}`);
    }
    const port = server.address().port;
    const redirectUri = redirectUrl(port);
    const scopes = scopesFor(args.mediaObjects);
    const url = authorizeUrl({ appBase: settings.appBase, clientId: settings.clientId, scopes, redirectUri, state, codeChallenge: challengeOf(verifier) });
    io.err([
        '1. In your HubSpot app\'s Auth settings, add this redirect URL:',
        `     ${redirectUri}`,
        `   and give the app exactly these scopes: ${scopes.join(', ')}`,
        '2. Open this URL in a browser signed in to HubSpot, and install the app in your portal:',
        `     ${url}`,
        `Waiting for HubSpot to redirect back (at most ${describeSeconds(args.timeoutSeconds)}; Ctrl-C stops)...`,
        '',
    ].join('\n'));
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), args.timeoutSeconds * 1000)));
    try {
        const first = await Promise.race([redirected, timedOut]);
        if (first === 'timeout')
            return fail(`no redirect came within ${describeSeconds(args.timeoutSeconds)}; run the command again`);
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
        let installed;
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
        }
        catch (error) {
            await page(answer, 502, 'HubSpot did not complete the install; the terminal says why.');
            return fail(error.message);
        }
        secrets.push(installed.refreshToken);
        const lines = envLines(settings, installed, args.mediaObjects);
        if (args.save) {
            try {
                // 'wx': created here, so mode 0600 applies, and an existing file is never replaced.
                writeFileSync(args.save, `# media-bridge-proxy authorize, ${new Date().toISOString()}\n${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
            }
            catch (error) {
                await page(answer, 500, 'The app is installed, but the file could not be written; the terminal says why.');
                const code = error.code;
                return fail(code === 'EEXIST' ? `${args.save} exists; it was left alone. Run again with another --save file` : `cannot write ${args.save}: ${error.message}`);
            }
        }
        await page(answer, 200, 'The app is installed. You can close this tab and go back to the terminal.');
        const where = installed.hubId ? ` in portal ${installed.hubId}` : '';
        const granted = installed.scopes?.length ? ` with ${installed.scopes.join(', ')}` : '';
        if (args.save) {
            io.err(`Installed${where}${granted}. The proxy's environment is in ${args.save} (mode 0600), with the refresh token.\n`);
        }
        else {
            io.err(`Installed${where}${granted}. Put these lines in the proxy's environment, next to HUBSPOT_CLIENT_SECRET (the token is shown only this once):\n\n`);
            io.out(`${lines.filter((l) => !l.startsWith('HUBSPOT_CLIENT_SECRET=')).join('\n')}\n`);
        }
        return 0;
    }
    finally {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close();
    }
}
/** The command's settings from the environment; a missing or malformed one is a UsageError. */
function readSettings(env) {
    const clientId = env.HUBSPOT_CLIENT_ID?.trim();
    const clientSecret = env.HUBSPOT_CLIENT_SECRET?.trim();
    const missing = [!clientId && 'HUBSPOT_CLIENT_ID', !clientSecret && 'HUBSPOT_CLIENT_SECRET'].filter(Boolean);
    if (missing.length)
        throw new UsageError(`set ${missing.join(' and ')} (the app's Auth settings show them)`);
    return {
        clientId: clientId,
        clientSecret: clientSecret,
        appBase: base(env, 'HUBSPOT_APP_BASE', DEFAULT_APP_BASE),
        apiBase: base(env, 'HUBSPOT_API_BASE', 'https://api.hubapi.com'),
    };
}
function base(env, name, fallback) {
    try {
        return httpBase(env, name, fallback);
    }
    catch (error) {
        throw new UsageError(error.message);
    }
}
function envLines(settings, installed, mediaObjects) {
    return [
        `HUBSPOT_CLIENT_ID=${settings.clientId}`,
        `HUBSPOT_CLIENT_SECRET=${settings.clientSecret}`,
        `HUBSPOT_REFRESH_TOKEN=${installed.refreshToken}`,
        ...(mediaObjects ? ['HUBSPOT_MEDIA_OBJECTS=create'] : []),
    ];
}
/** Answers the browser; resolves once the answer is handed to the OS, so exiting cannot cut it. */
function page(res, status, text) {
    const body = `<!doctype html><meta charset="utf-8"><title>media-bridge-proxy authorize</title><p>${text}</p>\n`;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
    return new Promise((resolve) => {
        res.once('close', resolve);
        res.end(body, () => resolve());
    });
}
function describeSeconds(s) {
    return s % 60 === 0 ? `${s / 60} minute${s === 60 ? '' : 's'}` : `${s} second${s === 1 ? '' : 's'}`;
}

export { runAuthorize as r };
