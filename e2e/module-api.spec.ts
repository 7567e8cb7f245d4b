/**
 * The ES module's API in real Chromium: startTracking's handle (track, session, consent,
 * stop), onEvent, and an import that does nothing by itself.
 */
import type { SessionState, Tracker } from '../src/index.js';
import type { WireEvent } from '../src/wire.js';
import { expect, pauseAt, test } from './fixtures.js';
import { media, steps, VIEWING } from './media.js';

type PageWindow = Window & { tracker: Tracker; __startTracker(): void; __onEvent: WireEvent[]; __listened: string[]; __unlistened: string[]; __keysBefore: string[] };

test('importing the module does nothing until startTracking is called', async ({ page, track }) => {
  await track.open({ build: 'esm', late: true, body: media('v', 'clip-1s.webm') });
  await page.waitForFunction(() => typeof (window as unknown as PageWindow).__startTracker == 'function');
  await track.play('v', 4);
  await track.media('v', 'ended');
  expect(await track.sent()).toEqual([]);
  const { listened, added } = await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    return { listened: w.__listened, added: Object.keys(w).filter((k) => !w.__keysBefore.includes(k)) };
  });
  expect(listened).not.toContain('pagehide');
  expect(added).toEqual(['__startTracker']);
});

test('track() follows a player inside a shadow root, and releases it when removed', async ({ page, track }) => {
  await track.open({ build: 'esm', body: '<div id="player"></div>' });
  await page.waitForFunction(() => !!(window as unknown as PageWindow).tracker);
  await page.evaluate((html) => {
    const w = window as unknown as PageWindow & { shadowVideo: HTMLVideoElement };
    const root = document.getElementById('player')!.attachShadow({ mode: 'open' });
    root.innerHTML = html;
    w.shadowVideo = root.querySelector('video')!;
    w.tracker.track(w.shadowVideo);
    w.tracker.track(w.shadowVideo); // twice: still attached once
    w.shadowVideo.playbackRate = 4;
    return w.shadowVideo.play();
  }, media('inner', 'clip-1s.webm', 'data-media-id="shadow-1"'));
  const events = await track.events(6);
  expect(steps(events)).toEqual(VIEWING);
  expect(events[0].externalId).toBe('shadow-1');
  // Removed from its shadow root, then played detached: nothing more.
  await page.evaluate(() => {
    const w = window as unknown as PageWindow & { shadowVideo: HTMLVideoElement; detachedEnded: boolean };
    w.shadowVideo.remove();
    w.shadowVideo.addEventListener('ended', () => (w.detachedEnded = true));
    return new Promise((resolve) => setTimeout(resolve)).then(() => w.shadowVideo.play());
  });
  await page.waitForFunction(() => (window as unknown as { detachedEnded: boolean }).detachedEnded);
  expect(await track.sent()).toHaveLength(6);
});

test('session() gives the state a page needs to draw a played bar', async ({ page, track }) => {
  await track.open({ build: 'esm', body: media('v', 'clip-8s.webm') });
  await track.play('v', 4);
  await pauseAt(page, 'v', 4.5);
  await track.media('v', 'pause');
  const state = (await page.evaluate(() =>
    (window as unknown as PageWindow).tracker.session(document.getElementById('v') as HTMLVideoElement),
  )) as SessionState;
  const events = await track.events(3);
  expect(state.sessionId).toBe(events[0].sessionId);
  expect(state.duration).toBe(8);
  expect(state.milestones).toEqual([25, 50]);
  expect(state.played).toHaveLength(1);
  expect(state.played[0][0]).toBe(0);
  expect(state.played[0][1]).toBeGreaterThanOrEqual(4.5);
  // Played to the end: the session is over.
  await page.evaluate(() => (document.getElementById('v') as HTMLVideoElement).play());
  await track.media('v', 'ended');
  expect(await page.evaluate(() => (window as unknown as PageWindow).tracker.session(document.getElementById('v') as HTMLVideoElement))).toBeUndefined();
});

test('onEvent sees every event that is sent', async ({ page, track }) => {
  await track.open({ build: 'esm', body: media('v', 'clip-1s.webm') });
  await track.play('v', 4);
  await track.media('v', 'ended');
  const events = await track.events(6);
  const seen = await page.evaluate(() => (window as unknown as PageWindow).__onEvent);
  expect(steps(seen)).toEqual(VIEWING);
  expect(seen).toEqual(events);
});

test('consent() takes the answer of another consent manager', async ({ page, track }) => {
  await track.open({ build: 'esm', opts: { consent: 'required' }, body: media('v', 'clip-1s.webm') });
  await track.play('v', 4);
  await track.media('v', 'ended');
  expect(await track.sent()).toEqual([]);
  await page.evaluate(() => (window as unknown as PageWindow).tracker.consent(true));
  await track.play('v', 4);
  expect(steps(await track.events(6))).toEqual(VIEWING);
});

test('stop() detaches everything: no more events, no more listeners', async ({ page, track }) => {
  // A player whose name is defined only after stop(): its shadow root is not searched.
  await track.open({ build: 'esm', body: media('v', 'clip-8s.webm') + '<main></main><late-player></late-player>' });
  await track.play('v', 4);
  // Stopped in the page as soon as 2.5 s have played (no round trip between the check and stop()).
  const atStop = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const v = document.getElementById('v') as HTMLVideoElement;
        const timer = setInterval(() => {
          if (v.currentTime < 2.5) return;
          clearInterval(timer);
          const w = window as unknown as PageWindow & { __sent: unknown[] };
          w.tracker.stop();
          resolve(w.__sent.length);
        }, 10);
      }),
  );
  // Played on to the end, a new element, a player defined, a hidden page: nothing.
  await page.evaluate(
    ([html, inShadow]) => {
      document.querySelector('main')!.innerHTML = html;
      customElements.define(
        'late-player',
        class extends HTMLElement {
          constructor() {
            super();
            this.attachShadow({ mode: 'open' }).innerHTML = inShadow;
          }
        },
      );
      document.dispatchEvent(new Event('visibilitychange'));
      dispatchEvent(new Event('pagehide'));
      const shadowVideo = document.querySelector('late-player')!.shadowRoot!.querySelector('video')!;
      (window as unknown as { shadowVideo: HTMLVideoElement }).shadowVideo = shadowVideo;
      return Promise.all([(document.getElementById('late') as HTMLVideoElement).play(), shadowVideo.play()]);
    },
    [media('late', 'clip-1s.webm'), media('in-shadow', 'clip-1s.webm', 'data-media-track="on"')],
  );
  await track.media('v', 'ended');
  await track.media('late', 'ended');
  await page.waitForFunction(() => (window as unknown as { shadowVideo: HTMLVideoElement }).shadowVideo.ended);
  expect(await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent.length)).toBe(atStop);
  // stop() closed the session: its attention span went with what was pending.
  expect(steps(await track.sent())).toEqual(['STARTED', 25, 'attention-span']);
  // Each listener the tracker added to the page, its `storage` one (added once the page was
  // idle) included, was removed.
  const { listened, unlistened } = await page.evaluate(() => {
    const w = window as unknown as PageWindow;
    return { listened: w.__listened, unlistened: w.__unlistened };
  });
  const count = (types: string[], type: string) => types.filter((t) => t == type).length;
  for (const type of ['pagehide', 'visibilitychange', 'online', 'storage']) {
    expect(count(listened, type), type).toBeGreaterThan(0);
    expect(count(unlistened, type), type).toBe(count(listened, type));
  }
});
