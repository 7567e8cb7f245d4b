#!/usr/bin/env node
// `npm start`: builds dist/ when it is missing or older than src/, then serves the demo
// (default http://127.0.0.1:8080; PORT and HOST change it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const outputs = ['dist/media-bridge-tracker.min.js', 'dist/index.js', 'dist/proxy/index.js'].map((f) => join(root, f));
const stale = outputs.some((f) => !existsSync(f)) || newest(join(root, 'src')) > Math.min(...outputs.map((f) => statSync(f).mtimeMs));
if (stale) {
  console.log('building dist/ from src/ …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { startDemoServer } = await import('../demo/server.mjs');
let demo;
try {
  demo = await startDemoServer({ port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? '127.0.0.1' });
} catch (error) {
  console.error(`demo: cannot start: ${error.message}`);
  process.exit(1);
}
console.log('Open it in a browser and press play. Ctrl-C stops it.');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => demo.close().then(() => process.exit(0)));
}
