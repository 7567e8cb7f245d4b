import { afterEach, describe, expect, it, vi } from 'vitest';
import { batches, createTransport } from '../../src/tracker/transport.js';
import type { WireEvent } from '../../src/wire.js';

const event = (i: number, pad = 0) =>
  ({ type: 'media-played', id: `id-${i}`, mediaType: 'VIDEO', occurredTimestamp: 1, sessionId: 's', state: 'STARTED', pageName: 'x'.repeat(pad) }) as WireEvent;

const bodies = (events: WireEvent[]) => {
  const out: string[] = [];
  batches(events, (b) => out.push(b));
  return out;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('batches', () => {
  it('puts the events of a moment in one body of the wire format', () => {
    const out = bodies([event(1), event(2)]);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0])).toEqual({ events: [event(1), event(2)] });
  });

  it('sends nothing for no events', () => {
    expect(bodies([])).toEqual([]);
  });

  it('carries at most 50 events a request', () => {
    const out = bodies(Array.from({ length: 120 }, (_, i) => event(i)));
    expect(out.map((b) => JSON.parse(b).events.length)).toEqual([50, 50, 20]);
  });

  it('keeps each request under 60 KiB, even of multi-byte text, and loses nothing', () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ ...event(i), pageName: 'é€'.repeat(1500) }) as WireEvent);
    const out = bodies(events);
    expect(out.length).toBeGreaterThan(1);
    for (const b of out) expect(new Blob([b]).size).toBeLessThan(60 * 1024);
    expect(out.flatMap((b) => JSON.parse(b).events)).toEqual(events);
  });
});

describe('createTransport', () => {
  const guard = (fn: () => void) => fn;

  it('sends the events of one moment in one beacon, as text/plain', async () => {
    const sendBeacon = vi.fn(() => true);
    vi.stubGlobal('navigator', { sendBeacon });
    const t = createTransport('/media-events', guard);
    t._add(event(1));
    t._add(event(2));
    expect(sendBeacon).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(sendBeacon).toHaveBeenCalledTimes(1);
    const [url, body] = sendBeacon.mock.calls[0] as unknown as [string, unknown];
    expect(url).toBe('/media-events');
    // A string body: the browser sends it as text/plain;charset=UTF-8, so no CORS preflight.
    expect(typeof body).toBe('string');
    expect(JSON.parse(body as string).events).toHaveLength(2);
  });

  it('falls back to fetch with keepalive when sendBeacon refuses or is missing', async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('offline')));
    vi.stubGlobal('fetch', fetch);
    for (const nav of [{ sendBeacon: () => false }, {}]) {
      vi.stubGlobal('navigator', nav);
      const t = createTransport('https://proxy.example.com/e', guard);
      t._add(event(1));
      t._flush();
    }
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(fetch).toHaveBeenCalledWith('https://proxy.example.com/e', expect.objectContaining({ method: 'POST', keepalive: true }));
  });

  it('flushes at once when asked (the page is hidden), and only once', async () => {
    const sendBeacon = vi.fn(() => true);
    vi.stubGlobal('navigator', { sendBeacon });
    const t = createTransport('/media-events', guard);
    t._add(event(1));
    t._flush();
    expect(sendBeacon).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(sendBeacon).toHaveBeenCalledTimes(1);
  });
});
