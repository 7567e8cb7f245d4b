/**
 * YouTube and Vimeo embeds (issue 24), against fakes served at the vendors' origins
 * (embed-fakes.ts). First each fake is proved with a real npm client of its protocol; then the
 * tracker is run against them.
 */
import type { Frame, Page } from '@playwright/test';
import type { WireEvent } from '../src/wire.js';
import { fakeTitle, routeFakes } from './embed-fakes.js';
import { expect, test } from './fixtures.js';
import { media, steps, VIEWING } from './media.js';

const YT = 'https://www.youtube.com/embed/yt-Id_42';
const VM = 'https://player.vimeo.com/video/76979871';
const iframe = (id: string, src: string, attrs = '') => `<iframe id="${id}" src="${src}" width="320" height="180" ${attrs}></iframe>`;

/** The frame whose URL starts with `prefix`. */
const frameOf = async (page: Page, prefix: string): Promise<Frame> => {
  await expect.poll(() => page.frames().some((f) => f.url().startsWith(prefix))).toBe(true);
  return page.frames().find((f) => f.url().startsWith(prefix))!;
};

/** Waits until the page subscribed to `event` in the fake's frame, then plays its video (unless `paused`). */
const playWhenSubscribed = async (page: Page, prefix: string, event: string, { paused = false } = {}) => {
  await expect
    .poll(async () => {
      const frame = page.frames().find((f) => f.url().startsWith(prefix));
      return frame ? frame.evaluate((e) => !!(window as unknown as { __subs?: Set<string> }).__subs?.has(e), event).catch(() => false) : false;
    })
    .toBe(true);
  const frame = await frameOf(page, prefix);
  if (!paused) await frame.evaluate(() => document.querySelector('video')!.play());
  return frame;
};

const of = (events: WireEvent[], externalId: string) => events.filter((e) => e.externalId == externalId);

/**
 * The proof of a YouTube fake with youtube-iframe-ctrl, a real client from npm: it must play
 * the fake to its end, and the fake must speak as YouTube does. Returns what went wrong.
 */
async function youtubeProof(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const wrong: string[] = [];
    const { default: Ctrl } = await import('/node_modules/youtube-iframe-ctrl/dist/index.js' as string);
    const on = document.getElementById('on') as HTMLIFrameElement;
    const off = document.getElementById('off') as HTMLIFrameElement;
    const heard = new Map<Window | null, { event: string }[]>([
      [on.contentWindow, []],
      [off.contentWindow, []],
    ]);
    addEventListener('message', (e) => {
      try {
        heard.get(e.source as Window)?.push(JSON.parse(e.data));
      } catch {
        /* not JSON */
      }
    });
    await new Promise((r) => (off.contentDocument || document.readyState == 'complete' ? r(0) : addEventListener('load', r)));
    off.contentWindow!.postMessage('{"event":"listening"}', '*');
    const ctrl = new Ctrl(on);
    const ended = new Promise((r) => on.addEventListener('ytstatechange', (e) => (e as CustomEvent).detail == 'ENDED' && r(0)));
    await Promise.race([ctrl.loaded, new Promise((r) => setTimeout(r, 20_000))]);
    await ctrl.play();
    await Promise.race([ended.then(() => 'ended'), new Promise((r) => setTimeout(r, 20_000))]).then((r) => r != 'ended' && wrong.push('never ended'));
    const messages = heard.get(on.contentWindow)!;
    if (messages[0]?.event != 'initialDelivery') wrong.push(`first message ${messages[0]?.event}, not initialDelivery`);
    // youtube-iframe-ctrl subscribes to nothing: no event may come.
    if (messages.some((m) => m.event == 'onStateChange')) wrong.push('onStateChange without a subscription');
    // Asked at once alongside the one that answered: the embed without enablejsapi=1 said nothing.
    if (heard.get(off.contentWindow)!.length) wrong.push('answered without enablejsapi=1');
    return wrong;
  });
}

/**
 * The proof of a YouTube fake with vidstack's YouTube provider, another real client from npm
 * (it reads `playerState` and `progressState` from `infoDelivery`, and is ready at "cued"):
 * its <media-player> must get ready and play the fake to its end, and the fake must speak as
 * YouTube does. Returns what went wrong.
 */
