/**
 * Properties of embeds (issue 24): the playhead (session.ts), driven by readings shaped as
 * each player reports them through its adapter (src/tracker/embeds/). YouTube: `currentTime`
 * in an `infoDelivery` about every 250 ms, with `playerState` changes (pauses, buffering) in
 * between. Vimeo: `timeupdate` about every 250 ms with `seconds` and `duration`, and `seeked`.
 * Messages arrive late by up to 120 ms, in order; and the page may be busy (a long task of
 * up to 1.5 s), during which the player's messages wait and then arrive at once: each a
 * cadence apart in the player's time, none apart on the page's clock. A seek may come while
 * playing or while paused, its messages in any of the orders a player may send them.
 *
 * Each property runs MBT_RUNS plays (1,000 unless set) from a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { playedPercent, union, type Run } from '../../src/tracker/played-ranges.js';
import { EMBED_SLACK } from '../../src/tracker/embeds-loader.js';
import { embedState } from '../../src/tracker/embeds/state.js';
import { vimeo, vimeoUrl } from '../../src/tracker/embeds/vimeo.js';
import { youtube, youtubeUrl } from '../../src/tracker/embeds/youtube.js';
import { createPlayhead, ENDED, type Session } from '../../src/tracker/session.js';
import { mediaFields } from '../../src/tracker/context.js';

/** An iframe without attributes, as far as the embed state reads one. */
const IFRAME = { getAttribute: () => null } as unknown as HTMLIFrameElement;

const RUNS = Number(process.env.MBT_RUNS) || 1000;
vi.setConfig({ testTimeout: 180_000 });
const params = { seed: 0x2026_1206, numRuns: RUNS };
const MILESTONES = [25, 50, 75, 100];

/** A play as the player lives it: its duration, rate, and the stops (pauses, stalls, seeks) along the way. */
const plays = fc.record({
  duration: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.double({ min: 0.5, max: 120, noNaN: true })),
  rate: fc.constantFrom(0.5, 1, 1.25, 1.5, 2),
  cadence: fc.integer({ min: 200, max: 300 }),
  jitter: fc.integer({ min: 0, max: 120 }),
  // Shares of the media at which play stops for a while: a pause, or a stall.
  stops: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), stall: fc.boolean(), ms: fc.integer({ min: 50, max: 5000 }) }), { maxLength: 4 }),
  // Long tasks on the page: from a share of the play, for so many ms of the player's time.
  busy: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), ms: fc.integer({ min: 50, max: 1500 }) }), { maxLength: 3 }),
  // Where play stopped comes only with the stop: no position report there first. YouTube then
  // tells the state (paused) before the position, a report's worth of play after the last one.
  quietStop: fc.boolean(),
  seed: fc.integer(),
});
type Play = typeof plays extends fc.Arbitrary<infer T> ? T : never;

/** The page side: a playhead reading `state`, on a simulated clock. */
function page(state: ReturnType<typeof embedState>) {
  let now = 1_700_000_000_000;
  const sessions: Session[] = [];
  const milestones: number[][] = [];
  const ended: Run[][] = [];
  const playhead = createPlayhead<typeof state>(MILESTONES, () => `s${sessions.length + 1}`, (session, what) => {
    if (what == undefined) sessions.push(session), milestones.push([]);
    else if (what > 0) milestones[milestones.length - 1].push(what);
    else if (what == ENDED) ended.push(session._runs.slice());
  }, mediaFields, EMBED_SLACK);
  return { read: (type: string) => playhead._read(state, type, true, now), at: (t: number) => (now = t), sessions, milestones, ended, start: now };
}

/**
 * A seek at `from` to `to`: while playing, or (`paused`) in a pause of `ms`; `order` picks
 * which of the player's ways of telling it comes (each adapter's `say` reads it).
 */
interface Seek {
  from: number;
  to: number;
  paused?: boolean;
  ms?: number;
  order?: number;
}

/**
 * Runs a play: `say(kind, t, position)` tells the adapter what the player says at player time
 * `t` (ms from the start): 'play', 'time', 'pause', 'stall', 'seek', 'end'. Arrivals are late
 * by up to `jitter` ms, in order. Returns the player's truth: what it played.
 */
