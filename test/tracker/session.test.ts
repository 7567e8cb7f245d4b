import { describe, expect, it } from 'vitest';
import { standIn } from './media-stand-in.js';

describe('a session', () => {
  it('begins at the first playing, with one start, and reaches every quartile once', () => {
    const m = standIn(8);
    m.play();
    expect(m.reports).toEqual([{ session: 'session-1' }]);
    m.run(9);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.sessions()).toEqual(['session-1']);
    expect(m.playhead._session()).toBeUndefined();
  });

  it('does not begin while paused, nor while it may not (background video, no consent)', () => {
    const m = standIn(8);
    m.read('timeupdate');
    m.allow(false);
    m.play();
    m.run(1);
    expect(m.reports).toEqual([]);
    // Unmuted (or consent given) mid-play: the session begins at the next timeupdate, and
    // counts from the reading before it, 1 s.
    m.allow(true);
    m.run(0.25);
    expect(m.reports).toEqual([{ session: 'session-1' }]);
    m.run(1.5);
    expect(m.percents()).toEqual([]);
    m.run(0.25);
    expect(m.percents()).toEqual([25]);
    expect(m.playhead._session()!._runs).toEqual([[1, 3]]);
  });

  it('credits from where play began when a ratechange queued while paused is heard late (a muted video the visitor starts)', () => {
    // The click sets the rate and calls play(): Chromium delivers the `ratechange` with the
    // media already 0.14 s in, before the `play` that shows the visitor's gesture.
    const m = standIn(4);
    m.allow(false);
    m.el.paused = false;
    m.el.playbackRate = 16;
    m.advanceClock(9);
    m.el.currentTime = 0.14;
    m.read('ratechange');
    m.allow(true);
    m.advanceClock(2);
    m.el.currentTime = 0.17;
    m.read('playing');
    expect(m.reports).toEqual([{ session: 'session-1' }]);
    m.run(1);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.ended[0]._runs).toEqual([[0, 4]]);
  });

  it('starts a new session when the media is played again after it ended', () => {
    const m = standIn(4);
    m.play();
    m.run(5);
    m.seek(0);
    m.play();
    m.run(5);
    expect(m.sessions()).toEqual(['session-1', 'session-2']);
    expect(m.percents()).toEqual([25, 50, 75, 100, 25, 50, 75, 100]);
  });

  it('starts a new session at each wrap-around of a loop, and the wrap completes the first', () => {
    const m = standIn(4);
    m.el.loop = true;
    m.el.playbackRate = 4;
    m.play();
    m.run(1.5); // 6 s of media: one wrap
    expect(m.sessions()).toEqual(['session-1', 'session-2']);
    expect(m.reports.filter((r) => r.session == 'session-1').map((r) => r.percent)).toEqual([undefined, 25, 50, 75, 100]);
    expect(m.reports.filter((r) => r.session == 'session-2').map((r) => r.percent)).toEqual([undefined, 25, 50]);
  });

  it('counts a Firefox-style wrap (currentTime already past 0, seeking false) from 0', () => {
    const m = standIn(4);
    m.el.loop = true;
    m.play();
    m.run(3.75);
    m.advanceClock(250);
    m.reachEnd(true);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.playhead._session()!._runs).toEqual([[0, 0.03]]);
    m.run(4);
    expect(m.reports.filter((r) => r.session == 'session-2').map((r) => r.percent)).toEqual([undefined, 25, 50, 75, 100]);
  });

  it('ends on a change of source, and the new source gets its own session', () => {
    const m = standIn(8);
    m.play();
    m.run(3);
    m.load('https://example.com/media/other.webm', 4);
    expect(m.playhead._session()).toBeUndefined();
    m.play();
    m.run(1.1);
    expect(m.sessions()).toEqual(['session-1', 'session-2']);
    expect(m.reports.filter((r) => r.session == 'session-2').map((r) => r.percent)).toEqual([undefined, 25]);
  });

  it('is not split by readings of the same source (a player reloading it)', () => {
    const m = standIn(8);
    m.play();
    m.run(1);
    m.read('loadstart');
    m.run(1);
    expect(m.sessions()).toEqual(['session-1']);
  });

  it('closes when the element is released, crediting what played since the last timeupdate', () => {
    const m = standIn(8);
    m.play();
    m.run(1.75);
    m.el.currentTime = 2.1;
    m.playhead._close(m.el);
    expect(m.percents()).toEqual([25]);
    expect(m.playhead._session()).toBeUndefined();
  });
});

