/**
 * The end-to-end fixture server, in-process: the pages, Range requests for media, and the
 * beacon log's tap on whatever handler serves /media-events.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer, type MediaEventsHandler } from '../../e2e/server.js';

let server: FixtureServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: string, type = 'text/plain;charset=UTF-8') =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': type } });

/** A valid played event, as the real proxy behind the server demands. */
const played = (id: string) => ({
  type: 'media-played',
  id,
  state: 'STARTED',
  mediaType: 'VIDEO',
  occurredTimestamp: Date.now(),
  sessionId: `session-${id}`,
});

describe('the fixture server', () => {
  it('serves a byte range of a media file, so media elements can seek', async () => {
    server = await startServer();
    const file = readFileSync(new URL('../../e2e/media/clip-1s.webm', import.meta.url));
    const res = await fetch(`${server.url}/media/clip-1s.webm`, { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${file.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(file.subarray(100, 200));
    // Nothing outside the served folders, however the path is escaped.
    expect((await fetch(`${server.url}/media/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('renders a page from its knobs', async () => {
    server = await startServer();
    const html = await (await fetch(`${server.url}/page?build=esm&title=Hello&body=%3Cvideo%3E%3C%2Fvideo%3E`)).text();
    expect(html).toContain('<title>Hello</title>');
    expect(html).toContain("import { startTracking } from '/dist/index.js'");
    expect(html).toContain('<video></video>');
  });

  it('logs the beacons the real proxy accepts, and not the ones it refuses', async () => {
    server = await startServer();
    expect((await post(`${server.url}/media-events`, 'not json')).status).toBe(400);
    expect((await post(`${server.url}/media-events`, JSON.stringify({ events: [{ type: 'media-played', id: 'x' }] }))).status).toBe(400);
    const res = await post(`${server.url}/media-events?run=1`, JSON.stringify({ events: [played('a')] }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1 });
    const [beacon] = await server.waitForBeacons(1);
    expect(beacon).toMatchObject({ method: 'POST', url: '/media-events?run=1', contentType: 'text/plain;charset=UTF-8' });
    expect(server.beacons).toHaveLength(1);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(await server.waitForEvents(1)).toEqual([played('a')].map((e) => ({ ...e, occurredTimestamp: expect.any(Number) })));
    expect((await server.proxy!.recent(10)).map((e) => e.id)).toEqual(['a']);
    server.clearBeacons();
    expect(server.beacons).toEqual([]);
  });

  it('taps a pluggable handler however it reads the body', async () => {
    // A handler that reads the stream with an async iterator, as an adapter might.
    const handler: MediaEventsHandler = async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(JSON.parse(body).events.length ? 202 : 400).end();
    };
    server = await startServer({ mediaEvents: handler });
    await post(`${server.url}/media-events`, '{"events":[]}');
    await post(`${server.url}/media-events`, '{"events":[{"type":"media-played","id":"b"}]}', 'application/json');
    const [beacon] = await server.waitForBeacons(1);
    expect(beacon.contentType).toBe('application/json');
    expect(beacon.body).toEqual({ events: [{ type: 'media-played', id: 'b' }] });
    expect(server.beacons).toHaveLength(1);
  });

  it('answers on a second origin too', async () => {
    server = await startServer();
    expect(server.otherOrigin).not.toBe(server.url);
    const res = await post(`${server.otherOrigin}/media-events`, JSON.stringify({ events: [played('b')] }));
    expect(res.status).toBe(202);
    await server.waitForBeacons(1);
  });

  it('rejects a wait that times out, saying what it waited for', async () => {
    server = await startServer();
    await expect(server.waitForEvents(1, { timeout: 50 })).rejects.toThrow('timed out waiting for 1 events');
  });
});
