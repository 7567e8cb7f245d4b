/**
 * The embeds build's protocol adapters (src/tracker/embeds/): what each says to its player,
 * and the readings each makes of what the player says; and the loader's queue.
 */
import { describe, expect, it } from 'vitest';
import { embedState } from '../../src/tracker/embeds/state.js';
import { vimeo } from '../../src/tracker/embeds/vimeo.js';
import { canonical } from '../../src/tracker/embeds/watch.js';
import { youtube } from '../../src/tracker/embeds/youtube.js';

/** An iframe without attributes, as far as the embed state reads one. */
const IFRAME = { getAttribute: () => null } as unknown as HTMLIFrameElement;

const yt = () => {
  const state = embedState('https://www.youtube.com/watch?v=abc', IFRAME);
  const sent: unknown[] = [];
  const reads: string[] = [];
  const player = youtube(state, (m) => sent.push(JSON.parse(m)), (t) => reads.push(t), 7);
  const say = (event: string, info: unknown) => player._message(JSON.stringify({ event, info, id: 7, channel: 'widget' }));
  return { state, sent, reads, player, say };
};

const vm = () => {
  const state = embedState('https://vimeo.com/76979871', IFRAME);
  const sent: { method: string; value?: unknown }[] = [];
  const reads: string[] = [];
  const player = vimeo(state, (m) => sent.push(m as { method: string }), (t) => reads.push(t));
  return { state, sent, reads, player };
};

describe('canonical URLs', () => {
  it('are the same whichever embed host or query string', () => {
    for (const src of [
      'https://www.youtube.com/embed/dQw4w9WgXcQ?enablejsapi=1&rel=0',
      'https://youtube.com/embed/dQw4w9WgXcQ',
      'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ#t=3',
      'https://youtube-nocookie.com/embed/dQw4w9WgXcQ',
    ])
      expect(canonical(src)).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    expect(canonical('https://player.vimeo.com/video/76979871?h=8272103f6e')).toBe('https://vimeo.com/76979871');
  });
  it('are none for other hosts and look-alikes', () => {
    for (const src of [
      'https://www.youtube.com.evil.test/embed/x',
      'http://www.youtube.com/embed/x',
      'https://evil.test/?https://www.youtube.com/embed/x',
      'https://vimeo.com/76979871',
      'https://player.vimeo.com/video/abc',
      'https://fast.wistia.net/embed/iframe/abc',
      '',
    ])
      expect(canonical(src)).toBeUndefined();
  });
});

