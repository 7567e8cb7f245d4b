/**
 * A real Redis for a test file: Debian's `redis-server` on a free port, with its own
 * temporary directory and AOF on (`appendonly yes`, fsync every second, as docs/redis.md asks
 * of production), stopped afterwards. It can be killed (SIGKILL) and started again on the
 * same directory and port, to test what survives a Redis restart.
 *
 * There is no skipping: without redis-server, `startRedis` throws, and the tests that need
 * it fail, saying how to install it. Free of vitest, so the benchmark uses it too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** Kills it with SIGKILL (what it wrote to its AOF stays), and waits for the exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** Throws unless redis-server can be run. */
export function assertRedisServer(): void {
  const r = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `redis-server is needed by the Redis store's tests and was not found (${r.error?.message ?? r.stderr}). ` +
        'Install it (Debian: apt-get install redis-server; .ci/run does this), or point REDIS_SERVER at the binary.',
    );
  }
}

export async function startRedis(): Promise<RedisServer> {
  assertRedisServer();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mbt-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--daemonize', 'no',
      '--logfile', '',
    ];
    const c = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    c.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    c.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    exited = new Promise((resolve) => c.on('exit', () => resolve()));
    child = c;
    const deadline = Date.now() + 15_000;
    while (!(await answers(port))) {
      if (c.exitCode !== null) throw new Error(`redis-server exited at start:\n${output.join('')}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer within 15 s:\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();

  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    dir,
    kill,
    restart: start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True once the server answers PING with PONG (it is loaded, AOF included). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
