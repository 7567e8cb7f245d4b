/**
 * Which pages may post events, and the CORS headers they get.
 *
 * - An explicit allowlist (ALLOWED_ORIGINS) admits exactly those origins; `*` admits any.
 * - An empty list admits the same origin only: the Origin's host must equal the request's
 *   own Host (or X-Forwarded-Host behind a trusted proxy).
 * - A request without an Origin header is not from a page a browser runs (browsers send
 *   Origin on every POST, sendBeacon and fetch keepalive included): it is a server or curl,
 *   which could forge any Origin anyway, so it is let through to validation and the per-IP
 *   limit.
 *
 * The tracker posts text/plain, a CORS-safelisted type, so browsers send no preflight; the
 * preflight answer is there for callers that post application/json.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */

export interface OriginPolicy {
  /** Origins admitted, normalised; empty = same origin only. */
  readonly allowed: ReadonlySet<string>;
  readonly any: boolean;
}

/** Builds a policy; throws on an entry that is not an origin. */
export function originPolicy(origins: readonly string[] = []): OriginPolicy {
  const allowed = new Set<string>();
  let any = false;
  for (const raw of origins) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === '*') {
      any = true;
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://www.example.com`);
    }
    if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
      throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://www.example.com`);
    }
    allowed.add(url.origin);
  }
  return { allowed, any };
}

/**
 * Whether a request may post. `origin` is its Origin header, `host` its own host
 * (Host, or X-Forwarded-Host when trusted).
 */
export function originAllowed(policy: OriginPolicy, origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (policy.any) return true;
  if (policy.allowed.size > 0) return policy.allowed.has(origin) || policy.allowed.has(normalise(origin));
  return host !== undefined && sameHost(origin, host);
}

/**
 * Headers that let an admitted cross-origin page read the answer, `Retry-After` included
 * (it is not a CORS-safelisted header): the tracker waits that long before sending again.
 */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return origin === undefined
    ? { vary: 'Origin' }
    : { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' };
}

/** The preflight answer's headers. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': '86400',
  };
}

function sameHost(origin: string, host: string): boolean {
  const slash = origin.indexOf('//');
  if (slash < 0) return false;
  const originHost = origin.slice(slash + 2).toLowerCase();
  const requestHost = host.toLowerCase();
  if (originHost === requestHost) return true;
  // Default ports may be spelled on one side and not the other.
  return stripDefaultPort(originHost) === stripDefaultPort(requestHost);
}

function stripDefaultPort(host: string): string {
  return host.replace(/:(80|443)$/, '');
}

function normalise(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
