/**
 * The end-to-end fixture server: one plain node:http server, started in-process by the
 * Playwright worker fixture and by the Firefox suite.
 *
 * - `GET /page?...` renders a test page from query-string knobs (see `PageKnobs`).
 * - `GET /dist/*`, `/node_modules/<package>/*`, `/media/*` serve the builds, js-cookie (for
 *   the ES module build's import map), the host pages' own libraries, the web-component
 *   players of PLAYER_PACKAGES (web-components.ts) and the sample media, with HTTP Range so
 *   media seek; `/page-hazards/<n>.js`, the page script of a hazard that e2e/page-hazards.ts
 *   reproduces.
 * - `/media-events` goes to a pluggable handler, by default the real proxy (src/proxy) running
 *   dry. Each request it accepts (2xx) is tapped into the beacon log that tests read and
 *   await; the proxy drops duplicate event ids but still answers them with success, so a
 *   test of "exactly once" asks the proxy what it stored (`proxy.recent()`).
 *
 * The same routes also answer on a second port, a second origin, for cross-origin tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBelow, sendFile } from '../scripts/static-files.mjs';
import { createMediaBridgeProxy, createNodeHandler, silentLogger, type MediaBridgeProxy } from '../src/proxy/index.js';
import type { WireBody, WireEvent } from '../src/wire.js';
import { pageScript } from './page-hazards.js';
import { renderPage } from './pages.js';
import { PLAYER_PACKAGES } from './web-components.js';

/** A node:http request listener for `/media-events`. */
export type MediaEventsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** An answer given in the proxy's place (a fault), and the requests it is for. */
export interface Fault {
  /** Which requests get it (the test's own, by their URL and Referer). */
  match(url: string, referer: string): boolean;
  status: number;
  /** The Retry-After header to send, if any. */
  retryAfter?: string;
}

/** One request to /media-events, whatever its answer. */
export interface Attempt {
  method: string;
  url: string;
  referer: string;
  /** The status it was answered with (a fault's, or the proxy's). */
  status: number;
  /** The ids of the events it carried. */
  ids: string[];
}

/** One accepted beacon. */
export interface Beacon {
  method: string;
  /** Path and query it was posted to. */
  url: string;
  contentType: string | undefined;
  origin: string | undefined;
  referer: string | undefined;
  /** The parsed body (undefined if it was not JSON). */
  body: WireBody | undefined;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The same routes on another port: another origin. */
  otherOrigin: string;
  /** The real proxy behind /media-events, unless the server was given another handler. */
  proxy: MediaBridgeProxy | undefined;
  /** Every accepted beacon, in arrival order. */
  readonly beacons: Beacon[];
  /** Method and URL of every request to /media-events, accepted or not (OPTIONS included). */
  readonly requests: { method: string; url: string }[];
  /** Every POST to /media-events once answered, accepted or not, with the ids it carried. */
  readonly attempts: Attempt[];
  /** Answers the matching requests with a fault instead of the proxy, until called with undefined. */
  fault(fault: Fault | undefined): void;
  clearBeacons(): void;
  /** Resolves with the matching beacons once there are at least `n` of them. */
  waitForBeacons(n: number, options?: WaitOptions): Promise<Beacon[]>;
  /** Resolves with the matching beacons' events once there are at least `n` of them. */
  waitForEvents(n: number, options?: WaitOptions): Promise<WireEvent[]>;
  close(): Promise<void>;
}

export interface WaitOptions {
  /** Only beacons this returns true for. */
  filter?: (beacon: Beacon) => boolean;
  /** Default 30 s: the machine is shared, so generous. */
  timeout?: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The packages pages load: js-cookie for the module build, and the host pages' own libraries (e2e/page-hazards.ts). */
const PACKAGES = ['js-cookie', 'sugar', 'es5-shim', 'es6-shim', 'core-js-bundle', 'zone.js', 'ses', '@vimeo/player', 'youtube-iframe-ctrl'];

/** Where each static prefix is served from. */
const STATIC: [prefix: string, dir: string][] = [
  ['/dist/', 'dist'],
  ...PACKAGES.map((name): [string, string] => [`/node_modules/${name}/`, `node_modules/${name}`]),
  ['/media/', 'e2e/media'],
  // The web-component players of issue 25's tests, and what they import, from their packages.
  ...PLAYER_PACKAGES.map((name): [string, string] => [`/node_modules/${name}/`, `node_modules/${name}`]),
];

/**
 * The default /media-events handler: the real proxy (src/proxy), running dry with an
 * in-memory outbox, that admits this server's two origins and limits no client.
 */
function realProxy(origins: string[]): { proxy: MediaBridgeProxy; handler: MediaEventsHandler } {
  const proxy = createMediaBridgeProxy({ allowedOrigins: origins, clientRateLimit: 0, logger: silentLogger });
  return { proxy, handler: createNodeHandler(proxy) };
}

/** A handler that takes any JSON body of the wire format and answers 202, for tests of the server itself. */
export const acceptBeacons: MediaEventsHandler = (req, res) => {
  if (req.method != 'POST') {
    res.writeHead(req.method == 'OPTIONS' ? 204 : 405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireBody;
      if (!Array.isArray(body.events)) throw new Error('no events');
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: body.events.length }));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not the wire format"}');
    }
  });
};

