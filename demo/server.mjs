// The demo: one local server for the demo page, the tracker's builds, and the proxy itself
// at /media-events on the same origin, plus a stream of server-sent events (/demo/events)
// that tells the page what the proxy received and what HubSpot answered.
//
// It uses the package's own exports from dist/, as a site would.
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configFromEnv, createMediaBridgeProxy, createNodeHandler } from '../dist/proxy/index.js';
import { SqliteOutbox } from '../dist/proxy/sqlite-outbox.js';
import { resolveBelow, sendFile } from '../scripts/static-files.mjs';

const root = new URL('..', import.meta.url).pathname;
const HEARTBEAT_MS = 15_000;

/** What the page's panel shows of an event. */
function summary(notice) {
  const e = notice.event;
  return {
    id: notice.id,
    type: notice.type,
    sessionId: notice.sessionId,
    playedPercent: e.playedPercent,
    totalPercentPlayed: e.derivedValues?.totalPercentPlayed,
    mediaName: e.mediaName ?? e.externalId,
    contactUtk: e.contactUtk ? true : false,
  };
}

/**
 * Starts the demo server.
 * @param {{ port?: number, host?: string, env?: Record<string, string | undefined>, log?: (line: string) => void }} [o]
 * @returns {Promise<{ url: string, dryRun: boolean, proxy: import('../dist/types/proxy/index.js').MediaBridgeProxy, close(): Promise<void> }>}
 */
export async function startDemoServer({ port = 8080, host = '127.0.0.1', env = process.env, log = console.log } = {}) {
  // The proxy reads the same variables as media-bridge-proxy, except PORT and HOST, which
  // place the demo server itself.
  const config = configFromEnv({ ...env, PORT: undefined, HOST: undefined });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const outbox = new SqliteOutbox(join(dataDir, 'outbox.sqlite'));
  const proxy = createMediaBridgeProxy({ ...config.proxy, outbox, logLevel: config.logLevel });
  const proxyHandler = createNodeHandler(proxy);

  const clients = new Set();
  const push = (kind, data) => {
    const frame = `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const unsubscribe = [
    proxy.on('accepted', (n) => push('accepted', { ...summary(n), at: n.acceptedAt, dryRun: proxy.dryRun })),
    proxy.on('forwarded', (n) => push('forwarded', { id: n.id, status: n.outcome.status, attempts: n.attempts })),
    proxy.on('retry', (n) => push('retry', { id: n.id, reason: n.reason, retryAt: n.retryAt })),
    proxy.on('dead', (n) => push('dead', { id: n.id, error: n.error })),
    proxy.on('rejected', (n) => push('rejected', { status: n.status, reason: n.reason, problems: n.problems })),
  ];
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  async function events(req, res) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ dryRun: proxy.dryRun })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  }

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') return sendFile(req, res, join(root, 'demo/index.html'));
    if (path === '/demo/events') return void events(req, res);
    if (path.startsWith('/demo/')) return sendFile(req, res, resolveBelow(join(root, 'demo'), path.slice(6)));
    // The script-tag build, at the path the README's snippet uses, and its embeds build beside it.
    if (path === '/js/media-bridge-tracker.min.js' || path === '/js/media-bridge-tracker.embeds.min.js')
      return sendFile(req, res, join(root, 'dist', path.slice(4)));
    if (path.startsWith('/dist/')) return sendFile(req, res, resolveBelow(join(root, 'dist'), path.slice(6)));
    if (path === '/vendor/js-cookie.mjs') return sendFile(req, res, join(root, 'node_modules/js-cookie/dist/js.cookie.mjs'));
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    // /media-events, /healthz and /metrics are the proxy's own routes.
    proxyHandler(req, res);
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  const url = `http://${host}:${server.address().port}`;
  log(`demo: ${url}  (proxy at ${url}/media-events, ${proxy.dryRun ? 'dry run: no HubSpot token set, nothing is sent' : 'forwarding to HubSpot'})`);

  return {
    url,
    dryRun: proxy.dryRun,
    proxy,
    async close() {
      unsubscribe.forEach((off) => off());
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      server.closeAllConnections();
      await new Promise((done) => server.close(() => done()));
      await proxy.close();
    },
  };
}
