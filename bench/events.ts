/**
 * Realistic wire events for the benchmark: what the tracker sends for one viewing, with the
 * page and media context a marketing site has, and fresh ids.
 */
import type { WireEvent } from '../src/wire.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

const context = (sessionId: string) => ({
  mediaType: 'VIDEO' as const,
  occurredTimestamp: Date.now(),
  sessionId,
  contactUtk: '8f2c1a9b7d3e4f5a6b7c8d9e0f1a2b3c',
  externalId: 'webinar-2026-q3',
  mediaName: 'Q3 webinar',
  mediaUrl: 'https://www.example.com/media/webinar.mp4',
  pageName: 'Q3 webinar: closing the quarter | Northwind Analytics',
  pageUrl: 'https://www.example.com/resources/webinars/q3-closing-the-quarter',
  externalPlayContext: 'EXTERNAL_PAGE' as const,
});

/** The start of a viewing and its first quartile: the body of a typical beacon. */
export function twoEventBody(): string {
  const sessionId = unique('s');
  const events: WireEvent[] = [
    { type: 'media-played', id: unique('e'), state: 'STARTED', ...context(sessionId) },
    { type: 'media-played-percent', id: unique('e'), playedPercent: 25, ...context(sessionId) },
  ];
  return JSON.stringify({ events });
}

/** A whole viewing: STARTED, then 25, 50, 75 and 100. */
export function viewing(): WireEvent[] {
  const sessionId = unique('s');
  return [
    { type: 'media-played', id: unique('e'), state: 'STARTED', ...context(sessionId) },
    ...[25, 50, 75, 100].map((playedPercent): WireEvent => ({ type: 'media-played-percent', id: unique('e'), playedPercent, ...context(sessionId) })),
  ];
}

/** How a delivered HubSpot body is recognised (the proxy forwards neither `type` nor `id`). */
export const deliveryKey = (path: string, body: Record<string, unknown>): string =>
  `${body.sessionId}|${path.split('/').pop()}|${body.playedPercent ?? body.state ?? ''}`;

export const eventKey = (e: WireEvent): string =>
  `${e.sessionId}|${e.type}|${'playedPercent' in e ? e.playedPercent : 'state' in e ? e.state : ''}`;