export async function startServer({ mediaEvents }: { mediaEvents?: MediaEventsHandler } = {}): Promise<FixtureServer> {
  const beacons: Beacon[] = [];
  const requests: { method: string; url: string }[] = [];
  const attempts: Attempt[] = [];
  let fault: Fault | undefined;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  /** Taps the body as the handler reads it, however it reads it, and logs it if accepted. */
  const tap = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const emit = req.emit;
    req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]) {
      if (event == 'data') chunks.push(Buffer.from(args[0] as Buffer));
      return emit.call(this, event, ...args);
    } as typeof req.emit;
    res.on('finish', () => {
      if (req.method != 'POST') return;
      let body: WireBody | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const ids = body && Array.isArray(body.events) ? body.events.map((e) => e.id) : [];
      attempts.push({ method: req.method, url: req.url || '', referer: req.headers.referer || '', status: res.statusCode, ids });
      if (res.statusCode < 200 || res.statusCode > 299) return notify();
      beacons.push({
        method: req.method,
        url: req.url || '',
        contentType: req.headers['content-type'],
        origin: req.headers.origin,
        referer: req.headers.referer,
        body,
      });
      notify();
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url || '/', 'http://fixture');
    if (url.pathname == '/media-events') {
      requests.push({ method: req.method || '', url: req.url || '' });
      tap(req, res);
      if (fault && req.method == 'POST' && fault.match(req.url || '', req.headers.referer || '')) {
        const { status, retryAfter } = fault;
        req.resume();
        return req.on('end', () =>
          res
            .writeHead(status, {
              'content-type': 'application/json',
              'access-control-allow-origin': req.headers.origin || '*',
              'access-control-expose-headers': 'Retry-After',
              ...(retryAfter ? { 'retry-after': retryAfter } : {}),
            })
            .end('{"error":"injected by the test"}'),
        );
      }
      return handler(req, res);
    }
    const hazard = /^\/page-hazards\/(\d+)\.js$/.exec(url.pathname);
    const script = hazard && pageScript(+hazard[1]);
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return res.end(script);
    }
    if (url.pathname == '/page') {
      // no-store keeps a page out of the back/forward cache; `cacheable` lets it in.
      const cache = url.searchParams.has('cacheable') ? 'no-cache' : 'no-store';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': cache });
      return res.end(renderPage(url.searchParams));
    }
    const hit = STATIC.find(([prefix]) => url.pathname.startsWith(prefix));
    sendFile(req, res, hit && resolveBelow(join(root, hit[1]), decodeURIComponent(url.pathname.slice(hit[0].length))));
  };

  const listen = async () => {
    const server = createServer((req, res) => {
      handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  const servers: Server[] = [await listen(), await listen()];
  const [url, otherOrigin] = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  const real = mediaEvents ? undefined : realProxy([url, otherOrigin]);
  const handler = mediaEvents ?? real!.handler;

  const matching = (filter?: (b: Beacon) => boolean) => beacons.filter((b) => !filter || filter(b));
  const waitFor = <T>(count: () => T | undefined, what: string, timeout = 30_000) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const done = count();
        if (done === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(done);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; ${beacons.length} beacons received in all`));
      }, timeout);
      waiters.add(check);
      check();
    });

  return {
    url,
    otherOrigin,
    proxy: real?.proxy,
    beacons,
    requests,
    attempts,
    fault: (f) => (fault = f),
    clearBeacons() {
      beacons.length = 0;
      requests.length = 0;
      attempts.length = 0;
    },
    waitForBeacons: (n, { filter, timeout } = {}) =>
      waitFor(() => (matching(filter).length >= n ? matching(filter) : undefined), `${n} beacons`, timeout),
    waitForEvents: (n, { filter, timeout } = {}) =>
      waitFor(
        () => {
          const events = matching(filter).flatMap((b) => (b.body ? b.body.events : []));
          return events.length >= n ? events : undefined;
        },
        `${n} events`,
        timeout,
      ),
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      ).then(() => real?.proxy.close()),
  };
}
