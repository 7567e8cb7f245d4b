/**
 * Debian's WebKitGTK MiniBrowser, driven over W3C WebDriver by WebKitWebDriver, with what it
 * needs around it on a machine with no screen and no sound card: an Xvfb of its own, and a
 * PulseAudio of its own with a null sink, in a temporary XDG_RUNTIME_DIR. ALSA's null device
 * would not pace playback: media would run as fast as they decode, and every timing be false.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';

/** Where Debian's webkit2gtk-driver and libwebkit2gtk-4.1 put them. */
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';

export type Browser = WebdriverIO.Browser;

export interface MiniBrowser {
  browser: Browser;
  /** Ends the session, then the driver, PulseAudio and Xvfb, and removes the temporary directory. */
  close(): Promise<void>;
}

/** A child process whose output is kept, so that a failure to start can say why. */
function start(cmd: string, args: string[], env: NodeJS.ProcessEnv, extraFd = false) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe', ...(extraFd ? ['pipe' as const] : [])] });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => output };
}

/** Polls `ready` every 50 ms until it is true, or fails after `ms`, or as soon as `child` exits. */
async function until(what: string, ready: () => boolean | Promise<boolean>, child: ChildProcess, output: () => string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what}: it exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TCP port free at the moment of asking. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });

/** Starts Xvfb, PulseAudio, WebKitWebDriver and a MiniBrowser session that lets media play without a gesture. */
export async function launchMiniBrowser(): Promise<MiniBrowser> {
  for (const [file, pkg] of [
    [MINIBROWSER, 'libwebkit2gtk-4.1-0'],
    [DRIVER, 'webkit2gtk-driver'],
  ])
    if (!existsSync(file)) throw new Error(`${file} is missing: apt-get install ${pkg} (see CONTRIBUTING.md)`);
  const dir = mkdtempSync(join(tmpdir(), 'mbt-webkit-'));
  const children: ChildProcess[] = [];
  const close = async () => {
    for (const child of children.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Xvfb picks a free display itself and writes its number to fd 3.
    const x = start('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], process.env, true);
    children.push(x.child);
    let display = '';
    x.child.stdio[3]!.on('data', (d) => (display += d));
    await until('Xvfb', () => display.includes('\n'), x.child, x.output);

    // HOME too, so that PulseAudio's cookie and MiniBrowser's data stay in the temporary directory.
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: `:${display.trim()}`, XDG_RUNTIME_DIR: dir, HOME: dir };
    delete env.PULSE_SERVER;
    const pulse = start('pulseaudio', ['-n', '--daemonize=no', '--exit-idle-time=-1', '--load=module-null-sink', '--load=module-native-protocol-unix'], env);
    children.push(pulse.child);
    await until('PulseAudio', () => existsSync(join(dir, 'pulse', 'native')), pulse.child, pulse.output);

    const port = await freePort();
    const driver = start(DRIVER, [`--port=${port}`, '--host=127.0.0.1'], env);
    children.push(driver.child);
    const status = () =>
      fetch(`http://127.0.0.1:${port}/status`)
        .then((r) => r.ok)
        .catch(() => false);
    await until('WebKitWebDriver', status, driver.child, driver.output);

    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      capabilities: {
        // WebKitWebDriver speaks W3C WebDriver (classic), not BiDi, which webdriverio 9 asks for by default.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', '--autoplay-policy=allow'] },
      } as WebdriverIO.Capabilities,
    });
    return {
      browser,
      close: async () => {
        await browser.deleteSession().catch(() => {});
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
