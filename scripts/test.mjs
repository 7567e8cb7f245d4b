#!/usr/bin/env node
// The README's test command. Builds, type-checks, then runs every suite:
//   unit + integration (vitest), end-to-end in Chromium (Playwright), end-to-end in Firefox
//   (puppeteer-core over WebDriver BiDi, driven by vitest), end-to-end in WebKit (WebKitGTK's
//   MiniBrowser under Xvfb, webdriverio over W3C WebDriver, driven by vitest), and the short
//   benchmark (size budget, delivery under faults; `npm run bench -- --short`),
// and ends with one line "N passed, N failed" summed over all of them, which is what CI reads.
//
// The WebKit suite and the benchmark run side by side, last: the suite mostly waits on media
// playing in real time (it keeps about half the machine busy), the benchmark on the rate
// limit's windows (a tenth). Each one's output goes to .test-results/<suite>.log, and is
// printed whole once both have ended.
//
// Options: --only=build,typecheck,unit,chromium,firefox,webkit,bench   run a subset
// Env:     MBT_CHECK_DIST=1   also check that dist/ equals a fresh build (CI sets it)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const want = (name) => !only || only.split(',').includes(name);

const totals = { passed: 0, failed: 0 };
const lines = [];
// The file, name and first error line of each failed test, printed under the per-suite lines
// and just above the final line, so that a log cut to its last lines still says what failed.
const failures = [];
const firstLine = (text = '') => String(text).replace(/\x1b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim()) || '';

// The seconds each suite took, shown beside its line: where CI's time goes.
let since = Date.now();

/**
 * Runs a command: in the foreground, its output as it comes; or, given `log`, beside others,
 * its output written to that file (printed by `together`). Resolves to whether it exited 0.
 */
function run(cmd, args, env = {}, log) {
  const line = `$ ${cmd} ${args.join(' ')}`;
  const options = { cwd: root, env: { ...process.env, ...env } };
  if (!log) {
    console.log(`\n${line}`);
    return Promise.resolve(spawnSync(cmd, args, { ...options, stdio: 'inherit' }).status === 0);
  }
  const fd = openSync(log, 'w');
  writeSync(fd, `${line}\n`);
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', fd, fd] });
  return new Promise((resolve) => {
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  }).finally(() => closeSync(fd));
}

/** Counts a suite's tests; it ran from `started` (by default, when the suite before it ended) to `ended`. */
function record(suite, passed, failed, note = '', started = since, ended = Date.now()) {
  totals.passed += passed;
  totals.failed += failed;
  const took = `${Math.round((ended - started) / 1000)} s`;
  since = Date.now();
  lines.push(`${suite}: ${passed} passed, ${failed} failed (${note ? `${note}, ` : ''}${took})`);
}

/**
 * Runs suites side by side: each is given the file for its output. Once all have ended, each
 * one's output is printed whole, in the order given, and its tests counted in that order.
 */
async function together(suites) {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  // As each one ends, a line says so: a run cut short still shows which had ended.
  if (suites.length > 1) console.log(`\nSide by side: ${suites.map(([name]) => name).join(', ')} (output in .test-results/<suite>.log)`);
  const ran = await Promise.all(
    suites.map(async ([name, suite]) => {
      const log = join(out, `${name}.log`);
      const count = await suite(log);
      console.log(`${name}: ended after ${seconds()} s`);
      return { log, count, ended: Date.now() };
    }),
  );
  for (const { log, count, ended } of ran) {
    console.log(`\n${readFileSync(log, 'utf8')}`);
    count(started, ended);
  }
  if (ran.length > 1) lines.push(`  (those ${ran.length} side by side: ${seconds()} s in all)`);
  since = Date.now();
}