function run(p: Play, say: (kind: string, position: number) => void, at: (t: number) => void, seek?: Seek) {
  let rand = p.seed;
  const random = () => ((rand = (rand * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let t = 0;
  let arrived = 0;
  let pos = 0;
  const truth: Run[] = [];
  let runFrom = 0;
  const busy = p.busy.map((b) => ({ ...b, at: (b.at * p.duration * 1e3) / p.rate }));
  const deliver = (kind: string) => {
    arrived = Math.max(arrived, t + random() * p.jitter);
    // A message sent during a long task is handled as it ends.
    for (const b of busy) if (arrived >= b.at && arrived < b.at + b.ms) arrived = b.at + b.ms;
    at(1_700_000_000_000 + arrived);
    say(kind, pos);
  };
  const stops = p.stops.map((s) => ({ ...s, at: s.at * p.duration })).sort((a, b) => a.at - b.at);
  deliver('play');
  while (pos < p.duration) {
    const step = p.cadence / 1e3;
    let next = Math.min(p.duration, pos + step * p.rate);
    const stop = stops[0] && stops[0].at <= next ? stops.shift()! : undefined;
    if (stop) next = Math.max(pos, stop.at);
    t += ((next - pos) / p.rate) * 1e3;
    pos = next;
    if (pos >= p.duration) break;
    if (!stop || !p.quietStop) deliver('time');
    if (seek && pos >= seek.from) {
      truth.push([runFrom, pos]);
      // Paused first, for half the pause; the seek; the rest of the pause; play again.
      const pause = seek.paused ? seek.ms! / 2 : 0;
      if (pause) deliver('pause'), (t += pause);
      pos = runFrom = seek.to;
      seek = undefined;
      t += 30;
      deliver('seek');
      if (pause) (t += pause), deliver('play');
      continue;
    }
    if (stop) {
      truth.push([runFrom, pos]);
      deliver(stop.stall ? 'stall' : 'pause');
      t += stop.ms;
      runFrom = pos;
      deliver('play');
    }
  }
  truth.push([runFrom, p.duration]);
  deliver('end');
  return truth;
}

/** A YouTube player: its adapter, reading into `side`, and how a message reaches it. */
const youtubePlayer = (side: ReturnType<typeof page>, state: ReturnType<typeof embedState>) => {
  const player = youtube(state, () => {}, side.read, 1);
  return (event: string, info: unknown) => player._message(JSON.stringify({ event, info, id: 1, channel: 'widget' }));
};

/** What a YouTube player says, through `msg`, as `run` tells of a play. */
const youtubeSays =
  (msg: (event: string, info: unknown) => void, p: Play, seek?: Seek) =>
    (kind: string, position: number) => {
      if (kind == 'play') msg('onStateChange', 1), msg('infoDelivery', { playerState: 1, currentTime: position });
      else if (kind == 'time') msg('infoDelivery', { currentTime: position });
      // YouTube reports no seek: the position jumps, at once (0), or while it buffers (1), its
      // state going back to what it was (paused, or playing) as the buffering ends.
      else if (kind == 'seek' && !seek!.order) msg('infoDelivery', { currentTime: position });
      else if (kind == 'seek') {
        const state = seek!.paused ? 2 : 1;
        msg('onStateChange', 3);
        msg('infoDelivery', { playerState: 3, currentTime: position });
        msg('onStateChange', state);
        msg('infoDelivery', { playerState: state });
      }
      else if (kind == 'pause') msg('onStateChange', 2), msg('infoDelivery', { playerState: 2, currentTime: position });
      else if (kind == 'stall') msg('infoDelivery', { playerState: 3, currentTime: position });
      else msg('onStateChange', 0), msg('infoDelivery', { playerState: 0, currentTime: p.duration });
    };

const youtubePlay = (p: Play, seek?: Seek) => {
  const state = embedState('https://www.youtube.com/watch?v=abc', IFRAME);
  const side = page(state);
  const msg = youtubePlayer(side, state);
  msg('initialDelivery', { playerState: -1, currentTime: 0, duration: p.duration, playbackRate: p.rate, videoData: { title: 'T' } });
  const truth = run(p, youtubeSays(msg, p, seek), side.at, seek);
  return { ...side, truth };
};

/** What a Vimeo player says, through `player`, as `run` tells of a play. */
const vimeoSays =
  (player: ReturnType<typeof vimeo>, p: Play, seek?: Seek) =>
    (kind: string, position: number) => {
      const data = { seconds: position, percent: position / p.duration, duration: p.duration };
      if (kind == 'play') player._message({ event: 'play', data });
      else if (kind == 'time') player._message({ event: 'timeupdate', data });
      // A seek: `seeked`, after the media element's `timeupdate` at the new position (1), or alone (0).
      else if (kind == 'seek') {
        if (seek!.order) player._message({ event: 'timeupdate', data });
        player._message({ event: 'seeked', data });
      }
      // Vimeo has no stall event: its timeupdates stop.
      else if (kind == 'pause') player._message({ event: 'pause', data });
      else if (kind == 'end') player._message({ event: 'timeupdate', data: { ...data, seconds: p.duration } }), player._message({ event: 'ended', data: { ...data, seconds: p.duration } });
    };

const vimeoPlay = (p: Play, seek?: Seek) => {
  const state = embedState('https://vimeo.com/1', IFRAME);
  const side = page(state);
  const player = vimeo(state, () => {}, side.read);
  player._message({ event: 'ready' });
  player._message({ method: 'getDuration', value: p.duration });
  if (p.rate != 1) player._message({ event: 'playbackratechange', data: { playbackRate: p.rate } });
  const truth = run(p, vimeoSays(player, p, seek), side.at, seek);
  return { ...side, truth };
};

/**
 * Several videos played whole in turn in one player, as a playlist plays them (YouTube's
 * `/embed/videoseries?list=…`, whose src names no video; a Vimeo showcase): video `i` is
 * `v<i>`, titled `Video <i>`. `order` picks how the player tells of the next video. YouTube:
 * all in one `infoDelivery` (0); the state, then the video, then its duration, each alone
 * (1); the video while buffering, its duration only once it plays (2). Vimeo: `loaded`, then
 * the answers to what the adapter asks (0), or those answers only after the play began (1,
 * 2: its events carry the duration).
 */
const playlist = (vendor: 'YouTube' | 'Vimeo', videos: { play: Play; order: number }[]) => {
  const state = embedState(vendor == 'YouTube' ? youtubeUrl('videoseries') : vimeoUrl(1), IFRAME);
  const side = page(state);
  // Each video's play starts a second after the one before ended, on the page's clock.
  let offset = 0;
  let last = 0;
  const at = (t: number) => side.at((last = t + offset));
  // Only the vendor's adapter reads the state.
  const youtubeVendor = vendor == 'YouTube';
  const msg = youtubeVendor ? youtubePlayer(side, state) : () => {};
  const vm = youtubeVendor ? undefined : vimeo(state, () => {}, side.read);
  if (vm) vm._message({ event: 'ready' });
  else msg('initialDelivery', { playerState: -1, currentTime: 0, videoData: { video_id: '', title: '' } });
  const truths = videos.map(({ play: p, order }, i) => {
    const [id, title] = [`v${i}`, `Video ${i}`];
    let after = () => {};
    if (!vm) {
      const video = { video_id: id, title };
      if (order == 0) msg('infoDelivery', { videoData: video, duration: p.duration, currentTime: 0, playerState: -1, playbackRate: p.rate });
      else if (order == 1)
        msg('onStateChange', -1), msg('infoDelivery', { playerState: -1 }), msg('infoDelivery', { videoData: video }), msg('infoDelivery', { duration: p.duration, currentTime: 0, playbackRate: p.rate });
      else {
        msg('onStateChange', 3), msg('infoDelivery', { playerState: 3, videoData: video, currentTime: 0, playbackRate: p.rate });
        after = () => msg('infoDelivery', { duration: p.duration });
      }
    } else {
      vm._message({ event: 'loaded', data: { id: 100 + i } });
      vm._message({ event: 'playbackratechange', data: { playbackRate: p.rate } });
      const answers = () => (vm._message({ method: 'getDuration', value: p.duration }), vm._message({ method: 'getVideoTitle', value: title }));
      if (order == 0) answers();
      else after = answers;
    }
    const says = vm ? vimeoSays(vm, p) : youtubeSays(msg, p);
    let first = true;
    const truth = run(p, (kind, position) => (says(kind, position), first && ((first = false), after())), at);
    offset = last - 1_700_000_000_000 + 1000;
    return truth;
  });
  return { ...side, truths, url: (i: number) => (vendor == 'YouTube' ? youtubeUrl(`v${i}`) : vimeoUrl(100 + i)) };
};

/**
 * Plays `p` without stops, with `seek`, through `drive`: checks that nothing credited lies
 * outside what the player played, and that 100 is not reached. Returns the play.
 */
function skipped(drive: (p: Play, seek?: Seek) => ReturnType<typeof youtubePlay>, p: Play, seek: Seek) {
  const r = drive({ ...p, stops: [] }, seek);
  const credited = union(r.ended[0], p.duration);
  const truth = union(r.truth, p.duration);
  for (const [a, b] of credited) expect(truth.some(([c, d]) => a >= c - 1e-9 && b <= d + 1e-9), JSON.stringify({ credited, truth, seek })).toBe(true);
  expect(r.milestones[0]).not.toContain(100);
  return r;
}

describe.each([
  ['YouTube', youtubePlay],
  ['Vimeo', vimeoPlay],
] as const)('a %s embed', (_, drive) => {
  it('played whole, with pauses and stalls, is one session reaching every milestone once, in order, and 100%', () => {
    fc.assert(
      fc.property(plays, (p) => {
        const r = drive(p);
        expect(r.sessions.length).toBe(1);
        expect(r.milestones[0]).toEqual(MILESTONES);
        expect(r.ended.length).toBe(1);
        expect(playedPercent(r.ended[0], p.duration)).toBe(100);
        expect(r.sessions[0]._media).toMatchObject({ mediaType: 'VIDEO' });
      }),
      params,
    );
  });

  it('skipping forward credits nothing that was skipped', () => {
    fc.assert(
      fc.property(plays, fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.double({ min: 0.1, max: 0.45, noNaN: true }), (p, from, skip) => {
        // Long enough that the skip is more than a reading's worth.
        fc.pre(p.duration * skip > 2 * p.rate);
        skipped(drive, p, { from: from * p.duration, to: Math.min(p.duration, (from + skip) * p.duration) });
      }),
      params,
    );
  });

  it('skipping forward while paused (the scrubber dragged), or as the player buffers, credits nothing that was skipped', () => {
    fc.assert(
      fc.property(
        plays,
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        fc.double({ min: 0.1, max: 0.45, noNaN: true }),
        fc.record({ paused: fc.boolean(), ms: fc.integer({ min: 100, max: 8000 }), order: fc.integer({ min: 0, max: 1 }) }),
        (p, from, skip, how) => {
          // A skip of more than the playhead's slack, and of more than one reading's worth.
          fc.pre(p.duration * skip > 2 * p.rate);
          const r = skipped(drive, p, { from: from * p.duration, to: Math.min(p.duration, (from + skip) * p.duration), ...how });
          expect(r.sessions.length).toBe(1);
        },
      ),
      params,
    );
  });

  it('playing several videos in turn (a playlist), files each one\'s session under its own video: its URL, title and duration, and 100%', () => {
    const vendor = drive == youtubePlay ? 'YouTube' : 'Vimeo';
    fc.assert(
      fc.property(fc.array(fc.record({ play: plays, order: fc.integer({ min: 0, max: 2 }) }), { minLength: 2, maxLength: 4 }), (videos) => {
        const r = playlist(vendor, videos);
        expect(r.sessions.length).toBe(videos.length);
        videos.forEach(({ play }, i) => {
          const session = r.sessions[i];
          expect(session._media).toMatchObject({ externalId: r.url(i), mediaUrl: r.url(i), mediaType: 'VIDEO' });
          expect(session._media.mediaName).toBe(vendor == 'YouTube' || videos[i].order == 0 ? `Video ${i}` : `${100 + i}`);
          expect(session._duration).toBe(play.duration);
          expect(r.milestones[i]).toEqual(MILESTONES);
          expect(playedPercent(r.ended[i], play.duration)).toBe(100);
        });
      }),
      { ...params, numRuns: Math.ceil(RUNS / 4) },
    );
  });
});