async function vidstackProof(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const wrong: string[] = [];
    const heard = (window as unknown as { __heard: { event: string }[] }).__heard;
    const player = document.getElementById('p') as HTMLElement & { playbackRate: number; play(): Promise<void> };
    const bound = (ms: number) => new Promise((r) => setTimeout(() => r('timed out'), ms));
    const once = (type: string) => new Promise((r) => player.addEventListener(type, () => r(type), { once: true }));
    await customElements.whenDefined('media-player');
    const ready = once('can-play');
    if ((await Promise.race([ready, bound(20_000)])) != 'can-play') wrong.push('never ready');
    else {
      const ended = once('ended');
      player.playbackRate = 4;
      await player.play();
      if ((await Promise.race([ended, bound(20_000)])) != 'ended') wrong.push('never ended');
    }
    if (heard[0]?.event != 'initialDelivery') wrong.push(`first message ${heard[0]?.event}, not initialDelivery`);
    // vidstack subscribes to nothing: no event may come.
    if (heard.some((m) => m.event == 'onStateChange')) wrong.push('onStateChange without a subscription');
    return wrong;
  });
}

test.describe('the fakes, proved with real clients', () => {
  test('@vimeo/player gets ready, reads title and duration, and sees timeupdate and ended', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ build: 'none', body: iframe('vm', `${VM}?__rate=4`) + '<script src="/node_modules/@vimeo/player/dist/player.js"></script>' });
    const seen = await page.evaluate(async () => {
      const Player = (window as unknown as { Vimeo: { Player: new (el: Element) => any } }).Vimeo.Player;
      const player = new Player(document.getElementById('vm')!);
      await player.ready();
      const title = await player.getVideoTitle();
      const duration = await player.getDuration();
      let timeupdates = 0;
      player.on('timeupdate', () => timeupdates++);
      const ended = new Promise((r) => player.on('ended', r));
      await player.play();
      await ended;
      // Another video loaded into the same player: its `loaded` event, then its own title and duration.
      const loaded = new Promise((r) => player.on('loaded', r));
      const loadedId = await player.loadVideo(1234567);
      return { title, duration, timeupdates, loadedId, loaded: await loaded, next: { title: await player.getVideoTitle(), duration: await player.getDuration() } };
    });
    expect(seen.title).toBe(fakeTitle('76979871'));
    expect(seen.duration).toBeGreaterThan(7);
    expect(seen.timeupdates).toBeGreaterThan(3);
    expect([seen.loadedId, seen.loaded]).toEqual([1234567, { id: 1234567 }]);
    expect(seen.next.title).toBe(fakeTitle('1234567'));
    expect(seen.next.duration).toBeGreaterThan(3.5);
    expect(seen.next.duration).toBeLessThan(4.5);
  });

  for (const broken of [false, true])
    test(`youtube-iframe-ctrl plays the ${broken ? 'broken fake, and the proof fails' : 'fake to its end'}`, async ({ page, track }) => {
      await routeFakes(page.context(), track.server.url, { broken });
      await track.open({ build: 'none', body: iframe('on', `${YT}?enablejsapi=1&__rate=4`) + iframe('off', `${YT}?__rate=4`) });
      const wrong = await youtubeProof(page);
      if (broken) expect(wrong.length).toBeGreaterThan(0);
      else expect(wrong).toEqual([]);
    });

  for (const broken of [false, true])
    test(`vidstack's YouTube provider plays the ${broken ? 'broken fake, and the proof fails' : 'fake to its end'}`, async ({ page, track }) => {
      await routeFakes(page.context(), track.server.url, { broken });
      // vidstack looks for the video's poster on YouTube's image host: none here.
      await page.route('https://i.ytimg.com/**', (route) => route.fulfill({ status: 404 }));
      // What the player's frame says, from before vidstack makes it.
      const head = `<script>
window.__heard = [];
addEventListener('message', (e) => {
  if (e.origin == 'https://www.youtube-nocookie.com') try { window.__heard.push(JSON.parse(e.data)); } catch {}
});
</script><script type="module">import '/node_modules/vidstack/prod/define/vidstack-player.js';</script>`;
      // vidstack takes an id of YouTube's 11 characters.
      await track.open({ build: 'none', head, body: '<media-player id="p" src="youtube/M7lc1UVf-VE"><media-provider></media-provider></media-player>' });
      const wrong = await vidstackProof(page);
      if (broken) expect(wrong.length).toBeGreaterThan(0);
      else expect(wrong).toEqual([]);
    });
});