describe('the YouTube adapter', () => {
  it('says listening until initialDelivery, then subscribes, and reads nothing before', () => {
    const { sent, reads, player, say, state } = yt();
    expect(player._hello()).toBe(0);
    expect(sent).toEqual([{ event: 'listening', id: 7, channel: 'widget' }]);
    // Events before the handshake are not trusted as state.
    say('infoDelivery', { playerState: 1, currentTime: 3 });
    expect(reads).toEqual([]);
    say('initialDelivery', { playerState: -1, currentTime: 0, duration: 12.5, videoData: { title: 'Launch' }, playbackRate: 1 });
    expect(player._hello()).toBe(1);
    expect(sent.slice(1)).toEqual([
      { event: 'command', func: 'addEventListener', args: ['onStateChange'], id: 7, channel: 'widget' },
      { event: 'command', func: 'addEventListener', args: ['onPlaybackRateChange'], id: 7, channel: 'widget' },
    ]);
    expect(state.duration).toBe(12.5);
    expect(state.title).toBe('Launch');
    // A load of the iframe starts the handshake again.
    player._hello(1);
    expect(sent.at(-1)).toEqual({ event: 'listening', id: 7, channel: 'widget' });
  });

  it('after a load, still reads a player that does not answer listening again (it answered before that load)', () => {
    const { sent, reads, player, say, state } = yt();
    say('initialDelivery', { playerState: -1, currentTime: 0, duration: 8 });
    expect(player._hello(1)).toBe(0);
    say('onStateChange', 1);
    say('infoDelivery', { currentTime: 0.25 });
    expect([reads.slice(-2), state.currentTime]).toEqual([['playing', 'timeupdate'], 0.25]);
    // Heard from since that hello: no more listening, and no second subscription.
    const n = sent.length;
    expect(player._hello()).toBe(1);
    expect(sent.length).toBe(n);
    // A new page in the iframe answers the hello after its load, and is subscribed.
    player._hello(1);
    say('initialDelivery', { playerState: -1 });
    expect(sent.slice(n + 1).map((m) => (m as { args?: string[] }).args?.[0])).toEqual(['onStateChange', 'onPlaybackRateChange']);
  });

  it('reads playerState as playing, pausing and ending, and currentTime as timeupdates', () => {
    const { reads, say, state } = yt();
    say('initialDelivery', { playerState: 5, currentTime: 0, duration: 10 });
    expect(reads).toEqual(['timeupdate']);
    say('onStateChange', 1);
    expect([reads.at(-1), state.paused]).toEqual(['playing', false]);
    say('infoDelivery', { currentTime: 0.25 });
    expect([reads.at(-1), state.currentTime]).toEqual(['timeupdate', 0.25]);
    say('infoDelivery', { playerState: 3 });
    expect([reads.at(-1), state.paused]).toEqual(['timeupdate', true]);
    say('infoDelivery', { playerState: 1, currentTime: 0.3 });
    expect(reads.at(-1)).toBe('playing');
    say('onPlaybackRateChange', 2);
    expect([reads.at(-1), state.playbackRate]).toEqual(['ratechange', 2]);
    say('infoDelivery', { playerState: 0, currentTime: 10 });
    expect([reads.at(-1), state.paused]).toEqual(['ended', true]);
  });

  it('takes another video in the player (a playlist, a related video) as a new source, named by its own id and title', () => {
    const { reads, say, state } = yt();
    say('initialDelivery', { playerState: 0, currentTime: 10, duration: 10, videoData: { video_id: 'abc', title: 'First' } });
    expect([state.currentSrc, state.title]).toEqual(['https://www.youtube.com/watch?v=abc', 'First']);
    // The next video: from its start, its duration unknown until the player says.
    say('infoDelivery', { videoData: { video_id: 'Next_Video-1', title: '' } });
    expect([state.currentSrc, state.title, state.currentTime, state.duration]).toEqual(['https://www.youtube.com/watch?v=Next_Video-1', '', 0, NaN]);
    say('infoDelivery', { videoData: { video_id: 'Next_Video-1', title: 'Second' }, duration: 30, playerState: 1 });
    expect([state.title, state.duration, reads.at(-1)]).toEqual(['Second', 30, 'playing']);
    // An id that is none (empty, or not YouTube's characters) changes nothing.
    for (const video_id of ['', 'a/b', 7]) say('infoDelivery', { videoData: { video_id } });
    expect(state.currentSrc).toBe('https://www.youtube.com/watch?v=Next_Video-1');
  });

  it('after a load (the iframe given another video), reads the new page\'s first state, whatever the last page\'s was', () => {
    const { reads, player, say, state } = yt();
    say('initialDelivery', { playerState: 1, currentTime: 3 });
    expect(reads.at(-1)).toBe('playing');
    state.paused = true;
    player._hello(1);
    say('initialDelivery', { playerState: 1, currentTime: 0 });
    expect([reads.at(-1), state.paused]).toEqual(['playing', false]);
  });

  it('keeps the duration unknown while the player reports 0', () => {
    const { say, state } = yt();
    say('initialDelivery', { duration: 0 });
    expect(state.duration).toBeNaN();
  });

  it('ignores what is not its protocol, and throws only on what is not JSON (watch.ts catches it)', () => {
    const { reads, player, say } = yt();
    say('initialDelivery', {});
    reads.length = 0;
    for (const data of [{ event: 'onStateChange', info: 1 }, 42, null, undefined]) player._message(data);
    for (const data of ['null', '42', '"x"', '{"event":"infoDelivery","info":null}', '{"event":"infoDelivery","info":"x"}'])
      player._message(data);
    say('constructor', { playerState: 1 });
    expect(reads.filter((r) => r == 'playing').length).toBe(1);
    expect(() => player._message('{')).toThrow();
  });
});

