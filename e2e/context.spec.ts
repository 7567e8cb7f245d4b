/**
 * Context and consent, in real Chromium against both builds: who is watching, from where,
 * and what the tracker may read and send about them.
 */
import { expect, test } from './fixtures.js';
import { BUILDS, media, steps, UTK, VIEWING } from './media.js';

/** A page of HubSpot's CMS: its `hsVars`, and the `_hsp` queue of its cookie banner. */
const HUBSPOT_PAGE = '<script>var hsVars = { page_id: 987654321 }; var _hsp = window._hsp || [];</script>';

/** Calls the consent listeners pushed onto `_hsp`, as HubSpot's banner script does. */
const bannerAnswers = (analytics: boolean) => {
  const w = window as unknown as { _hsp: [string, (consent: unknown) => void][] };
  for (const [command, listener] of w._hsp)
    if (command == 'addPrivacyConsentListener') listener({ allowed: analytics, categories: { necessary: true, analytics } });
};

for (const build of BUILDS) {
  test.describe(`${build} build`, () => {
    test.beforeEach(async ({ page, track }) => {
      await page.context().addCookies([{ name: 'hubspotutk', value: UTK, url: track.server.url }]);
    });

    test('a page opened from a HubSpot email plays in the EMAIL context, with _hsenc', async ({ track }) => {
      await track.open({ build, query: { _hsenc: 'p2ANqtz-8xYz', utm_medium: 'email' }, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      const [event] = await track.events(1);
      expect(event).toMatchObject({ _hsenc: 'p2ANqtz-8xYz', externalPlayContext: 'EMAIL', contactUtk: UTK });
      expect(event.pageUrl).toContain('_hsenc=p2ANqtz-8xYz');
    });

    test('the page id comes from hsVars on HubSpot CMS pages', async ({ track }) => {
      await track.open({ build, head: '<script>var hsVars = { page_id: 987654321 };</script>', body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      expect((await track.events(1))[0].pageId).toBe(987654321);
    });

    test('data-page-id overrides the detected page id', async ({ track }) => {
      await track.open({ build, opts: { pageId: 42 }, head: '<script>var hsVars = { page_id: 987654321 };</script>', body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      expect((await track.events(1))[0].pageId).toBe(42);
    });

    test('a __hs_do_not_track cookie keeps the events anonymous', async ({ page, track }) => {
      await page.context().addCookies([{ name: '__hs_do_not_track', value: 'yes', url: track.server.url }]);
      await track.open({ build, query: { _hsenc: 'p2ANqtz-8xYz' }, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      const events = await track.events(5);
      for (const event of events) {
        expect(event).not.toHaveProperty('contactUtk');
        expect(event).not.toHaveProperty('_hsenc');
        expect(event).toMatchObject({ externalPlayContext: 'EXTERNAL_PAGE', pageUrl: `${track.server.url}/page` });
      }
    });

    test('Global Privacy Control keeps the events anonymous', async ({ page, track }) => {
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
      await track.open({ build, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      const [event] = await track.events(1);
      expect(event).not.toHaveProperty('contactUtk');
    });

    test("HubSpot's banner: anonymous until analytics consent is granted", async ({ page, track }) => {
      await track.open({ build, head: HUBSPOT_PAGE, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.media('v', 'ended');
      await track.events(6);
      const before = await track.sent();
      expect(steps(before)).toEqual(VIEWING);
      for (const event of before) expect(event).not.toHaveProperty('contactUtk');
      await page.evaluate(bannerAnswers, true);
      await track.play('v', 4);
      const after = (await track.events(7)).slice(6);
      expect(after[0]).toMatchObject({ type: 'media-played', contactUtk: UTK, pageId: 987654321 });
    });

    test('data-consent="required" sends nothing at all until consent is given', async ({ page, track }) => {
      await track.open({ build, opts: { consent: 'required' }, head: HUBSPOT_PAGE, body: media('v', 'clip-1s.webm') });
      await track.play('v', 4);
      await track.media('v', 'ended');
      expect(await track.sent()).toEqual([]);
      await page.evaluate(bannerAnswers, true);
      await track.play('v', 4);
      await track.media('v', 'ended', 2);
      const events = await track.events(6);
      expect(steps(events)).toEqual(VIEWING);
      expect(events[0].contactUtk).toBe(UTK);
      expect(await track.sent()).toHaveLength(6);
    });

    test('options: milestones and selector', async ({ track }) => {
      await track.open({
        build,
        opts: { milestones: build == "esm" ? [50, 100] : "50,100", selector: '.tracked' },
        body: media('v', 'clip-1s.webm', 'class="tracked"') + media('other', 'clip-1s.webm'),
      });
      await track.play('other', 4);
      await track.media('other', 'ended');
      await track.play('v', 4);
      await track.media('v', 'ended');
      await track.events(4);
      expect(steps(await track.sent())).toEqual(['STARTED', 50, 100, 'attention-span']);
    });
  });
}
