import type { WireEvent } from '../src/wire.js';

/** HTML for the media elements of test pages. */

/** A `<video>` or `<audio>` with an id, a sample media file and extra attributes. */
export function media(id: string, file: string, attrs = '', tag = file.endsWith('.wav') ? 'audio' : 'video'): string {
  return `<${tag} id="${id}" src="/media/${file}" preload="auto" ${attrs}></${tag}>`;
}

/** A cookie value that looks like HubSpot's `hubspotutk`. */
export const UTK = '5b8f0c2d9e7a4b1c8d6e3f2a1b0c9d8e';

/** The two builds, for the table of cases that runs against both. */
export const BUILDS = ['iife', 'esm'] as const;

/**
 * The build for the long cases of what follows a session once the tracker has started: a tab
 * closed or killed, two tabs recovering, the back/forward cache, a hidden tab, a proxy that
 * refuses, the media matrix played whole at 1x. That code is one path whichever entry started
 * the tracker (the script tag and `startTracking` both call `trackPage`), so these cases run
 * against the drop-in alone: minified, its private fields mangled, the stricter of the two
 * builds for it. The ES module keeps the quick cases of the same files (a live session kept in
 * storage, events held offline and sent by the next page view, the matrix at 4x, a change of
 * source), and module-api.spec.ts covers its own entry. Both builds' copies of the long cases
 * took about 40 s of the Chromium suite on two cores.
 */
export const DROP_IN = 'iife' as const;

/** What a whole viewing sends, by `steps`: played, the quartiles, and the attention span at its end. */
export const VIEWING = ['STARTED', 25, 50, 75, 100, 'attention-span'];

/** What each event says, in order: `STARTED` for a played event, the percent for a quartile. */
export function steps(events: WireEvent[]): (string | number)[] {
  return events.map((e) => (e.type == 'media-played' ? e.state : e.type == 'media-played-percent' ? e.playedPercent : e.type));
}

/** The "Done when" page of issue 2: a video with its HubSpot id and name, and a visitor's cookie. */
export const DONE_WHEN_VIDEO = media('v', 'clip-4s.webm', 'controls data-media-id="webinar-2026-q3" data-media-name="Q3 webinar video"');

/** The fields every event from that page carries, served from `origin` at `pageUrl`. */
export function doneWhenFields(origin: string, pageUrl: string) {
  return {
    mediaType: 'VIDEO',
    contactUtk: UTK,
    externalId: 'webinar-2026-q3',
    mediaName: 'Q3 webinar video',
    mediaUrl: `${origin}/media/clip-4s.webm`,
    pageName: 'Q3 webinar',
    pageUrl,
    externalPlayContext: 'EXTERNAL_PAGE',
  };
}