describe('the Vimeo adapter', () => {
  it('pings until ready, then subscribes to its events and asks for duration and title', () => {
    const { sent, player, state } = vm();
    player._hello();
    expect(sent).toEqual([{ method: 'ping' }]);
    player._message({ method: 'ping' });
    expect(sent.slice(1)).toEqual([
      ...['play', 'pause', 'timeupdate', 'seeked', 'ended', 'playbackratechange', 'loaded'].map((value) => ({ method: 'addEventListener', value })),
      { method: 'getDuration' },
      { method: 'getVideoTitle' },
      { method: 'getPlaybackRate' },
    ]);
    player._message({ method: 'getPlaybackRate', value: 2 });
    expect(state.playbackRate).toBe(2);
    player._message({ method: 'getDuration', value: 62.2 });
    player._message(JSON.stringify({ method: 'getVideoTitle', value: 'Sintel' }));
    expect([state.duration, state.title]).toEqual([62.2, 'Sintel']);
    // The ready event after the ping's answer subscribes nothing again.
    player._message({ event: 'ready' });
    expect(sent.length).toBe(11);
  });

  it('after a load, still reads the player before it answers the new ping', () => {
    const { reads, player, state } = vm();
    player._message({ method: 'ping' });
    player._hello(1);
    player._message({ event: 'play', data: { seconds: 0, duration: 10 } });
    expect([reads.at(-1), state.paused]).toEqual(['playing', false]);
  });

  it('takes another video loaded in the player as a new source, paused at its start, and asks its duration and title', () => {
    const { sent, reads, player, state } = vm();
    player._message({ event: 'ready' });
    player._message({ event: 'play', data: { seconds: 0, duration: 10 } });
    player._message({ event: 'timeupdate', data: { seconds: 4, duration: 10 } });
    sent.length = 0;
    player._message({ event: 'loaded', data: { id: 1234 } });
    expect([state.currentSrc, state.currentTime, state.duration, state.title, state.paused, reads.at(-1)]).toEqual(['https://vimeo.com/1234', 0, NaN, '', true, 'timeupdate']);
    expect(sent).toEqual([{ method: 'getDuration' }, { method: 'getVideoTitle' }]);
    // The same video again, or an id that is none: nothing changes, nothing is asked.
    for (const id of [1234, 'x', undefined]) player._message({ event: 'loaded', data: { id } });
    expect([state.currentSrc, sent.length]).toEqual(['https://vimeo.com/1234', 2]);
  });

  it('reads its events as a media element fires them', () => {
    const { reads, player, state } = vm();
    player._message({ event: 'timeupdate', data: { seconds: 1, duration: 10 } });
    expect(reads).toEqual([]);
    player._message({ event: 'ready' });
    player._message({ event: 'play', data: { seconds: 0, percent: 0, duration: 10 } });
    expect([reads.at(-1), state.paused]).toEqual(['playing', false]);
    player._message({ event: 'timeupdate', data: { seconds: 0.25, percent: 0.025, duration: 10 } });
    expect([reads.at(-1), state.currentTime]).toEqual(['timeupdate', 0.25]);
    player._message({ event: 'seeked', data: { seconds: 6, duration: 10 } });
    expect([reads.at(-1), state.currentTime]).toEqual(['seeking', 6]);
    player._message({ event: 'pause', data: { seconds: 6.1, duration: 10 } });
    expect([reads.at(-1), state.paused]).toEqual(['timeupdate', true]);
    player._message({ event: 'playbackratechange', data: { playbackRate: 1.5 } });
    expect([reads.at(-1), state.playbackRate]).toEqual(['ratechange', 1.5]);
    player._message({ event: 'ended', data: { seconds: 10, duration: 10 } });
    expect([reads.at(-1), state.paused]).toEqual(['ended', true]);
    const n = reads.length;
    for (const data of [{ event: 'constructor', data: {} }, { event: 'play' }, { event: 'play', data: 'x' }, null, 'null', 7]) player._message(data);
    expect(reads.length).toBe(n);
  });
});
