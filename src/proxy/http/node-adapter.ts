/**
 * The proxy as a node:http request listener, `(req, res, next?)`.
 *
 * It reads Node's own request object directly (no Fetch `Request` is built per call), caps
 * the body while reading it, chunked or not, and calls `next` for paths that are not the
 * proxy's when there is one (Express, Connect), or answers 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaBridgeProxy } from '../core.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Wraps a proxy as a node:http request listener (also usable as Connect/Express middleware). */
export function createNodeHandler(proxy: MediaBridgeProxy): NodeHandler {
  return (req, res, next) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    proxy
      .handle({
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        header: (name) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v.join(', ') : v;
        },
        peer: req.socket.remoteAddress,
        readBody: (limit) => readBody(req, limit),
      })
      .then(
        (reply) => {
          if (!reply) {
            if (next) return next();
            res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
            res.end('{"error":"not found"}');
            return;
          }
          // An explicit length spares the chunked framing (writeHead fixes the framing at once).
          res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
          res.end(reply.body);
        },
        (error: unknown) => {
          if (next) return next(error);
          if (res.headersSent || res.destroyed) return;
          res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
          res.end('{"error":"the request could not be read"}');
        },
      );
  };
}

/** After a 413, this much more of the body is read and thrown away, so that an ordinary
 * client finishes sending and reads the answer; past it the connection is cut. */
const DISCARD_AFTER_LIMIT = 1024 * 1024;

/**
 * The body as UTF-8, or null as soon as it passes `limit` bytes. A body some earlier
 * middleware already read (express.text(), express.json()) is taken from `req.body`.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed !== undefined && req.readableEnded) return Promise.resolve(fromParsed(parsed, limit));
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        chunks.length = 0;
        let discarded = 0;
        req.on('data', (more: Buffer) => {
          discarded += more.length;
          if (discarded > DISCARD_AFTER_LIMIT) req.socket.destroy();
        });
        req.on('error', () => {}); // a cut connection is expected here
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
    };
    // A client that goes away mid-body makes Node emit 'error' (ECONNRESET, "aborted").
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function fromParsed(body: unknown, limit: number): string | null {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
  return Buffer.byteLength(text) > limit ? null : text;
}
