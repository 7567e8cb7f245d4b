/**
 * Express (and Connect) middleware: `app.use(mediaBridgeMiddleware(proxy))`.
 *
 * It answers the proxy's routes (relative to where it is mounted) and passes everything
 * else on. It reads the raw body itself; if a body parser ran first, it takes `req.body`
 * (a string, a Buffer, or parsed JSON, which is serialised again and checked the same way).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaBridgeProxy } from '../core.js';
import { createNodeHandler } from './node-adapter.js';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export function mediaBridgeMiddleware(proxy: MediaBridgeProxy): Middleware {
  const handler = createNodeHandler(proxy);
  return (req, res, next) => handler(req, res, next);
}
