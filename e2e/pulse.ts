/**
 * A PulseAudio server of a test's own, with a null sink, for a browser to play sound into.
 *
 * This machine has no sound card. Without an output, a browser plays audio as fast as it
 * decodes (Firefox played a 4.37 s MP3 in 0.19 s here; ALSA's null device does the same), so
 * media clocks are false and a tracker rightly reads such play as a seek. A null sink takes
 * sound at the real pace. The server lives in a temporary XDG_RUNTIME_DIR, so it needs no
 * D-Bus, no session and nothing of the user's, and goes with the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pulse {
  /** What a browser's environment needs to play into this server. */
  env: { XDG_RUNTIME_DIR: string; PULSE_SERVER: string };
  close(): Promise<void>;
}

export async function startPulse(timeoutMs = 15_000): Promise<Pulse> {
  const dir = mkdtempSync(join(tmpdir(), 'mbt-pulse-'));
  const socket = join(dir, 'pulse', 'native');
  let output = '';
  const child: ChildProcess = spawn(
    'pulseaudio',
    ['-n', '--daemonize=no', '--exit-idle-time=-1', '--load=module-null-sink', '--load=module-native-protocol-unix'],
    { env: { ...process.env, XDG_RUNTIME_DIR: dir, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(socket)) {
    if (child.exitCode != null || Date.now() > deadline) {
      await close();
      throw new Error(`pulseaudio did not start (is Debian's pulseaudio installed?):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { env: { XDG_RUNTIME_DIR: dir, PULSE_SERVER: `unix:${socket}` }, close };
}
