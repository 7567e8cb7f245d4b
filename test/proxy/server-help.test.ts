/**
 * `media-bridge-proxy --help` lists every environment variable the server reads, with its
 * default, and exits 0; so does the settings table of docs/proxy.md. "Every variable" is
 * read off src/proxy/config.ts itself: any variable name it holds as a string is one it
 * reads, and must be in SERVER_VARIABLES, the help and the docs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, SERVER_VARIABLES, type ServerVariable } from '../../src/proxy/config.js';
import { ensureBuilt, ROOT } from './proxy-process.js';

const run = promisify(execFile);
const source = readFileSync(join(ROOT, 'src/proxy/config.ts'), 'utf8');
/** Every `'NAME'` string of config.ts that looks like an environment variable. */
const readByConfig = [...new Set([...source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)'/g)].map((m) => m[1]))].filter((n) => n.length > 3);
const table = SERVER_VARIABLES as Record<string, ServerVariable>;

const docs = readFileSync(join(ROOT, 'docs/proxy.md'), 'utf8');
/** The row of docs/proxy.md's settings table whose first cell names `name`, as its cells. */
const docsRow = (name: string) =>
  docs
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split(' | '))
    .find((cells) => cells[0].includes(`\`${name}\``));

let help = { stdout: '', stderr: '' };
beforeAll(async () => {
  ensureBuilt();
  help = await run(process.execPath, [join(ROOT, 'bin/media-bridge-proxy.js'), '--help'], { env: { PATH: process.env.PATH ?? '' } });
});

describe('media-bridge-proxy --help', () => {
  it('reads config.ts for the variables it reads, and finds them all in the table', () => {
    expect(readByConfig).toContain('PORT');
    expect(readByConfig).toContain('REDIS_URL');
    expect(readByConfig.length).toBeGreaterThanOrEqual(15);
    for (const name of readByConfig) expect(Object.keys(table), name).toContain(name);
  });

  it('exits 0 and lists every variable on a line, with its default', () => {
    const lines = help.stdout.split('\n');
    for (const [name, variable] of Object.entries(table)) {
      const line = lines.find((l) => l.trimStart().startsWith(`${name} `));
      expect(line, name).toBeDefined();
      if (variable.fallback !== undefined) expect(line, name).toContain(` ${variable.fallback} `);
      expect(line!.length, name).toBeGreaterThan(name.length + 20); // a few words of what it does
    }
    expect(help.stderr).toBe('');
  });

  it('states the defaults configFromEnv uses', () => {
    const c = configFromEnv({});
    expect([c.port, c.host, c.dataDir, c.logLevel]).toEqual([Number(table.PORT.fallback), table.HOST.fallback, table.MEDIA_BRIDGE_DATA_DIR.fallback, table.LOG_LEVEL.fallback]);
    expect(c.proxy.hubspot).toMatchObject({
      apiBase: table.HUBSPOT_API_BASE.fallback,
      rateLimit: Number(table.HUBSPOT_RATE_LIMIT.fallback),
      timeoutMs: Number(table.HUBSPOT_TIMEOUT_MS.fallback),
      retry: { baseMs: Number(table.HUBSPOT_RETRY_BASE_MS.fallback) },
    });
    expect(c.proxy.clientRateLimit).toBe(Number(table.CLIENT_RATE_LIMIT.fallback));
    expect(configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis?.queue).toBe(table.MEDIA_BRIDGE_QUEUE.fallback);
  });

  it('answers an unknown argument with the help on stderr and exit code 2', async () => {
    const failed = await run(process.execPath, [join(ROOT, 'bin/media-bridge-proxy.js'), '--hlep'], { env: { PATH: process.env.PATH ?? '' } }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('unknown argument "--hlep"');
    expect(failed.stderr).toContain('HUBSPOT_RATE_LIMIT');
  });
});

describe('the settings table of docs/proxy.md', () => {
  it('has a row for every variable, with its default', () => {
    for (const [name, variable] of Object.entries(table)) {
      const row = docsRow(name);
      expect(row, name).toBeDefined();
      if (variable.fallback !== undefined) expect(row!.at(-1), name).toContain(variable.fallback);
    }
  });
});
