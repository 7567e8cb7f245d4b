/**
 * Media objects, the pure parts: what an object is made of, HubSpot's pages and objects
 * read, ids as mediaBridgeId, and the scopes a 403 names.
 */
import { describe, expect, it } from 'vitest';
import { fileNameOf, mediaBridgeIdOf, missingScopes, newMediaObject, readListingPage, readObject, titleOf } from '../../src/proxy/upstream/media-objects.js';
import type { WireEvent } from '../../src/wire.js';

const event = (extra: Partial<WireEvent> = {}): WireEvent =>
  ({ type: 'media-played', id: 'e1', sessionId: 's', mediaType: 'VIDEO', occurredTimestamp: 1, state: 'STARTED', externalId: 'intro', ...extra }) as WireEvent;

describe('newMediaObject', () => {
  it('gives a YouTube or Vimeo embed its canonical URL as oembedUrl, not as a file', () => {
    for (const url of ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://vimeo.com/76979871'])
      expect(newMediaObject(event({ mediaName: 'Film', mediaUrl: url, externalId: url }), undefined)).toEqual({
        mediaType: 'VIDEO',
        title: 'Film',
        externalId: url,
        oembedUrl: url,
      });
    // A page of those hosts that is no canonical video URL stays a plain fileUrl.
    expect(newMediaObject(event({ mediaName: 'x', mediaUrl: 'https://vimeo.com/76979871/extra' }), undefined)).not.toHaveProperty('oembedUrl');
  });

  it('takes the type, the name, an http(s) media URL and the first page', () => {
    expect(newMediaObject(event({ mediaName: ' Intro ', mediaUrl: 'https://cdn.example/v/intro.mp4', pageUrl: 'https://www.example/a' }), 'https://www.example/first')).toEqual({
      mediaType: 'VIDEO',
      title: 'Intro',
      externalId: 'intro',
      fileUrl: 'https://cdn.example/v/intro.mp4',
      detailsPageLink: 'https://www.example/first',
    });
  });

  it('leaves out a media URL or page that is not http(s)', () => {
    expect(newMediaObject(event({ mediaType: 'AUDIO', mediaUrl: 'blob:https://www.example/1234' }), 'file:///x')).toEqual({ mediaType: 'AUDIO', title: 'intro', externalId: 'intro' });
  });
});

describe('titleOf', () => {
  it('is mediaName, else the file name of mediaUrl, else the external id', () => {
    expect(titleOf({ mediaName: 'Name', mediaUrl: 'https://x.example/a.mp4', externalId: 'id' })).toBe('Name');
    expect(titleOf({ mediaName: '  ', mediaUrl: 'https://x.example/media/Our%20story.mp3?v=2#t=1', externalId: 'id' })).toBe('Our story.mp3');
    expect(titleOf({ mediaUrl: 'https://x.example/', externalId: 'id' })).toBe('id');
    expect(titleOf({ mediaUrl: 'blob:https://x.example/uuid', externalId: 'https://x.example/v.mp4' })).toBe('https://x.example/v.mp4');
  });

  it('reads file names, even badly encoded ones', () => {
    expect(fileNameOf('https://x.example/a/b/c.webm/')).toBe('c.webm');
    expect(fileNameOf('https://x.example/100%.mp4')).toBe('100%.mp4');
    expect(fileNameOf('not a url')).toBeUndefined();
  });
});

describe('HubSpot answers', () => {
  it('reads a listing page and its cursor, skipping entries without an id', () => {
    expect(
      readListingPage({
        results: [{ id: '11', mediaType: 'VIDEO', externalId: 'a', title: 'A' }, { id: 12, mediaType: 'VIDEO' }, { mediaType: 'VIDEO', externalId: 'x' }],
        paging: { next: { after: 'NTA', link: '…' } },
      }),
    ).toEqual({ objects: [{ id: '11', mediaType: 'VIDEO', externalId: 'a' }, { id: '12', mediaType: 'VIDEO' }], after: 'NTA' });
    expect(readListingPage({ results: [] })).toEqual({ objects: [] });
    expect(readListingPage({ results: 'no' })).toBeUndefined();
    expect(readListingPage(null)).toBeUndefined();
    expect(readObject({ id: '', mediaType: 'VIDEO' })).toBeUndefined();
  });

  it('turns an object id into an integer mediaBridgeId, or nothing', () => {
    expect(mediaBridgeIdOf('9001')).toBe(9001);
    expect(mediaBridgeIdOf('0')).toBeUndefined();
    expect(mediaBridgeIdOf('12a')).toBeUndefined();
    expect(mediaBridgeIdOf('99999999999999999')).toBeUndefined();
  });

  it("names the scopes HubSpot says are missing, else the ones the call needs", () => {
    const body = { category: 'MISSING_SCOPES', errors: [{ message: 'required', context: { missingScopes: ['files'] } }] };
    expect(missingScopes('create', { status: 403, body, latencyMs: 1 })).toEqual(['files']);
    expect(missingScopes('list', { status: 403, body: { context: { missingScopes: ['media_bridge.read', '<b>'] } }, latencyMs: 1 })).toEqual(['media_bridge.read']);
    expect(missingScopes('create', { status: 403, latencyMs: 1 })).toEqual(['files', 'media_bridge.write']);
    expect(missingScopes('list', { status: 403, latencyMs: 1 })).toEqual(['media_bridge.read']);
  });
});
