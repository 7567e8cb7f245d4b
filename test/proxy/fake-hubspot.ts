/**
 * A fake HubSpot for the proxy's tests: a small node:http server that records every request
 * (path, headers, body, when it came, how it was answered) and answers by rule or by ratio:
 * 2xx, 429 with either policy, 500, slowly, or by resetting the connection.
 *
 * It serves the media-objects API too (a paged listing per media type, creation, a 403 for
 * chosen media, and injected faults by rule).
 *
 * With `rollingLimit`, it counts HubSpot's rolling window as HubSpot does, by arrival and
 * across endpoints: an event or media-object request that finds `rollingLimit` others in the
 * last 10 s is answered 429 TEN_SECONDLY_ROLLING.
 *
 * It also serves the OAuth token endpoint (POST /oauth/v3/token), issuing access tokens
 * `access-1`, `access-2`, … for the configured refresh token (rotating it if told to) and for
 * an install's authorization code checked against its PKCE challenge, and refuses event
 * requests whose bearer token it did not issue (or was not told to accept).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers one event request. */
export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: true; delayMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body, when it parsed. */
  json?: Record<string, unknown>;
  receivedAt: number;
  /** The status sent, or 'reset'; undefined while the answer is pending. */
  answer?: number | 'reset';
  answeredAt?: number;
}

export interface Ratios {
  /** Share of event requests answered 429 TEN_SECONDLY_ROLLING. */
  rolling429?: number;
  /** Share answered 429 DAILY. */
  daily429?: number;
  /** Share answered 500. */
  error500?: number;
  /** Share answered by resetting the connection. */
  reset?: number;
  /** Share answered slowly, and how slowly. */
  slow?: { ratio: number; ms: number };
}

export interface FakeHubSpotOptions {
  ratios?: Ratios;
  /** Decides an answer before the ratios do; return undefined to fall through. */
  rule?: (req: RecordedRequest, index: number) => Answer | undefined;
  /** Bearer tokens accepted on event requests, besides the ones it issued. */
  acceptTokens?: string[];
  /**
   * OAuth: the refresh token the token endpoint accepts, and the lifetime of what it issues.
   * With `rotate`, each refresh answers a new refresh token (`rotated-1`, …) and the one
   * presented is spent.
   */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string; expiresIn?: number; rotate?: boolean };
  /** Seed of the ratio dice, for runs that repeat. */
  seed?: number;
  /** The media-objects API (`/media-bridge/2026-09/objects`): the portal's objects at start, and its faults. */
  objects?: FakeObjectsOptions;
  /** Requests (events and media objects) allowed in any rolling window, by arrival; more are answered 429. Default: no limit. */
  rollingLimit?: number;
  /** The rolling window, ms. Default 10,000. */
  windowMs?: number;
}

