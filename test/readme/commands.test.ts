/**
 * The README's two commands, run from a clean copy of the repository (the files git tracks,
 * plus new ones it does not ignore; no dist/ changes, no data dir), so that a missing build
 * step fails here before it fails a newcomer.
 *
 * - The start command (`npm ci && npm start`) must install, build what it needs, and serve
 *   the demo page and the proxy on one origin. PORT=0 picks a free port (the README says
 *   PORT changes the port). Its `npm ci` is what CI itself runs on a fresh clone before this
 *   suite, from the same package-lock.json: the copy links to the node_modules that install
 *   made rather than compiling better-sqlite3 a second time (about three minutes), and runs
 *   the rest of the command.
 * - The test command must exist and its runner must work from the copy; running every suite
 *   again inside this suite would double CI's time, so the copy runs its type-check part
 *   (the start command above has already built the copy), and CI itself runs the whole
 *   command on a fresh clone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The commands of the README's first shell block, without their comments. */
function readmeCommands(text: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(text);
  if (!block) return [];
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

const [startCommand, testCommand] = readmeCommands(readme);
let copy: string;
let server: ChildProcess | undefined;

// npm reads these from the environment; they only keep a test install quiet and offline-first.
// MBT_CHECK_DIST (set by CI for the whole run) is dropped: the copy is not a git checkout.
const npmEnv = {
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  MBT_CHECK_DIST: undefined,
};

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'mbt-clean-copy-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(copy, file));
    } catch {
      // A file git still tracks but the working tree has deleted: a clone would not have it either.
    }
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  // The link first: what it points to is the checkout's own install.
  unlinkSync(join(copy, 'node_modules'));
  rmSync(copy, { recursive: true, force: true });
});

describe('the README commands, from a clean copy', () => {
  it('are the two commands at the top of the README', () => {
    expect(readme.split('\n').slice(0, 8).join('\n')).toContain('```sh');
    expect(startCommand).toBe('npm ci && npm start');
    expect(testCommand).toBe('npm test');
  });

  it('the start command installs, builds, and serves the demo and the proxy', async () => {
    // `npm ci` from the lockfile, then the rest: the install is CI's own (see above).
    expect(startCommand.startsWith('npm ci && ')).toBe(true);
    expect(readFileSync(join(copy, 'package-lock.json'), 'utf8')).toContain('"lockfileVersion"');
    const afterInstall = startCommand.slice('npm ci && '.length);
    server = spawn('sh', ['-c', afterInstall], {
      cwd: copy,
      detached: true, // its own process group, so npm and the server stop together
      env: { ...process.env, ...npmEnv, PORT: '0', MEDIA_BRIDGE_DATA_DIR: join(copy, '.media-bridge'), HUBSPOT_ACCESS_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const m = /demo: (http:\/\/[\d.]+:\d+)/.exec(output);
        if (m) resolve(m[1]);
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.on('exit', (code) => reject(new Error(`"${afterInstall}" exited with ${code} before serving:\n${output.slice(-3000)}`)));
    });

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Events at the proxy');
    const script = await fetch(`${url}/js/media-bridge-tracker.min.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(1000);

    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health).toMatchObject({ dryRun: true });

    const event = {
      type: 'media-played',
      id: 'clean-copy-1',
      state: 'STARTED',
      mediaType: 'VIDEO',
      occurredTimestamp: Date.now(),
      sessionId: 'clean-copy-session',
      externalId: 'webinar-2026-q3',
    };
    const posted = await fetch(`${url}/media-events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: url },
      body: JSON.stringify({ events: [event] }),
    });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toEqual({ accepted: 1 });
  }, 240_000);

  it('the test command runs from the copy and ends with the summary line CI reads', () => {
    const out = execFileSync('sh', ['-c', `${testCommand} -- --only=typecheck`], {
      cwd: copy,
      env: { ...process.env, ...npmEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = out.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^\d+ passed, 0 failed$/);
  }, 300_000);
});
