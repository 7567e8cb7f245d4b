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
export declare function createNodeHandler(proxy: MediaBridgeProxy): NodeHandler;
