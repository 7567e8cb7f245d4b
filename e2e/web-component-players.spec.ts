/**
 * The web-component players sites use (issue 25), from npm, in real Chromium with no network:
 * every request that leaves 127.0.0.1 is refused (Mux's elements report to Mux Data once
 * given an env-key). Each plays local media whole at 4x, and the tracker reports one session,
 * STARTED, 25, 50, 75, 100 and an attention span of 100, named by the player element's
 * attributes, whether the `<video>` sits in shadow roots (hls-video-element, Mux) or in the
 * light DOM (media-chrome's slotted video, vidstack).
 */
import { expect, test } from './fixtures.js';
import { actOnInner, innerState, PLAYERS, wholePlayProblems } from './web-components.js';

/** Each player: the module that defines it, and the element the page writes. */
const CASES: { name: string; module: string; body: (attrs: string) => string }[] = [
  {
    name: 'hls-video-element on a local HLS stream',
    module: 'hls-video-element',
    body: (attrs) => `<hls-video id="p" src="/media/hls/clip-4s.m3u8" preload="auto" ${attrs}></hls-video>`,
  },
  {
    name: '@mux/mux-video with a local src',
    module: '/node_modules/@mux/mux-video/dist/mux-video.mjs',
    body: (attrs) => `<mux-video id="p" src="/media/clip-4s.mp4" preload="auto" env-key="offline-test-env-key" ${attrs}></mux-video>`,
  },
  {
    name: '@mux/mux-player with a local src',
    module: '/node_modules/@mux/mux-player/dist/mux-player.mjs',
    body: (attrs) => `<mux-player id="p" src="/media/clip-4s.mp4" preload="auto" env-key="offline-test-env-key" ${attrs}></mux-player>`,
  },
  {
    name: "media-chrome's <media-controller> with a slotted light-DOM <video>",
    module: '/node_modules/media-chrome/dist/index.js',
    body: (attrs) =>
      `<media-controller id="p" ${attrs}><video slot="media" src="/media/clip-4s.webm" preload="auto"></video>` +
      '<media-control-bar><media-play-button></media-play-button><media-time-range></media-time-range><media-time-display></media-time-display></media-control-bar></media-controller>',
  },
  {
    name: "vidstack's <media-player>",
    // Its CDN bundle imports icons from a CDN; the npm build's player alone, with its imports mapped.
    module: '/node_modules/vidstack/prod/define/vidstack-player.js',
    body: (attrs) => `<media-player id="p" src="/media/clip-4s.webm" ${attrs}><media-provider></media-provider></media-player>`,
  },
];

const IDENTITY = { externalId: 'player-webinar', mediaName: 'The player webinar', mediaBridgeId: 4242 };
const ATTRS = 'data-media-id="player-webinar" data-media-name="The player webinar" data-media-bridge-id="4242"';

for (const { name, module, body } of CASES)
  test(`${name}: a whole play at 4x, one session, named by the player element`, async ({ page, track }) => {
    // No network: only this machine's fixture server is reached.
    const refused: string[] = [];
    await page.route(
      (url) => url.hostname != '127.0.0.1',
      (route) => (refused.push(route.request().url()), route.abort('blockedbyclient')),
    );
    await track.open({ head: `${PLAYERS}<script type="module">import '${module}';</script>`, body: body(ATTRS) });
    // Played once the player has loaded its source (vidstack sets it after creating its video).
    await expect.poll(() => page.evaluate(innerState, ['p'] as [string]).then((s) => !!s && s.readyState >= 1), { timeout: 30_000 }).toBe(true);
    await page.evaluate(actOnInner, ['p', 'play', 4] as [string, 'play', number]);
    const events = await track.events(6).catch(async (e) => {
      // Short of events: say what the page sent, and how the proxy answered.
      console.log(name, 'sent', JSON.stringify(await track.sent()), 'answered', JSON.stringify(track.attempts().map((a) => [a.status, a.ids.length])));
      throw e;
    });
    expect(wholePlayProblems(events, IDENTITY)).toEqual([]);
    if (refused.length) console.log(`${name}: refused ${refused.length} requests off this machine, to ${[...new Set(refused.map((u) => new URL(u).host))]}`);
  });
