/**
 * `media-bridge-proxy`: the Node server. Configuration comes from the environment (`--help`
 * lists it, from config.ts's SERVER_VARIABLES; docs/proxy.md explains it); the outbox is SQLite in MEDIA_BRIDGE_DATA_DIR, or with REDIS_URL a queue in Redis
 * that any number of instances share.
 *
 * On SIGTERM (or SIGINT) it stops accepting connections, stops starting upstream requests,
 * waits for the ones in flight, commits what is waiting, and exits 0.
 *
 * `media-bridge-proxy authorize` is HubSpot's OAuth install flow (./authorize/command.ts).
 */
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
// From the package's entries, so that the bin shares their chunks.
import { configFromEnv, createLogger, createMediaBridgeProxy, createNodeHandler, serverHelp, type Outbox, type ServerConfig } from './index.js';
import { runAuthorize } from './authorize/command.js';


// `media-bridge-proxy authorize` runs the OAuth install flow instead of the server.
const command = process.argv[2];
if (command === 'authorize') {
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
  process.exit(await runAuthorize(process.argv.slice(3), process.env, io));
}
if (command !== undefined) {
  const help = command === '--help' || command === '-h';
  (help ? process.stdout : process.stderr).write(`${help ? '' : `unknown argument ${JSON.stringify(command)}\n`}${serverHelp()}`);
  process.exit(help ? 0 : 2);
}

/** Connections still open this long after SIGTERM are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

let config: ServerConfig;
try {
  config = configFromEnv(process.env);
} catch (error) {
  createLogger().error(`configuration: ${(error as Error).message}`);
  process.exit(2);
}

// The proxy logs at LOG_LEVEL and scrubs its credentials. The server's own few lines
// (listening, stopping, stopped, fatal errors) are always written, also scrubbed.
const log = createLogger({ level: 'info', secrets: () => secretsOf(config) });
const { outbox, where } = await openOutbox(config);
const proxy = createMediaBridgeProxy({ ...config.proxy, outbox, logLevel: config.logLevel });

const server = createServer({ keepAliveTimeout: 5_000 }, createNodeHandler(proxy));
server.on('error', (error) => {
  log.error('the server failed', { error: error.message });
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const mode = proxy.dryRun
    ? 'dry run: no HubSpot token is set, so events are validated and stored but nothing is sent'
    : `forwarding to ${config.proxy.hubspot?.apiBase} at most ${config.proxy.hubspot?.rateLimit} requests per 10 s`;
  const mediaObjects = config.proxy.mediaObjects ?? 'off';
  log.info(`media-bridge-proxy listening on ${url} (${mode}; media objects: ${mediaObjects})`, { url, dryRun: proxy.dryRun, mediaObjects, outbox: where });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('stopping: no new connections, finishing requests to HubSpot in flight', { signal });
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  try {
    await proxy.close();
  } catch (error) {
    log.error('closing the proxy failed', { error: String(error) });
  }
  await closed;
  log.info('stopped', { signal });
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
process.on('uncaughtException', (error) => {
  log.error('uncaught exception', { error: error.stack ?? String(error) });
  process.exit(1);
});

/** SQLite in the data directory, or the shared queue in Redis (loaded only then). */
async function openOutbox(c: ServerConfig): Promise<{ outbox: Outbox; where: string }> {
  if (c.redis) {
    const { RedisOutbox } = await import('./redis.js');
    const timeoutMs = c.proxy.hubspot?.timeoutMs ?? 10_000;
    // The lease outlasts any one request several times over, and a stalled event loop; a
    // dead instance's events wait that long before another instance sends them.
    const outbox = new RedisOutbox({
      url: c.redis.url,
      queue: c.redis.queue,
      leaseMs: Math.max(10_000, 3 * timeoutMs),
      logger: createLogger({ level: c.logLevel, secrets: () => secretsOf(c) }),
      backlog: c.backlog,
    });
    return { outbox, where: `${outbox.where} queue ${outbox.queueName}` };
  }
  const file = join(resolve(c.dataDir), 'outbox.sqlite');
  try {
    const { SqliteOutbox } = await import('./sqlite.js');
    return { outbox: new SqliteOutbox(file, { backlog: c.backlog }), where: file };
  } catch (error) {
    createLogger().error(`cannot open the outbox ${file} (is another proxy using it?): ${(error as Error).message}`);
    process.exit(1);
  }
}

function secretsOf(c: ServerConfig): string[] {
  const h = c.proxy.hubspot ?? {};
  return [h.accessToken, h.oauth?.clientSecret, h.oauth?.refreshToken, redisPassword(c.redis?.url)].filter((s): s is string => !!s);
}

function redisPassword(url: string | undefined): string | undefined {
  try {
    return url ? decodeURIComponent(new URL(url).password) || undefined : undefined;
  } catch {
    return undefined;
  }
}