/** A media object as the fake portal holds it (HubSpot's MediaBridgeObject). */
export interface FakeObject {
  id: string;
  mediaType: string;
  title: string;
  externalId?: string;
  fileUrl?: string;
  detailsPageLink?: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeObjectsOptions {
  /** Objects the portal has before the test; ids are given in order from 5001 unless set. */
  existing?: Array<Partial<FakeObject> & { mediaType: string }>;
  /** The most objects one listing page holds, whatever `limit` asks. Default 100. */
  maxPageSize?: number;
  /** External ids whose creation is refused with 403 (a missing `files` scope). */
  forbidden?: string[];
  /** Decides an object request's answer before the fake does; return undefined to fall through. */
  rule?: (req: RecordedRequest) => Answer | undefined;
}

export interface FakeHubSpot {
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Event requests only (POST /media-bridge/v1/events/…). */
  eventRequests(): RecordedRequest[];
  /** Event requests answered 2xx: what HubSpot took. */
  delivered(): RecordedRequest[];
  /** Media-object requests (listings and creations), in arrival order. */
  objectRequests(): RecordedRequest[];
  /** The portal's media objects now, existing and created. */
  objects: FakeObject[];
  setObjectRule(rule: FakeObjectsOptions['rule']): void;
  /** Access tokens issued by the token endpoint. */
  issued: string[];
  /** The refresh tokens presented to the token endpoint, in order. */
  refreshGrants: string[];
  /**
   * Lets the token endpoint take one authorization code: for `code` sent with `redirectUri`
   * and a `code_verifier` whose S256 challenge is `codeChallenge`, it issues `refreshToken`.
   */
  allowInstall(install: { code: string; codeChallenge: string; redirectUri: string; refreshToken: string; hubId?: number; scopes?: string[] }): void;
  setRule(rule: FakeHubSpotOptions['rule']): void;
  setRatios(ratios: Ratios): void;
  /** Event and object requests answered 429 because the rolling window was full. */
  overLimit(): RecordedRequest[];
  /** Resolves when `check()` holds, polling; rejects after `timeoutMs`. */
  waitFor(check: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const EVENT_PATH = /^\/media-bridge\/v1\/events\/(media-played|media-played-percent|attention-span)$/;
const OBJECTS_PATH = /^\/media-bridge\/2026-09\/objects(?:\/([^/]+))?$/;
const MEDIA_TYPES = ['AUDIO', 'DOCUMENT', 'IMAGE', 'OTHER', 'VIDEO'];
const OBJECT_FIELDS = ['mediaType', 'title', 'externalId', 'fileUrl', 'detailsPageLink', 'posterUrl', 'thumbnailUrl', 'duration', 'oembedUrl'];

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFakeHubSpot(options: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  const refreshGrants: string[] = [];
  let liveRefresh = options.oauth?.refreshToken;
  const stamp = new Date().toISOString();
  const objects: FakeObject[] = (options.objects?.existing ?? []).map((o, i) => ({ id: String(5001 + i), title: `object ${i}`, createdAt: stamp, updatedAt: stamp, ...o }));
  let objectRule = options.objects?.rule;
  let install: Parameters<FakeHubSpot['allowInstall']>[0] | undefined;
  const accepted = new Set(options.acceptTokens ?? []);
  let rule = options.rule;
  let ratios = options.ratios ?? {};
  const random = seeded(options.seed ?? 1);
  let eventIndex = 0;
  const windowMs = options.windowMs ?? 10_000;
  /** Arrival times of event and object requests in the current window, oldest first. */
  const arrivals: number[] = [];
  const overLimit: RecordedRequest[] = [];

  /** With `rollingLimit`: true when `rec` finds the window full (it is then answered 429). */
  function overRollingLimit(rec: RecordedRequest): boolean {
    if (options.rollingLimit === undefined) return false;
    while (arrivals.length && rec.receivedAt - arrivals[0] >= windowMs) arrivals.shift();
    arrivals.push(rec.receivedAt);
    if (arrivals.length <= options.rollingLimit) return false;
    overLimit.push(rec);
    return true;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = new URL(req.url ?? '/', 'http://fake.test');
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: target.pathname,
        query: target.searchParams,
        headers: req.headers,
        body,
        receivedAt: Date.now(),
      };
      try {
        rec.json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        /* not JSON (the token endpoint is form-encoded) */
      }
      requests.push(rec);
      const answer = decide(rec);
      const send = () => {
        if ('reset' in answer) {
          rec.answer = 'reset';
          rec.answeredAt = Date.now();
          req.socket.resetAndDestroy();
          return;
        }
        rec.answer = answer.status;
        rec.answeredAt = Date.now();
        const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(text);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });

  function decide(rec: RecordedRequest): Answer {
    if (rec.method === 'POST' && rec.path === '/oauth/v3/token') return tokenAnswer(rec);
    if (OBJECTS_PATH.test(rec.path)) return objectsAnswer(rec);
    const match = EVENT_PATH.exec(rec.path);
    if (rec.method !== 'POST' || !match) return { status: 404, body: { status: 'error', message: 'not found' } };
    const index = eventIndex++;
    if (overRollingLimit(rec)) return tooMany('TEN_SECONDLY_ROLLING', `c-${index}`);
    const refused = unauthenticated(rec, `c-${index}`);
    if (refused) return refused;
    const ruled = rule?.(rec, index);
    if (ruled) return ruled;
    let dice = random();
    const take = (share = 0) => {
      if (dice < share) return true;
      dice -= share;
      return false;
    };
    if (take(ratios.rolling429)) return tooMany('TEN_SECONDLY_ROLLING', `c-${index}`);
    if (take(ratios.daily429)) return tooMany('DAILY', `c-${index}`);
    if (take(ratios.error500)) return { status: 500, body: { status: 'error', message: 'internal error', correlationId: `c-${index}` } };
    if (take(ratios.reset)) return { reset: true };
    const delayMs = ratios.slow && random() < ratios.slow.ratio ? ratios.slow.ms : 0;
    return { status: 200, body: { ...(rec.json ?? {}), portalId: 1 }, delayMs };
  }

  function unauthenticated(rec: RecordedRequest, correlationId: string): Answer | undefined {
    const auth = String(rec.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (accepted.has(token) || issued.includes(token)) return undefined;
    return { status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'bad token', correlationId } };
  }

  /** GET /media-bridge/2026-09/objects/{mediaType}?limit&after, and POST /media-bridge/2026-09/objects. */
  function objectsAnswer(rec: RecordedRequest): Answer {
    const correlationId = `o-${requests.length}`;
    if (overRollingLimit(rec)) return tooMany('TEN_SECONDLY_ROLLING', correlationId);
    const refused = unauthenticated(rec, correlationId);
    if (refused) return refused;
    const ruled = objectRule?.(rec);
    if (ruled) return ruled;
    const invalid = (message: string): Answer => ({ status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message, correlationId } });
    const mediaType = OBJECTS_PATH.exec(rec.path)![1];
    if (rec.method === 'GET' && mediaType) {
      if (!MEDIA_TYPES.includes(mediaType)) return invalid(`unknown media type ${mediaType}`);
      const limit = Number(rec.query.get('limit') ?? 20);
      if (!Number.isInteger(limit) || limit < 1) return invalid('limit must be a positive integer');
      const size = Math.min(limit, options.objects?.maxPageSize ?? 100);
      const ofType = objects.filter((o) => o.mediaType === mediaType);
      const start = rec.query.has('after') ? Number(Buffer.from(rec.query.get('after')!, 'base64url').toString()) : 0;
      if (!Number.isInteger(start) || start < 0) return invalid('after is not a cursor of this listing');
      const results = ofType.slice(start, start + size);
      const next = start + size < ofType.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
      return { status: 200, body: next ? { results, paging: { next: { after: next, link: `?after=${next}` } } } : { results } };
    }
    if (rec.method !== 'POST' || mediaType) return { status: 405, body: { status: 'error', message: 'method not allowed', correlationId } };
    const body = rec.json;
    if (!body) return invalid('the body must be a JSON object');
    const unknown = Object.keys(body).filter((k) => !OBJECT_FIELDS.includes(k));
    if (unknown.length) return invalid(`unknown fields: ${unknown.join(', ')}`);
    if (typeof body.mediaType !== 'string' || !MEDIA_TYPES.includes(body.mediaType)) return invalid('mediaType is required');
    if (typeof body.title !== 'string' || !body.title.trim()) return invalid('title is required');
    if (options.objects?.forbidden?.includes(String(body.externalId))) {
      return {
        status: 403,
        body: { status: 'error', category: 'MISSING_SCOPES', message: 'This app hasn\'t been granted all required scopes to make this call.', correlationId, errors: [{ message: 'One or more of the following scopes are required.', context: { missingScopes: ['files'] } }] },
      };
    }
    const now = new Date().toISOString();
    const created: FakeObject = { id: String(9001 + objects.length), createdAt: now, updatedAt: now, ...(body as Omit<FakeObject, 'id' | 'createdAt' | 'updatedAt'>) };
    objects.push(created);
    return { status: 200, body: created };
  }

