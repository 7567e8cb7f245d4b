/**
 * A fake HubSpot for the proxy's tests: a small node:http server that records every request
 * (path, headers, body, when it came, how it was answered) and answers by rule or by ratio:
 * 2xx, 429 with either policy, 500, slowly, or by resetting the connection.
 *
 * With `rollingLimit`, it counts HubSpot's rolling window as HubSpot does, by arrival: an
 * event request that finds `rollingLimit` others in the last 10 s is answered 429
 * TEN_SECONDLY_ROLLING.
 *
 * It also serves the OAuth token endpoint (POST /oauth/v3/token), issuing access tokens
 * `access-1`, `access-2`, … for the configured refresh token, and refuses event requests
 * whose bearer token it did not issue (or was not told to accept).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers one event request. */
export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: true; delayMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
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
  /** OAuth: the refresh token the token endpoint accepts, and the lifetime of what it issues. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string; expiresIn?: number };
  /** Seed of the ratio dice, for runs that repeat. */
  seed?: number;
  /** Event requests allowed in any rolling window, by arrival; more are answered 429. Default: no limit. */
  rollingLimit?: number;
  /** The rolling window, ms. Default 10,000. */
  windowMs?: number;
}

export interface FakeHubSpot {
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Event requests only (POST /media-bridge/v1/events/…). */
  eventRequests(): RecordedRequest[];
  /** Event requests answered 2xx: what HubSpot took. */
  delivered(): RecordedRequest[];
  /** Access tokens issued by the token endpoint. */
  issued: string[];
  setRule(rule: FakeHubSpotOptions['rule']): void;
  setRatios(ratios: Ratios): void;
  /** Event requests answered 429 because the rolling window was full. */
  overLimit(): RecordedRequest[];
  /** Resolves when `check()` holds, polling; rejects after `timeoutMs`. */
  waitFor(check: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const EVENT_PATH = /^\/media-bridge\/v1\/events\/(media-played|media-played-percent|attention-span)$/;

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
  const accepted = new Set(options.acceptTokens ?? []);
  let rule = options.rule;
  let ratios = options.ratios ?? {};
  const random = seeded(options.seed ?? 1);
  let eventIndex = 0;
  const windowMs = options.windowMs ?? 10_000;
  /** Arrival times of event requests in the current window, oldest first. */
  const arrivals: number[] = [];
  const overLimit: RecordedRequest[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0],
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
    const match = EVENT_PATH.exec(rec.path);
    if (rec.method !== 'POST' || !match) return { status: 404, body: { status: 'error', message: 'not found' } };
    const index = eventIndex++;
    if (options.rollingLimit !== undefined) {
      while (arrivals.length && rec.receivedAt - arrivals[0] >= windowMs) arrivals.shift();
      arrivals.push(rec.receivedAt);
      if (arrivals.length > options.rollingLimit) {
        overLimit.push(rec);
        return tooMany('TEN_SECONDLY_ROLLING', index);
      }
    }
    const auth = String(rec.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!accepted.has(token) && !issued.includes(token)) {
      return { status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'bad token', correlationId: `c-${index}` } };
    }
    const ruled = rule?.(rec, index);
    if (ruled) return ruled;
    let dice = random();
    const take = (share = 0) => {
      if (dice < share) return true;
      dice -= share;
      return false;
    };
    if (take(ratios.rolling429)) return tooMany('TEN_SECONDLY_ROLLING', index);
    if (take(ratios.daily429)) return tooMany('DAILY', index);
    if (take(ratios.error500)) return { status: 500, body: { status: 'error', message: 'internal error', correlationId: `c-${index}` } };
    if (take(ratios.reset)) return { reset: true };
    const delayMs = ratios.slow && random() < ratios.slow.ratio ? ratios.slow.ms : 0;
    return { status: 200, body: { ...(rec.json ?? {}), portalId: 1 }, delayMs };
  }

  function tokenAnswer(rec: RecordedRequest): Answer {
    const form = new URLSearchParams(rec.body);
    const o = options.oauth;
    if (
      !o ||
      form.get('grant_type') !== 'refresh_token' ||
      form.get('client_id') !== o.clientId ||
      form.get('client_secret') !== o.clientSecret ||
      form.get('refresh_token') !== o.refreshToken
    ) {
      return { status: 400, body: { status: 'BAD_REFRESH_TOKEN', message: 'refresh token is invalid' } };
    }
    const token = `access-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { token_type: 'bearer', access_token: token, refresh_token: o.refreshToken, expires_in: o.expiresIn ?? 1800 } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const isEvent = (r: RecordedRequest) => r.method === 'POST' && EVENT_PATH.test(r.path);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issued,
    eventRequests: () => requests.filter(isEvent),
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

function tooMany(policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY', index: number): Answer {
  return {
    status: 429,
    body: { status: 'error', message: `You have reached your ${policyName} limit.`, errorType: 'RATE_LIMIT', correlationId: `c-${index}`, policyName },
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
