/**
 * The tracker's logic under each page hazard of e2e/page-hazards.ts whose replacement is
 * written there: installed in this process for the length of one synchronous run, then undone.
 * It must give exactly what it gives on a clean page. (The real libraries from npm, and the
 * whole tracker, run in Chromium: e2e/host-libraries.spec.ts.)
 */
import { describe, expect, it } from 'vitest';
import { PAGE_HAZARDS, type PageHazard } from '../../e2e/page-hazards.js';
import { attentionSpan } from '../../src/tracker/attention-span.js';
import { parseMilestones } from '../../src/tracker/milestones.js';
import { readScriptOptions } from '../../src/tracker/options.js';
import { wireEvent } from '../../src/tracker/payload.js';
import { playedPercent, playedSeconds, union, type Run } from '../../src/tracker/played-ranges.js';
import { CHANGED, createPlayhead, type MediaState, type Session } from '../../src/tracker/session.js';
import { keepAll, read } from '../../src/tracker/store.js';
import { batches, type Item } from '../../src/tracker/transport.js';
import { fakeStorage } from './fake-storage.js';
import type { WireEvent } from '../../src/wire.js';
import type { Writable } from './media-stand-in.js';

/** The built-ins a hazard may change, by a name for the test's messages. */
const OWNERS: Record<string, object> = {
  globalThis,
  Array,
  'Array.prototype': Array.prototype,
  Object,
  'Object.prototype': Object.prototype,
  'String.prototype': String.prototype,
  'Number.prototype': Number.prototype,
  'Date.prototype': Date.prototype,
  'Function.prototype': Function.prototype,
  'RegExp.prototype': RegExp.prototype,
  JSON,
};

const descriptors = () => {
  const all: Record<string, PropertyDescriptorMap> = {};
  for (const name in OWNERS) all[name] = Object.getOwnPropertyDescriptors(OWNERS[name]);
  return all;
};

const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.enumerable === b.enumerable;

/**
 * Runs `fn` with `hazard` installed, and undoes it whatever happens: `fn` is synchronous, so
 * nothing else of this process runs meanwhile. Returns what `fn` returned, and which
 * built-ins the hazard changed.
 */
function under<T>(hazard: PageHazard, fn: () => T): { result: T; changed: string[] } {
  const before = descriptors();
  const [install, ...args] = hazard.install!;
  let after: ReturnType<typeof descriptors> = before;
  try {
    install(globalThis, ...args);
    after = descriptors();
    return { result: fn(), changed: changes(before, after) };
  } finally {
    for (const name in OWNERS) {
      const owner = OWNERS[name];
      for (const key of Reflect.ownKeys(after[name]) as string[]) {
        const old = before[name][key];
        if (!old) delete (owner as Record<string, unknown>)[key];
        else if (!same(old, after[name][key])) Object.defineProperty(owner, key, old);
      }
    }
  }
}

function changes(before: ReturnType<typeof descriptors>, after: ReturnType<typeof descriptors>): string[] {
  const out: string[] = [];
  for (const name in OWNERS)
    for (const key of Object.keys(after[name]))
      if (!before[name][key] || !same(before[name][key], after[name][key])) out.push(`${name}.${key}`);
  return out;
}

/**
 * What the tracker's pure parts make of a page: its options and milestones, a whole viewing of
 * an 8 s video at 4x through the playhead (the hot path, on every timeupdate), the attention
 * span and the request bodies. Plain loops only, so that the test's own code does not depend
 * on what the hazard replaced.
 */