  function tokenAnswer(rec: RecordedRequest): Answer {
    const form = new URLSearchParams(rec.body);
    const o = options.oauth;
    if (form.get('grant_type') === 'authorization_code') return installAnswer(form);
    if (form.get('grant_type') === 'refresh_token') refreshGrants.push(form.get('refresh_token') ?? '');
    if (
      !o ||
      form.get('grant_type') !== 'refresh_token' ||
      form.get('client_id') !== o.clientId ||
      form.get('client_secret') !== o.clientSecret ||
      form.get('refresh_token') !== liveRefresh
    ) {
      return { status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid' } };
    }
    if (o.rotate) liveRefresh = `rotated-${refreshGrants.length}`;
    const token = `access-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { token_type: 'bearer', access_token: token, refresh_token: liveRefresh, expires_in: o.expiresIn ?? 1800 } };
  }

  function installAnswer(form: URLSearchParams): Answer {
    const o = options.oauth;
    const verifier = form.get('code_verifier') ?? '';
    const refused = (message: string): Answer => ({ status: 400, body: { status: 'BAD_AUTH_CODE', message, correlationId: 'c-install' } });
    if (!install || !o) return refused('no install is expected');
    if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret) return refused('bad client credentials');
    if (form.get('code') !== install.code) return refused('missing or unknown auth code');
    if (form.get('redirect_uri') !== install.redirectUri) return refused('redirect_uri does not match');
    if (createHash('sha256').update(verifier).digest('base64url') !== install.codeChallenge) return refused('code_verifier does not match the challenge');
    const done = install;
    install = undefined; // a code is good once
    liveRefresh = done.refreshToken;
    const token = `access-${issued.length + 1}`;
    issued.push(token);
    return {
      status: 200,
      body: { token_type: 'bearer', token_use: 'access_token', access_token: token, refresh_token: done.refreshToken, expires_in: o.expiresIn ?? 1800, hub_id: done.hubId ?? 1234, scopes: done.scopes ?? ['media_bridge.write'] },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const isEvent = (r: RecordedRequest) => r.method === 'POST' && EVENT_PATH.test(r.path);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issued,
    refreshGrants,
    allowInstall(next) {
      install = next;
    },
    eventRequests: () => requests.filter(isEvent),
    objectRequests: () => requests.filter((r) => OBJECTS_PATH.test(r.path)),
    objects,
    setObjectRule(next) {
      objectRule = next;
    },
    delivered: () => requests.filter((r) => isEvent(r) && typeof r.answer === 'number' && r.answer >= 200 && r.answer < 300),
    setRule(next) {
      rule = next;
    },
    setRatios(next) {
      ratios = next;
    },
    overLimit: () => overLimit,
    waitFor: (check, timeoutMs = 20_000, what = 'condition') => waitFor(check, timeoutMs, what),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tooMany(policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY', correlationId: string): Answer {
  return {
    status: 429,
    body: { status: 'error', message: `You have reached your ${policyName} limit.`, errorType: 'RATE_LIMIT', correlationId, policyName },
  };
}

/** Polls `check` every 20 ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The most requests that fall in any window of `windowMs`, by arrival time. */
export function maxInWindow(times: number[], windowMs = 10_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
