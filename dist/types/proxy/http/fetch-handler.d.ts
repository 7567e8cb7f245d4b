/**
 * The proxy as a Fetch-API handler, `(Request) => Promise<Response>`, for Cloudflare
 * Workers, Vercel, Deno and Bun.
 */
import type { MediaBridgeProxy } from '../core.js';
export interface FetchHandlerOptions {
    /**
     * The client's IP for the per-IP limit, from what the platform vouches for, e.g.
     * `(req) => req.headers.get('cf-connecting-ip') ?? undefined` on Cloudflare. Without it,
     * only a trusted X-Forwarded-For (the proxy's `trustProxy`) gives the limit an IP.
     */
    clientIp?: (request: Request) => string | undefined;
}
/** Wraps a proxy as a Fetch-API handler. Paths that are not the proxy's get 404. */
export declare function createFetchHandler(proxy: MediaBridgeProxy, options?: FetchHandlerOptions): (request: Request) => Promise<Response>;