describe('progress is the share actually played', () => {
  it('does not earn the part skipped by a seek forward', () => {
    const m = standIn(8);
    m.play();
    m.run(2);
    m.seek(6);
    m.run(3);
    // [0, 2] and [6, 8]: half of it.
    expect(m.percents()).toEqual([25, 50]);
  });

  it('does not count a part watched again twice', () => {
    const m = standIn(8);
    m.play();
    m.run(3);
    m.seek(0);
    m.run(3);
    m.seek(0);
    m.run(3);
    expect(m.percents()).toEqual([25]);
    m.seek(3);
    m.run(1);
    expect(m.percents()).toEqual([25, 50]);
  });

  it('credits the play between the last timeupdate and a seek, up to where el.played stops', () => {
    const m = standIn(8);
    m.play();
    m.run(1.75);
    // 250 ms after the last timeupdate, the visitor seeks: 0.25 s more was played.
    m.seek(7, 250);
    expect(m.playhead._session()!._runs).toEqual([[0, 2]]);
    expect(m.percents()).toEqual([25]);
  });

  it('credits no more than el.played holds when the clock says more (a stall before the seek)', () => {
    const m = standIn(8);
    m.play();
    m.run(1.75);
    // Stalled: the position did not move for 3 s of wall time, then a seek.
    m.advanceClock(3000);
    m.seek(7);
    expect(m.playhead._session()!._runs).toEqual([[0, 1.75]]);
  });

  it('credits nothing past the last reading for a seek within what an earlier session played: where play stopped is not known', () => {
    const m = standIn(8);
    m.play();
    m.run(9);
    m.seek(0);
    m.play();
    m.run(2);
    // el.played holds all of [0, 8] from the first session, so it cannot say where this one
    // stopped (0.5 s more was played; the clock would allow 0.75 s).
    m.seek(6, 500);
    expect(m.playhead._session()!._runs).toEqual([[0, 2]]);
  });

  it('credits a seek up to where play ran into media this session played already, and no further', () => {
    const m = standIn(20);
    m.play();
    m.run(2);
    m.seek(6);
    m.run(2); // [0, 2] and [6, 8]
    m.seek(1);
    m.el.playbackRate = 16;
    m.read('ratechange');
    m.run(0.25); // a reading at 5
    // 0.2 s of wall time later (3.2 s of media at 16x), a seek: the browser's range from 1
    // now runs on into [6, 8], so it shows play to 8. Play is sure to have reached 6.
    m.seek(15, 200);
    expect(m.playhead._session()!._runs).toEqual([[0, 2], [6, 8], [1, 6]]);
  });

  it('treats a jump further than play can reach as a seek, with no seeking event (an embedded player)', () => {
    const m = standIn(20);
    m.play();
    m.run(2);
    m.el.currentTime = 12;
    m.advanceClock(250);
    m.read('timeupdate');
    expect(m.playhead._session()!._runs).toEqual([[0, 2]]);
    expect(m.stops).toHaveLength(1);
    m.run(1);
    expect(m.playhead._session()!._runs).toEqual([[0, 2], [12, 13]]);
  });

  it('still sees a wrap whose events were handled late (a busy page)', () => {
    const m = standIn(4);
    m.el.loop = true;
    m.play();
    m.run(3.9);
    // The last timeupdate (3.9 s) was handled late, right before the wrap's seeking.
    m.advanceClock(-90);
    m.reachEnd(true);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.sessions()).toEqual(['session-1', 'session-2']);
  });

  it('credits nothing for a seek while paused', () => {
    const m = standIn(8);
    m.play();
    m.run(1);
    m.pause();
    m.advanceClock(5000);
    m.seek(5);
    expect(m.playhead._session()!._runs).toEqual([[0, 1]]);
  });

  it('credits nothing for a move while paused that no seeking announced (an embedded player scrubbed while paused)', () => {
    const m = standIn(8);
    m.play();
    m.run(1);
    m.pause();
    m.advanceClock(3000);
    // YouTube tells a seek only by the position it reports next; Vimeo's timeupdate at the new
    // position comes before its `seeked`.
    m.el.currentTime = 6;
    m.read('timeupdate');
    expect(m.playhead._session()!._runs).toEqual([[0, 1]]);
    expect(m.stops).toHaveLength(2);
    m.advanceClock(3000);
    m.play();
    m.run(0.5);
    expect(m.playhead._session()!._runs).toEqual([[0, 1], [6, 6.5]]);
  });

  it('credits the play up to a pause that a paused reading tells after the pause itself (YouTube: its state, then its position)', () => {
    const m = standIn(8);
    m.play();
    m.run(1);
    // Paused at 1.2 s; the reading at the pause still shows 1 s, the next one 1.2 s.
    m.advanceClock(200);
    m.el.paused = true;
    m.read('timeupdate');
    m.advanceClock(20);
    m.el.currentTime = 1.2;
    m.read('timeupdate');
    expect(m.playhead._session()!._runs).toEqual([[0, 1.2]]);
  });

  it('still credits what played before a `playing` handled late after a pause (a busy page)', () => {
    const m = standIn(8);
    m.play();
    m.run(1);
    m.pause();
    m.advanceClock(3000);
    // Play resumed 0.8 s before its `playing` was handled: the reading shows it playing.
    m.el.paused = false;
    m.advanceClock(800);
    m.el.currentTime = 1.8;
    m.read('playing');
    expect(m.playhead._session()!._runs).toEqual([[0, 1.8]]);
  });

  it('credits every second between two timeupdates at 16x: they were played, not skipped', () => {
    const m = standIn(8);
    m.el.playbackRate = 16;
    m.play();
    m.run(0.25); // 4 s of media in one timeupdate
    expect(m.percents()).toEqual([25, 50]);
    m.run(0.25);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
  });

  it('reaches 100 when ended arrives before a timeupdate reached the end', () => {
    const m = standIn(4);
    m.play();
    m.run(3.75);
    expect(m.percents()).toEqual([25, 50, 75]);
    // `ended` with currentTime short of the duration (Firefox rounds the last frame).
    m.el.paused = true;
    m.el.currentTime = 3.98;
    m.read('ended');
    expect(m.percents()).toEqual([25, 50, 75, 100]);
  });

  it('handles a 1 s clip played in one go', () => {
    const m = standIn(1);
    m.el.playbackRate = 16;
    m.play();
    m.run(0.25);
    expect(m.reports.map((r) => r.percent)).toEqual([undefined, 25, 50, 75, 100]);
  });

  it('survives pause and resume', () => {
    const m = standIn(8);
    m.play();
    m.run(1.5);
    m.pause();
    m.advanceClock(10_000);
    m.play();
    m.run(10);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.playhead._session()).toBeUndefined();
  });

  it('reports each milestone in order as its share is played: exactly at its boundary, and 100 only for the whole media', () => {
    const m = standIn(4, [75, 25, 50, 100].sort((a, b) => a - b));
    m.play();
    m.run(1);
    expect(m.percents()).toEqual([25]);
    m.run(2);
    expect(m.percents()).toEqual([25, 50, 75]);
    m.advanceClock(999);
    m.el.currentTime = 3.999;
    m.read('timeupdate');
    expect(m.percents()).toEqual([25, 50, 75]);
    m.run(1);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    // Several reached at one reading (a long task, a reading at 16x) come in order.
    const n = standIn(4);
    n.play();
    n.advanceClock(3100);
    n.el.currentTime = 3.1;
    n.read('timeupdate');
    expect(n.percents()).toEqual([25, 50, 75]);
  });

  it('takes a reading that showed a stale position, then a fresh one, for play: nothing is lost (Firefox on a busy page)', () => {
    // 6.008 s at 1x, read every 250 ms. Two readings in a row show 2.75 s, the first 250 ms
    // and the second 500 ms stale; the next shows 3.5 s, further than the clock allows from
    // 2.75 s, and no further than it allows from where the clock put the media.
    const m = standIn(6.008);
    m.play();
    m.run(2.75);
    m.advanceClock(250);
    m.read('timeupdate');
    m.advanceClock(250);
    m.read('timeupdate');
    m.advanceClock(250);
    m.el.currentTime = 3.5;
    m.read('timeupdate');
    expect(m.stops).toEqual([]);
    m.run(3);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
    expect(m.ended[0]._runs).toEqual([[0, 6.008]]);
  });

  it('counts the clock afresh at `playing` after a stall, so that a jump after it is still one', () => {
    // The media stalls at 2 s for 10 s (the clock runs, the position does not, and the media
    // is not paused), plays again, then jumps to 8 s with no `seeking` (an embedded player).
    const m = standIn(20);
    m.play();
    m.run(2);
    m.advanceClock(10_000);
    m.read('playing');
    m.advanceClock(250);
    m.el.currentTime = 8;
    m.read('timeupdate');
    expect(m.stops).toHaveLength(1);
    m.run(1);
    expect(m.playhead._session()!._runs).toEqual([[0, 2], [8, 9]]);
  });

  it('keeps no more than 2 s of the lead the clock gives, so that a jump after a frozen page is still one', () => {
    // A page frozen for a minute with the media held at 2 s (no pause, no `playing` after),
    // then play on to 2.2 s, then a jump to 10 s with no `seeking` (an embedded player).
    const m = standIn(60);
    m.play();
    m.run(2);
    m.advanceClock(60_000);
    m.el.currentTime = 2.2;
    m.read('timeupdate');
    m.advanceClock(250);
    m.el.currentTime = 10;
    m.read('timeupdate');
    expect(m.stops).toHaveLength(1);
    m.run(1);
    expect(m.playhead._session()!._runs).toEqual([[0, 2.2], [10, 11]]);
  });

  it('sends the start but no quartile for an unknown or infinite duration (live)', () => {
    for (const duration of [NaN, Infinity, 0]) {
      const m = standIn(duration);
      m.play();
      m.el.currentTime = 30;
      m.read('timeupdate');
      expect(m.reports).toEqual([{ session: 'session-1' }]);
    }
  });

  it('measures against the duration as it is now when it changes mid-play', () => {
    const m = standIn(20);
    m.play();
    m.run(4);
    expect(m.percents()).toEqual([]);
    m.el.duration = 8;
    m.read('durationchange');
    expect(m.percents()).toEqual([25, 50]);
  });

  it('fires each milestone at most once per session, whatever the seeks', () => {
    const m = standIn(4);
    m.play();
    m.run(2.5);
    m.seek(0);
    m.run(2.5);
    m.seek(0);
    m.run(5);
    expect(m.percents()).toEqual([25, 50, 75, 100]);
  });

  it('credits what el.played holds when attached to a media already playing', () => {
    const m = standIn(8);
    m.el.paused = false;
    m.el.currentTime = 3;
    // The browser's record: 0-1 played, then a seek to 2, now at 3.
    Object.assign(m.el, {
      played: { length: 2, start: (i: number) => [0, 2][i], end: (i: number) => [1, 3][i] },
    });
    m.read('attach');
    expect(m.reports).toEqual([{ session: 'session-1' }, { session: 'session-1', percent: 25 }]);
    expect(m.playhead._session()!._runs).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
