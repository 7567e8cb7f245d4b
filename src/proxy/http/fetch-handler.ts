/**
 * The proxy as a Fetch-API handler, `(Request) => Promise<Response>`, for Cloudflare
 * Workers, Vercel, Deno and Bun.
 */
import type { MediaBridgeProxy, ProxyReply } from '../core.js';

export interface FetchHandlerOptions {
  /**
   * The client's IP for the per-IP limit, from what the platform vouches for, e.g.
   * `(req) => req.headers.get('cf-connecting-ip') ?? undefined` on Cloudflare. Without it,
   * only a trusted X-Forwarded-For (the proxy's `trustProxy`) gives the limit an IP.
   */
  clientIp?: (request: Request) => string | undefined;
}

const NOT_FOUND: ProxyReply = {
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: '{"error":"not found"}',
};

/** Wraps a proxy as a Fetch-API handler. Paths that are not the proxy's get 404. */
export function createFetchHandler(proxy: MediaBridgeProxy, options: FetchHandlerOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const reply =
      (await proxy.handle({
        method: request.method,
        path: url.pathname,
        header: (name) => request.headers.get(name) ?? (name === 'host' ? url.host : undefined),
        peer: options.clientIp?.(request),
        readBody: (limit) => readLimited(request, limit),
      })) ?? NOT_FOUND;
    const empty = reply.status === 204 || request.method === 'HEAD';
    return new Response(empty ? null : reply.body, { status: reply.status, headers: reply.headers });
  };
}

/** Reads the body as UTF-8, giving up (null) as soon as it passes `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