test.describe('embeds tracked by the drop-in', () => {
  test('a YouTube embed played whole reports like a video, under its canonical URL and its title', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`, 'title="YouTube video player"') });
    await playWhenSubscribed(page, YT, 'onStateChange');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    for (const e of events)
      expect(e).toMatchObject({ externalId: 'https://www.youtube.com/watch?v=yt-Id_42', mediaUrl: 'https://www.youtube.com/watch?v=yt-Id_42', mediaName: fakeTitle('yt-Id_42'), mediaType: 'VIDEO' });
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    expect(events.at(-1)).toMatchObject({ derivedValues: { totalPercentPlayed: 100 } });
    // The embeds build came from beside the drop-in, once.
    expect(asked.filter((u) => u.includes('/dist/media-bridge-tracker.embeds.min.js')).length).toBe(1);
  });

  test('a Vimeo embed played whole reports like a video', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('vm', `${VM}?h=abc&__rate=4`, 'data-media-bridge-id="77"') });
    await playWhenSubscribed(page, VM, 'ended');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    for (const e of events)
      expect(e).toMatchObject({ externalId: 'https://vimeo.com/76979871', mediaName: fakeTitle('76979871'), mediaType: 'VIDEO', mediaBridgeId: 77 });
    expect(events.at(-1)).toMatchObject({ derivedValues: { totalPercentPlayed: 100 } });
  });

  test('a YouTube embed without enablejsapi=1 is given it once, after its first load, and tracked', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?__rate=4&rel=0`) });
    await expect.poll(() => page.evaluate(() => (document.getElementById('yt') as HTMLIFrameElement).src)).toContain('enablejsapi=1');
    await playWhenSubscribed(page, YT, 'onStateChange');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    expect((await page.evaluate(() => (document.getElementById('yt') as HTMLIFrameElement).src)).match(/enablejsapi/g)!.length).toBe(1);
  });

  test('forged messages, from the page or another frame, produce nothing', async ({ page, track, server }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`) + iframe('other', `${server.otherOrigin}/media/`) });
    const frame = await playWhenSubscribed(page, YT, 'onStateChange');
    await frame.evaluate(() => document.querySelector('video')!.pause());
    // While the real player is paused at its start: forged plays to the end, from the page
    // and from a frame of another origin, in both protocols, and some that are not JSON.
    await page.evaluate(() => {
      const forged = [
        '{"event":"initialDelivery","info":{"playerState":1,"currentTime":0,"duration":8}}',
        '{"event":"infoDelivery","info":{"playerState":1,"currentTime":2}}',
        '{"event":"infoDelivery","info":{"playerState":1,"currentTime":8}}',
        '{"event":"onStateChange","info":0}',
        { event: 'play', data: { seconds: 0, duration: 8 } },
        { event: 'ended', data: { seconds: 8, duration: 8 } },
        '{',
        null,
      ];
      const other = (document.getElementById('other') as HTMLIFrameElement).contentWindow!;
      for (const m of forged) {
        postMessage(m, '*');
        other.postMessage(m, '*');
      }
    });
    const otherFrame = page.frames().find((f) => f.url().startsWith(server.otherOrigin))!;
    await otherFrame.evaluate((msgs) => msgs.forEach((m) => parent.postMessage(m, '*')), [
      '{"event":"infoDelivery","info":{"playerState":1,"currentTime":4}}',
      '{"event":"onStateChange","info":0}',
    ]);
    await frame.evaluate(() => document.querySelector('video')!.play());
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
  });

  test('a page without embeds asks for no embeds build', async ({ page, track }) => {
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await track.open({ body: media('v', 'clip-1s.webm') + iframe('plain', '/media/') });
    await track.play('v', 2);
    await track.events(6);
    // Past the page's load and idle time, when the embeds build would have been asked for.
    await page.evaluate(() => new Promise((r) => requestIdleCallback(() => setTimeout(r), { timeout: 2000 })));
    expect(asked.filter((u) => u.includes('embeds'))).toEqual([]);
  });

  test('the embeds build is asked for after the page has loaded, never during the drop-in\'s first run', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    // Notes, as the embeds build's script is inserted, whether the page's load had fired.
    const head = `<script>
addEventListener('load', () => (window.__loaded = 1));
new MutationObserver(() => {
  if (!window.__inserted && document.querySelector('script[src*="embeds"]')) window.__inserted = { loaded: !!window.__loaded };
}).observe(document.documentElement, { childList: true, subtree: true });
</script>`;
    await track.open({ head, placement: 'sync', body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`) });
    await page.waitForFunction(() => (window as unknown as { __inserted?: object }).__inserted);
    expect(await page.evaluate(() => (window as unknown as { __inserted: object }).__inserted)).toEqual({ loaded: true });
    await playWhenSubscribed(page, YT, 'onStateChange');
    expect(steps(await track.events(6))).toEqual(VIEWING);
  });

  test('embeds in open shadow roots, as <youtube-video> and <vimeo-video> hold them, are found; their attributes on the element', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    // Players that keep their iframe in an open shadow root: one defined before the tracker
    // starts, one only after (the tracker waits for its name to be defined).
    const define = (name: string) => `customElements.define('${name}', class extends HTMLElement {
  connectedCallback() {
    if (!this.shadowRoot) this.attachShadow({ mode: 'open' }).innerHTML = '<iframe src="' + this.getAttribute('src') + '"></iframe>';
  }
});`;
    await track.open({
      head: `<script>${define('youtube-video')}</script>`,
      body: `<youtube-video src="${YT}?enablejsapi=1&__rate=4" data-media-name="Launch film"></youtube-video>
<vimeo-video src="${VM}?__rate=4" data-media-id="vimeo-in-shadow"></vimeo-video>`,
    });
    await playWhenSubscribed(page, YT, 'onStateChange');
    await expect.poll(async () => steps(of(await track.sent(), 'https://www.youtube.com/watch?v=yt-Id_42'))).toEqual(VIEWING);
    await page.evaluate(define('vimeo-video'));
    await playWhenSubscribed(page, VM, 'ended');
    const events = await track.events(12);
    expect(steps(of(events, 'vimeo-in-shadow'))).toEqual(VIEWING);
    for (const e of of(events, 'https://www.youtube.com/watch?v=yt-Id_42')) expect(e.mediaName).toBe('Launch film');
    for (const e of of(events, 'vimeo-in-shadow')) expect(e).toMatchObject({ mediaUrl: 'https://vimeo.com/76979871', mediaName: fakeTitle('76979871') });
  });

  test('one YouTube, one Vimeo and one native video on a page: three sessions, never mixed', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`) + iframe('vm', `${VM}?__rate=4`) + media('v', 'clip-4s.webm') });
    await playWhenSubscribed(page, YT, 'onStateChange');
    await playWhenSubscribed(page, VM, 'ended');
    await track.play('v', 2);
    const events = await track.events(18);
    const ids = ['https://www.youtube.com/watch?v=yt-Id_42', 'https://vimeo.com/76979871'];
    for (const id of ids) expect(steps(of(events, id))).toEqual(VIEWING);
    expect(steps(events.filter((e) => !ids.includes(e.externalId!)))).toEqual(VIEWING);
    const sessions = new Map<string, string>();
    for (const e of events) expect(sessions.get(e.sessionId) ?? (sessions.set(e.sessionId, e.externalId!), e.externalId)).toBe(e.externalId);
    expect(sessions.size).toBe(3);
  });

  test('a youtube-nocookie.com embed reports under the same canonical URL', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const src = 'https://www.youtube-nocookie.com/embed/yt-Id_42';
    await track.open({ body: iframe('yt', `${src}?enablejsapi=1&__rate=4`) });
    await playWhenSubscribed(page, src, 'onStateChange');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    for (const e of events) expect(e.externalId).toBe('https://www.youtube.com/watch?v=yt-Id_42');
  });

  test('a seek over most of a Vimeo embed earns nothing', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('vm', `${VM}?__rate=2`) });
    const frame = await playWhenSubscribed(page, VM, 'seeked');
    await frame.waitForFunction(() => document.querySelector('video')!.currentTime >= 1);
    await frame.evaluate(() => (document.querySelector('video')!.currentTime = 6));
    await frame.waitForFunction(() => document.querySelector('video')!.ended);
    const events = await track.events(3);
    // About 1 s and then 2 s of 8: 25%, never 50.
    expect(steps(events)).toEqual(['STARTED', 25, 'attention-span']);
    expect((events[2] as { derivedValues: { totalPercentPlayed: number } }).derivedValues.totalPercentPlayed).toBeLessThan(50);
  });

  for (const [vendor, src, event] of [
    ['YouTube', `${YT}?enablejsapi=1&__rate=2`, 'onStateChange'],
    ['Vimeo', `${VM}?__rate=2`, 'seeked'],
  ] as const)
    test(`a seek while paused, over most of a ${vendor} embed, earns nothing`, async ({ page, track }) => {
      // The scrubber dragged while paused: YouTube's player tells it only by the position its
      // next infoDelivery carries; Vimeo's sends the video's timeupdate there before `seeked`.
      await routeFakes(page.context(), track.server.url);
      await track.open({ body: iframe('e', src) });
      const frame = await playWhenSubscribed(page, src, event);
      await frame.waitForFunction(() => document.querySelector('video')!.currentTime >= 1);
      // Paused, then sought: the player's messages reach the page in that order.
      await frame.evaluate(() => document.querySelector('video')!.pause());
      await frame.evaluate(() => new Promise((r) => {
        const v = document.querySelector('video')!;
        v.addEventListener('seeked', r, { once: true });
        v.currentTime = 6;
      }));
      await frame.evaluate(() => document.querySelector('video')!.play());
      await frame.waitForFunction(() => document.querySelector('video')!.ended);
      const events = await track.events(3);
      // About 1 s and then 2 s of 8: 25%, never 50.
      expect(steps(events)).toEqual(['STARTED', 25, 'attention-span']);
      expect((events[2] as { derivedValues: { totalPercentPlayed: number } }).derivedValues.totalPercentPlayed).toBeLessThan(50);
    });

  /**
   * Two videos played whole in each player, one after the other: for each [first URL, next
   * URL, next id], a viewing of each, the next one named by its own title; a session each.
   */
  const nextVideos = (events: WireEvent[], players: [string, string, string][]) => {
    for (const [first, next, id] of players) {
      expect(steps(of(events, first))).toEqual(VIEWING);
      expect(steps(of(events, next))).toEqual(VIEWING);
      for (const e of of(events, next)) expect(e.mediaName).toBe(fakeTitle(id));
    }
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(2 * players.length);
  };

  /** The whole seconds an attention span says were played. */
  const seconds = (e: WireEvent) => (e as { derivedValues: { totalSecondsPlayed: number } }).derivedValues.totalSecondsPlayed;

  test('a YouTube playlist embed (videoseries) files each video under its own URL and title, with its own length', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const src = 'https://www.youtube.com/embed/videoseries?list=PLfake&enablejsapi=1&__rate=4';
    await track.open({ body: iframe('yt', src) });
    // The fake plays the 8 s PLfake_1, then the 4 s PLfake_2.
    await playWhenSubscribed(page, src, 'onStateChange');
    const events = await track.events(12);
    const [first, second] = ['PLfake_1', 'PLfake_2'].map((id) => of(events, `https://www.youtube.com/watch?v=${id}`));
    expect(steps(first)).toEqual(VIEWING);
    expect(steps(second)).toEqual(VIEWING);
    for (const [viewing, id] of [[first, 'PLfake_1'], [second, 'PLfake_2']] as const)
      for (const e of viewing) expect(e).toMatchObject({ mediaUrl: `https://www.youtube.com/watch?v=${id}`, mediaName: fakeTitle(id) });
    expect([seconds(first.at(-1)!), seconds(second.at(-1)!)]).toEqual([8, 4]);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(2);
    expect(events.filter((e) => e.externalId!.includes('videoseries'))).toEqual([]);
  });

  test('another video loaded into a YouTube or a Vimeo embed by the page gets its own session, URL and title', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`) + iframe('vm', `${VM}?__rate=4`) });
    const yt = await playWhenSubscribed(page, YT, 'onStateChange');
    const vm = await playWhenSubscribed(page, VM, 'loaded');
    for (const frame of [yt, vm]) await frame.waitForFunction(() => document.querySelector('video')!.ended);
    // What a page's own code sends its players: YouTube's loadVideoById plays at once; Vimeo's loadVideo loads paused.
    await page.evaluate(() => {
      const post = (id: string, m: unknown) => (document.getElementById(id) as HTMLIFrameElement).contentWindow!.postMessage(m, '*');
      post('yt', JSON.stringify({ event: 'command', func: 'loadVideoById', args: ['Next-Vid_7'], id: 1, channel: 'widget' }));
      post('vm', { method: 'loadVideo', value: 1234567 });
    });
    // The tracker asked the next video's title (its answer goes before the play's events).
    await vm.waitForFunction(() => (window as unknown as { __asked: string[] }).__asked.filter((m) => m == 'getVideoTitle').length == 2);
    await vm.evaluate(() => document.querySelector('video')!.play());
    const events = await track.events(24);
    nextVideos(events, [
      ['https://www.youtube.com/watch?v=yt-Id_42', 'https://www.youtube.com/watch?v=Next-Vid_7', 'Next-Vid_7'],
      ['https://vimeo.com/76979871', 'https://vimeo.com/1234567', '1234567'],
    ]);
    for (const next of ['https://www.youtube.com/watch?v=Next-Vid_7', 'https://vimeo.com/1234567']) expect(seconds(of(events, next).at(-1)!)).toBe(4);
  });

  test('a gallery giving its YouTube and Vimeo iframes another video\'s src: each video under its own URL and title', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=4`) + iframe('vm', `${VM}?__rate=4`) });
    for (const [id, src] of [['yt', YT], ['vm', VM]]) {
      const frame = await playWhenSubscribed(page, src, id == 'yt' ? 'onStateChange' : 'ended');
      await frame.waitForFunction(() => document.querySelector('video')!.ended);
    }
    // The YouTube src from youtube-nocookie.com, without enablejsapi=1, as a gallery's markup
    // may have it: the player is heard from there, and the parameter is added again.
    const [ytNext, vmNext] = ['https://www.youtube-nocookie.com/embed/Gallery_2', 'https://player.vimeo.com/video/555'];
    await page.evaluate(([yt, vm]) => {
      (document.getElementById('yt') as HTMLIFrameElement).src = `${yt}?__rate=4`;
      (document.getElementById('vm') as HTMLIFrameElement).src = `${vm}?__rate=4`;
    }, [ytNext, vmNext]);
    await playWhenSubscribed(page, ytNext, 'onStateChange');
    await playWhenSubscribed(page, vmNext, 'ended');
    nextVideos(await track.events(24), [
      ['https://www.youtube.com/watch?v=yt-Id_42', 'https://www.youtube.com/watch?v=Gallery_2', 'Gallery_2'],
      ['https://vimeo.com/76979871', 'https://vimeo.com/555', '555'],
    ]);
  });

  test('a lightbox closing (its iframe given about:blank) ends the viewing at once; opened again, a new one', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=2`) });
    const frame = await playWhenSubscribed(page, YT, 'onStateChange');
    await frame.waitForFunction(() => document.querySelector('video')!.currentTime >= 3);
    await page.evaluate(() => ((document.getElementById('yt') as HTMLIFrameElement).src = 'about:blank'));
    // The page is neither hidden nor left: the attention span goes as the player goes.
    const first = await track.events(3);
    expect(steps(first)).toEqual(['STARTED', 25, 'attention-span']);
    await page.evaluate((src) => ((document.getElementById('yt') as HTMLIFrameElement).src = src), `${YT}?enablejsapi=1&__rate=4`);
    await playWhenSubscribed(page, YT, 'onStateChange');
    const events = await track.events(9);
    expect(steps(events.slice(3))).toEqual(VIEWING);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(2);
    for (const e of events) expect(e.externalId).toBe('https://www.youtube.com/watch?v=yt-Id_42');
  });

  test('an embed added late, and a lazy one given its src from data-src, are tracked', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: '<main></main>' });
    await page.evaluate(
      ([yt, vm]) => {
        document.querySelector('main')!.insertAdjacentHTML('beforeend', `<iframe id="yt" src="${yt}"></iframe><iframe id="vm" data-src="${vm}"></iframe>`);
        const lazy = document.getElementById('vm') as HTMLIFrameElement;
        setTimeout(() => (lazy.src = lazy.dataset.src!), 100);
      },
      [`${YT}?enablejsapi=1&__rate=4`, `${VM}?__rate=4`],
    );
    await playWhenSubscribed(page, YT, 'onStateChange');
    await expect.poll(async () => steps(of(await track.sent(), 'https://www.youtube.com/watch?v=yt-Id_42'))).toEqual(VIEWING);
    await playWhenSubscribed(page, VM, 'ended');
    await expect.poll(async () => steps(of(await track.sent(), 'https://vimeo.com/76979871'))).toEqual(VIEWING);
  });

  // The cause of the late embed's lost viewings: an embed found while it loads hears the
  // tracker's `listening` and answers before its own `load` (its <video> holds that back). The
  // load used to start the handshake again, which a player already listening does not answer,
  // and everything it said after that was ignored.
  test('a late YouTube embed that answers before its own load is tracked after that load', async ({ page, track }) => {
    const { release } = await routeFakes(page.context(), track.server.url);
    await track.open({ body: '<main></main>' });
    await page.evaluate((src) => {
      const frame = Object.assign(document.createElement('iframe'), { id: 'yt', src });
      frame.onload = () => (frame.dataset.loaded = '1');
      document.querySelector('main')!.append(frame);
    }, `${YT}?enablejsapi=1&__rate=4&__hold=1`);
    const frame = await playWhenSubscribed(page, YT, 'onStateChange', { paused: true });
    // The handshake was made before the load: the case under test.
    expect(await page.evaluate(() => document.getElementById('yt')!.dataset.loaded)).toBeUndefined();
    release();
    await page.waitForFunction(() => document.getElementById('yt')!.dataset.loaded);
    await frame.evaluate(() => document.querySelector('video')!.play());
    expect(steps(await track.events(6))).toEqual(VIEWING);
  });

  test('data-media-id and data-media-name name the media; data-media-track="off" skips an embed', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await track.open({
      body:
        iframe('yt', `${YT}?enablejsapi=1&__rate=4`, 'data-media-id="launch-film" data-media-name="Launch film"') +
        iframe('off', 'https://www.youtube.com/embed/off-1?__rate=4', 'data-media-track="off"'),
    });
    await playWhenSubscribed(page, YT, 'onStateChange');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    for (const e of events) expect(e).toMatchObject({ externalId: 'launch-film', mediaName: 'Launch film', mediaUrl: 'https://www.youtube.com/watch?v=yt-Id_42' });
    // The one that is off is left as it was: no enablejsapi, and nothing heard from it.
    expect(await page.evaluate(() => (document.getElementById('off') as HTMLIFrameElement).src)).not.toContain('enablejsapi');
    expect(asked.filter((u) => u.includes('/embed/off-1')).length).toBe(1);
  });

  test('a page driving the Vimeo iframe with @vimeo/player itself: both work, its own ended handler fires', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('vm', `${VM}?__rate=4`) + '<script src="/node_modules/@vimeo/player/dist/player.js"></script>' });
    await expect.poll(() => page.frames().find((f) => f.url().startsWith(VM))?.evaluate(() => (window as unknown as { __subs: Set<string> }).__subs.has('seeked')).catch(() => false)).toBe(true);
    await page.evaluate(async () => {
      const w = window as unknown as { Vimeo: { Player: new (el: Element) => any }; __ended?: boolean };
      const player = new w.Vimeo.Player(document.getElementById('vm')!);
      player.on('ended', () => (w.__ended = true));
      await player.play();
    });
    await page.waitForFunction(() => (window as unknown as { __ended?: boolean }).__ended);
    expect(steps(await track.events(6))).toEqual(VIEWING);
  });

  test('a tab closed mid-play sends its attention span', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ body: iframe('yt', `${YT}?enablejsapi=1&__rate=1`) });
    const frame = await playWhenSubscribed(page, YT, 'onStateChange');
    await frame.waitForFunction(() => document.querySelector('video')!.currentTime >= 3);
    const [started] = await track.events(2);
    await page.close();
    const events = await track.events(3);
    const span = events.find((e) => e.type == 'attention-span') as WireEvent & { derivedValues: { totalPercentPlayed: number } };
    expect(span).toMatchObject({ sessionId: started.sessionId, externalId: 'https://www.youtube.com/watch?v=yt-Id_42' });
    expect(span.derivedValues.totalPercentPlayed).toBeGreaterThanOrEqual(25);
    expect(span.derivedValues.totalPercentPlayed).toBeLessThan(100);
  });
});

test.describe('embeds with the ES module', () => {
  test('startTracking({ embeds: true }) imports the embeds chunk when an embed is found, and tracks it', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await track.open({ build: 'esm', opts: { embeds: true }, body: iframe('vm', `${VM}?__rate=4`) });
    await playWhenSubscribed(page, VM, 'ended');
    const events = await track.events(6);
    expect(steps(events)).toEqual(VIEWING);
    for (const e of events) expect(e).toMatchObject({ externalId: 'https://vimeo.com/76979871', mediaName: fakeTitle('76979871') });
    expect(asked.filter((p) => p.includes('embeds'))).toEqual(['/dist/embeds.js']);
  });

  test('track() takes an embed in a closed shadow root before the chunk is loaded, and its removal there ends the session', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    await track.open({ build: 'esm', opts: { embeds: true }, body: '<div id="host"></div>' });
    await page.waitForFunction(() => !!(window as unknown as { tracker?: object }).tracker);
    await page.evaluate((src) => {
      const w = window as unknown as { tracker: { track(el: Element): void }; __root: ShadowRoot };
      const root = (w.__root = document.getElementById('host')!.attachShadow({ mode: 'closed' }));
      root.innerHTML = `<iframe src="${src}"></iframe>`;
      w.tracker.track(root.querySelector('iframe')!);
    }, `${VM}?__rate=2`);
    const frame = await playWhenSubscribed(page, VM, 'ended');
    await frame.waitForFunction(() => document.querySelector('video')!.currentTime >= 3);
    // Removed inside the closed root: only an observer of that root sees it.
    await page.evaluate(() => (window as unknown as { __root: ShadowRoot }).__root.querySelector('iframe')!.remove());
    const events = await track.events(3);
    expect(steps(events)).toEqual(['STARTED', 25, 'attention-span']);
    expect(events.every((e) => e.externalId == 'https://vimeo.com/76979871')).toBe(true);
  });

  test('without the option, startTracking leaves embeds alone and imports nothing', async ({ page, track }) => {
    await routeFakes(page.context(), track.server.url);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await track.open({ build: 'esm', body: iframe('vm', `${VM}?__rate=4`) + media('v', 'clip-1s.webm') });
    const frame = await frameOf(page, VM);
    await frame.evaluate(() => {
      const v = document.querySelector('video')!;
      return v.play().then(() => new Promise((r) => v.addEventListener('ended', r)));
    });
    await track.play('v', 2);
    // The video's six events are all: the embed, played whole first, sent nothing.
    const events = await track.events(6);
    expect(events.every((e) => !e.externalId!.includes('vimeo'))).toBe(true);
    expect(await frame.evaluate(() => [...(window as unknown as { __subs: Set<string> }).__subs])).toEqual([]);
    expect(asked.filter((u) => u.includes('embeds'))).toEqual([]);
  });
});