function tracker() {
  const options = readScriptOptions({ dataset: { milestones: '50, 10,100,10,abc', debug: '' } } as unknown as HTMLScriptElement);
  const milestones = parseMilestones(undefined);
  const parsed = [parseMilestones(options.milestones), parseMilestones([75, 25, 25, 200, 12.5])];

  const el: Writable<MediaState> = {
    currentTime: 0,
    currentSrc: 'https://example.com/media/clip-8s.webm',
    duration: 8,
    playbackRate: 4,
    paused: false,
    seeking: false,
    loop: false,
    played: { length: 0, start: () => 0, end: () => 0 },
  };
  const reports: (number | string)[] = [];
  let ended: Session | undefined;
  const playhead = createPlayhead(
    milestones,
    () => 'session-1',
    (session, what) => {
      if (what == -1) ended = session;
      if (what !== CHANGED) reports.push(what === undefined ? 'STARTED' : what);
    },
    (media) => ({ mediaUrl: media.currentSrc }),
  );
  let now = 1_764_000_000_000;
  playhead._read(el, 'playing', true, now);
  for (let t = 1; t <= 32; t++) {
    now += 62.5;
    el.currentTime = t / 4;
    playhead._read(el, 'timeupdate', true, now);
  }
  el.paused = true;
  playhead._read(el, 'ended', true, now);

  const runs: Run[] = [
    [0, 2],
    [1, 3],
    [6, 9],
  ];
  const ranges = [union(runs, 8), playedSeconds(runs, 8), playedPercent(runs, 8), playedSeconds([[0, 8]], 8)];
  const span = attentionSpan(ended!._runs, ended!._duration!);

  const event = wireEvent('media-played', 'session-1', { mediaType: 'VIDEO', state: 'STARTED', externalId: '', pageName: 'Q3' });
  const items: Item[] = [];
  for (let i = 0; i < 60; i++) items.push({ e: { ...event, id: `id-${i}`, occurredTimestamp: 1 } as WireEvent, n: 0 });
  items.push({ e: { ...event, id: 'span', occurredTimestamp: 1, type: 'attention-span', ...span } as WireEvent, n: 0 });
  const bodies: string[] = [];
  batches(items, (body) => bodies.push(body));

  // A request's events kept under one key, as a later page view reads them back.
  const g = globalThis as { localStorage?: Storage };
  g.localStorage = fakeStorage();
  let kept: unknown;
  try {
    keepAll(items.slice(0, 2).map((item) => ({ ...item, e: { ...item.e } })));
    const record = read('media-bridge:id-0+');
    // (Each stamped with the time it was written: only whether it was is compared.)
    kept = Array.isArray(record) ? record.map((k) => ({ ...k, t: k.t! > 0 })) : record;
  } finally {
    delete g.localStorage;
  }

  return { options, milestones, parsed, reports, ranges, span, event: { ...event, id: 'id', occurredTimestamp: 0 }, bodies, kept };
}

const hazards = PAGE_HAZARDS.filter((h) => h.install);

describe('the hazards', () => {
  it('list each page script the spec reproduces, each changing built-ins the tracker could use', () => {
    expect(hazards.map((h) => h.name)).toEqual([
      'Prototype.js 1.6.0.3',
      'Prototype.js 1.7',
      'a fetch stub that returns undefined',
      'a fetch wrapper that forgets to return',
    ]);
    for (const hazard of hazards) expect(under(hazard, () => 0).changed, hazard.name).not.toEqual([]);
  });

  it('leave nothing behind in this process', () => {
    const before = descriptors();
    for (const hazard of hazards) under(hazard, () => 0);
    expect(changes(before, descriptors())).toEqual([]);
    expect(changes(descriptors(), before)).toEqual([]);
  });

  it('Prototype.js replaces what the tracker once relied on', () => {
    const [v16, v17] = hazards;
    expect(under(v16, () => [[1]].reduce((sum, [n]) => sum + n, 0)).result).toEqual([1]);
    expect(under(v17, () => [1].filter((_v, _i, all) => all === undefined)).result).toEqual([1]);
    expect(under(v16, () => JSON.stringify({ a: [1] })).result).toBe('{"a":"[1]"}');
    expect(under(v16, () => 0).changed).toEqual(
      expect.arrayContaining(['Array.prototype.filter', 'Array.prototype.reduce', 'Array.prototype.toJSON', 'Object.keys']),
    );
  });
});

describe("the tracker's logic under each hazard", () => {
  const clean = tracker();

  it('on a clean page: the milestones, a whole viewing, its attention span, bodies of the wire format', () => {
    expect(clean.parsed).toEqual([
      [10, 50, 100],
      [25, 75],
    ]);
    expect(clean.reports).toEqual(['STARTED', 25, 50, 75, 100, -2, -1]);
    expect(clean.ranges).toEqual([
      [
        [0, 3],
        [6, 8],
      ],
      5,
      62,
      8,
    ]);
    expect(clean.span).toEqual({
      rawDataMap: { 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 },
      derivedValues: { totalPercentPlayed: 100, totalSecondsPlayed: 8 },
    });
    const events = clean.bodies.flatMap((b) => (JSON.parse(b) as { events: WireEvent[] }).events);
    expect(clean.bodies).toHaveLength(2);
    expect(events.map((e) => e.id)).toEqual([...Array.from({ length: 60 }, (_, i) => `id-${i}`), 'span']);
    expect(events[60]).toMatchObject(clean.span!);
    expect(clean.kept).toEqual([
      { e: expect.objectContaining({ id: 'id-0' }), n: 0, t: true },
      { e: expect.objectContaining({ id: 'id-1' }), n: 0, t: true },
    ]);
  });

  for (const hazard of hazards)
    it(hazard.name, () => {
      expect(under(hazard, tracker).result).toEqual(clean);
    });
});