/** A suite that failed without naming a failed test: counted once, and said so in the list. */
function unnamed(suite, why) {
  failures.push(`${suite}: ${why} (see its output above)`);
  return 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A vitest run, counted from its JSON report; a run that leaves no report counts as one failure.
 * A file that failed without a failed test (it did not load, or a hook threw) counts as one.
 * Resolves to the function that counts it (`record`'s `started` and when it ended).
 */
async function vitest(suite, config, log) {
  const file = join(out, `${suite}.json`);
  const ok = await run('npx', ['vitest', 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], {}, log);
  return (started, ended) => countVitest(suite, file, ok, started, ended);
}

function countVitest(suite, file, ok, started, ended) {
  const count = (passed, failed, note) => record(suite, passed, failed, note, started, ended);
  const r = readJson(file);
  if (!r) return count(0, unnamed(suite, 'left no report'), 'no report');
  let failed = r.numFailedTests;
  // A test that began on a new browser because the session before was lost (meta.sessionLost,
  // set by the WebKit suite, which then runs again the test that lost it) is listed as
  // Playwright's flaky ones are, so that no lost session and no retry goes unseen.
  let again = 0;
  for (const f of r.testResults || []) {
    const name = f.name.replace(root, '');
    const title = (t) => [...(t.ancestorTitles || []), t.title].join(' > ');
    const tests = (f.assertionResults || []).filter((t) => t.status == 'failed');
    for (const t of tests) failures.push(`${suite}: ${name} > ${title(t)}: ${firstLine(t.failureMessages?.[0])}`);
    for (const t of f.assertionResults || [])
      if (t.meta?.sessionLost) {
        again++;
        failures.push(`${suite} (began on a new browser, the session before it lost): ${name} > ${title(t)}: ${t.meta.sessionLost}`);
      }
    if (f.status == 'failed' && !tests.length) {
      failed++;
      failures.push(`${suite}: ${name} (the file failed, no test did): ${firstLine(f.message)}`);
    }
  }
  if (!ok && !failed) failed = unnamed(suite, 'exited non-zero, and its report names no failed test or file');
  // A skipped test is neither passed nor failed; the suite's output says why it was skipped.
  const notes = [r.numPendingTests ? `${r.numPendingTests} skipped` : '', again ? `${again} began on a new browser after a lost session` : '', ok ? '' : 'exit code non-zero'];
  count(r.numPassedTests, failed, notes.filter(Boolean).join(', '));
}

/** The short benchmark, counted as `vitest` counts a suite: each budget or guarantee it checks is one test. */
async function bench(log) {
  const file = join(out, 'bench.json');
  const ok = await run('npx', ['tsx', 'bench/run.ts', '--short', `--checks=${file}`], {}, log);
  return (started, ended) => {
    const count = (passed, failed, note) => record('bench (short)', passed, failed, note, started, ended);
    const checks = readJson(file);
    if (!checks) return count(0, unnamed('bench (short)', 'left no report'), 'no report');
    const failed = checks.filter((c) => !c.ok).length;
    for (const c of checks) if (!c.ok) failures.push(`bench (short): ${JSON.stringify(c)}`);
    count(checks.length - failed, failed || (ok ? 0 : unnamed('bench (short)', 'exited non-zero, and no check failed')));
  };
}

if (want('build')) {
  const built = await run('npm', ['run', 'build']);
  record('build', built ? 1 : 0, built ? 0 : unnamed('build', 'npm run build failed'));
  if (process.env.MBT_CHECK_DIST) {
    const diff = spawnSync('git', ['status', '--porcelain', '--', 'dist'], { cwd: root, encoding: 'utf8' });
    const clean = diff.status === 0 && diff.stdout.trim() === '';
    if (!clean) console.log(`dist/ differs from a fresh build of src/:\n${diff.stdout}`);
    record('dist equals build', clean ? 1 : 0, clean ? 0 : unnamed('dist equals build', 'dist/ differs from a fresh build of src/'));
  }
}

if (want('typecheck')) {
  const ok = await run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  record('typecheck', ok ? 1 : 0, ok ? 0 : unnamed('typecheck', 'tsc found errors'));
}

if (want('unit')) (await vitest('unit+integration', 'vitest.config.ts'))(since, Date.now());

if (want('chromium') && existsSync(join(root, 'e2e/playwright.config.ts'))) {
  const file = join(out, 'playwright.json');
  const ok = await run('npx', ['playwright', 'test', '--config', 'e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  });
  const r = readJson(file);
  if (!r) record('chromium e2e', 0, unnamed('chromium e2e', 'left no report'), 'no report');
  else {
    const s = r.stats;
    // Errors outside any test: a spec file that did not load, a global setup that threw.
    for (const e of r.errors || []) failures.push(`chromium e2e: ${e.location ? `${e.location.file.replace(root, '')}:${e.location.line}` : '(no test)'}: ${firstLine(e.message)}`);
    const named = s.unexpected + (r.errors || []).length;
    const failed = named || (ok ? 0 : unnamed('chromium e2e', 'exited non-zero, and its report names no failed test'));
    // Suites nest: the file's, then each describe's; their titles name the test.
    const walk = (suite, titles) => {
      for (const spec of suite.specs || [])
        for (const t of spec.tests || [])
          if (t.status == 'unexpected' || t.status == 'flaky') {
            const error = t.results?.find((x) => x.error)?.error?.message;
            failures.push(`chromium e2e${t.status == 'flaky' ? ' (flaky)' : ''}: ${spec.file}:${spec.line} > ${[...titles, spec.title].join(' > ')}: ${firstLine(error)}`);
          }
      for (const inner of suite.suites || []) walk(inner, [...titles, inner.title]);
    };
    for (const suite of r.suites || []) walk(suite, []);
    record('chromium e2e', s.expected + s.flaky, failed, s.flaky ? `${s.flaky} flaky` : '');
  }
}

// Firefox alone. Beside the WebKit suite, its whole play of the media matrix at 1x once missed
// a 100% (the playhead's miss on a stale reading, since fixed); once that was fixed, its replay
// test once timed out there (1 run in 8, the suite slowed to 142 s; cause unknown). The WebKit
// suite and the benchmark then run side by side.
if (want('firefox') && existsSync(join(root, 'e2e/firefox/vitest.config.ts')))
  (await vitest('firefox e2e', 'e2e/firefox/vitest.config.ts'))(since, Date.now());

const sideBySide = [];
if (want('webkit') && existsSync(join(root, 'e2e/webkit/vitest.config.ts')))
  sideBySide.push(['webkit e2e', (log) => vitest('webkit e2e', 'e2e/webkit/vitest.config.ts', log)]);
if (want('bench')) sideBySide.push(['bench (short)', bench]);
await together(sideBySide);

console.log('\n' + lines.join('\n'));
if (failures.length) console.log('Failed, or began on a new browser:\n' + failures.map((f) => `  ${f.slice(0, 400)}`).join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
