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
export declare function originPolicy(origins?: readonly string[]): OriginPolicy;
/**
 * Whether a request may post. `origin` is its Origin header, `host` its own host
 * (Host, or X-Forwarded-Host when trusted).
 */
export declare function originAllowed(policy: OriginPolicy, origin: string | undefined, host: string | undefined): boolean;
/**
 * Headers that let an admitted cross-origin page read the answer, `Retry-After` included
 * (it is not a CORS-safelisted header): the tracker waits that long before sending again.
 */
export declare function corsHeaders(origin: string | undefined): Record<string, string>;
/** The preflight answer's headers. */
export declare function preflightHeaders(origin: string): Record<string, string>;
