import { d as createNodeHandler } from './core.js';
export { T as TokenRefreshError, c as configFromEnv, a as createLogger, b as createMediaBridgeProxy, o as oauthToken, s as silentLogger, e as staticToken, v as validateBody } from './core.js';
export { M as MemoryOutbox } from './outbox.js';

const NOT_FOUND = {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: '{"error":"not found"}',
};
/** Wraps a proxy as a Fetch-API handler. Paths that are not the proxy's get 404. */
function createFetchHandler(proxy, options = {}) {
    return async (request) => {
        const url = new URL(request.url);
        const reply = (await proxy.handle({
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
async function readLimited(request, limit) {
    const declared = Number(request.headers.get('content-length'));
    if (declared > limit)
        return null;
    if (!request.body)
        return '';
    const reader = request.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        size += value.byteLength;
        if (size > limit) {
            await reader.cancel().catch(() => { });
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

function mediaBridgeMiddleware(proxy) {
    const handler = createNodeHandler(proxy);
    return (req, res, next) => handler(req, res, next);
}

export { createFetchHandler, createNodeHandler, mediaBridgeMiddleware };
