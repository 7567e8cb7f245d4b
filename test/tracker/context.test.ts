import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mediaFields, pageFields, wholeNumber } from '../../src/tracker/context.js';

const UTK = '0123456789abcdef0123456789ABCDEF';

/** A page as context.ts reads it: location, title, cookies (through js-cookie), hsVars. */
function page(href: string, { cookie = '', title = 'Q3 webinar', hsVars }: { cookie?: string; title?: string; hsVars?: object } = {}) {
  vi.stubGlobal('location', new URL(href));
  vi.stubGlobal('document', { cookie, title });
  vi.stubGlobal('window', { hsVars });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('pageFields', () => {
  it('reads the contact, page name and page URL without its fragment', () => {
    page('https://example.com/watch?utm_source=x#chapter-2', { cookie: `a=1; hubspotutk=${UTK}` });
    expect(pageFields(true)).toEqual({
      contactUtk: UTK,
      _hsenc: undefined,
      externalPlayContext: 'EXTERNAL_PAGE',
      pageId: undefined,
      pageName: 'Q3 webinar',
      pageUrl: 'https://example.com/watch?utm_source=x',
    });
  });

  it('takes _hsenc from the query string, and then the context is EMAIL', () => {
    page('https://example.com/watch?_hsenc=p2ANqtz-abc&_hsmi=42');
    expect(pageFields(true)).toMatchObject({ _hsenc: 'p2ANqtz-abc', externalPlayContext: 'EMAIL' });
  });

  it('ignores a hubspotutk cookie that is not 32 hex digits', () => {
    page('https://example.com/', { cookie: 'hubspotutk=<script>' });
    expect(pageFields(true).contactUtk).toBeUndefined();
    page('https://example.com/', { cookie: `hubspotutk=${UTK}00` });
    expect(pageFields(true).contactUtk).toBeUndefined();
  });

  it('reads neither the cookie nor _hsenc for a visitor who opted out, and drops the query', () => {
    page('https://example.com/watch?_hsenc=p2ANqtz-abc&__hstc=1.2.3#x', { cookie: `hubspotutk=${UTK}` });
    const cookie = vi.spyOn(document, 'cookie', 'get');
    expect(pageFields(false)).toMatchObject({
      contactUtk: undefined,
      _hsenc: undefined,
      externalPlayContext: 'EXTERNAL_PAGE',
      pageUrl: 'https://example.com/watch',
    });
    expect(cookie).not.toHaveBeenCalled();
  });

  it('detects the page id of a HubSpot CMS page, and lets the option override it', () => {
    page('https://example.com/', { hsVars: { page_id: 123456789 } });
    expect(pageFields(true).pageId).toBe(123456789);
    expect(pageFields(true, 42).pageId).toBe(42);
    page('https://example.com/', { hsVars: { page_id: 'not a number' } });
    expect(pageFields(true).pageId).toBeUndefined();
  });
});

describe('mediaFields', () => {
  const media = (attrs: Record<string, string>, currentSrc: string, tagName = 'VIDEO') => ({
    tagName,
    currentSrc,
    title: attrs.title || '',
    dataset: Object.fromEntries(
      Object.entries(attrs)
        .filter(([k]) => k.startsWith('data-'))
        .map(([k, v]) => [k.slice(5).replace(/-(.)/g, (_, c: string) => c.toUpperCase()), v]),
    ),
    getAttribute: (name: string) => attrs[name] ?? null,
  });

  it('maps the data attributes to the media fields', () => {
    const el = media(
      { 'data-media-id': 'webinar-2026-q3', 'data-media-name': 'Q3 webinar', 'data-media-bridge-id': '77', 'data-media-type': 'AUDIO' },
      'https://example.com/media/webinar.mp4',
    );
    expect(mediaFields(el)).toEqual({
      mediaType: 'AUDIO',
      externalId: 'webinar-2026-q3',
      mediaBridgeId: 77,
      mediaName: 'Q3 webinar',
      mediaUrl: 'https://example.com/media/webinar.mp4',
    });
  });

  it('defaults the type to the element, the id to the URL and the name to the file name', () => {
    expect(mediaFields(media({}, 'https://example.com/media/Q3%20webinar.mp4?v=2', 'AUDIO'))).toEqual({
      mediaType: 'AUDIO',
      externalId: 'https://example.com/media/Q3%20webinar.mp4?v=2',
      mediaBridgeId: undefined,
      mediaName: 'Q3 webinar.mp4',
      mediaUrl: 'https://example.com/media/Q3%20webinar.mp4?v=2',
    });
  });

  it("names it by the last segment of the URL's path, decoded, as the URL parser splits it (whatever the query, fragment, escapes)", () => {
    // currentSrc is a URL as the parser serializes it: the file name is read off that text.
    const segment = fc.stringMatching(/^([\w.~!$&'()*+,;=:@ -]|%[0-9a-fA-F]{2}|%[^0-9a-fA-F]|%)*$/);
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), segment, segment, (base, dir, file) => {
        const url = new URL(base);
        url.pathname += `/${dir}/${file}`;
        const src = url.href;
        let expected: string | undefined;
        try {
          expected = decodeURIComponent(new URL(src).pathname.split('/').pop()!);
        } catch {
          /* a malformed escape: no name */
        }
        expect(mediaFields(media({}, src)).mediaName).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the media by data-media-name, else title, else aria-label', () => {
    const src = 'https://example.com/a.webm';
    expect(mediaFields(media({ title: 'T', 'aria-label': 'L' }, src)).mediaName).toBe('T');
    expect(mediaFields(media({ 'aria-label': 'L' }, src)).mediaName).toBe('L');
  });

  it("drops a media type that is not one of HubSpot's, and a bridge id that is not an integer", () => {
    const fields = mediaFields(media({ 'data-media-type': 'podcast', 'data-media-bridge-id': '12.5' }, 'https://e.com/a.mp4'));
    expect(fields.mediaType).toBe('VIDEO');
    expect(fields.mediaBridgeId).toBeUndefined();
    // HubSpot's enum is upper case, and so is the attribute's value.
    expect(mediaFields(media({ 'data-media-type': 'audio' }, 'https://e.com/a.mp4')).mediaType).toBe('VIDEO');
  });

  it('never uses a blob: or data: URL, as an id or otherwise', () => {
    for (const src of ['blob:https://example.com/0b6c2a8e-1111-4bbb-8ccc-123456789abc', 'data:video/webm;base64,GkXf']) {
      expect(mediaFields(media({}, src))).toEqual({
        mediaType: 'VIDEO',
        // (Empty fields are left out of the event: payload.ts.)
        externalId: '',
        mediaBridgeId: undefined,
        mediaName: '',
        mediaUrl: '',
      });
      expect(mediaFields(media({ 'data-media-id': 'live-1' }, src)).externalId).toBe('live-1');
    }
  });
});

describe('wholeNumber', () => {
  it('takes decimal digits only', () => {
    expect(wholeNumber('42')).toBe(42);
    expect(wholeNumber(42)).toBe(42);
    for (const v of ['', ' 4', '4.5', '-1', '1e3', undefined, null]) expect(wholeNumber(v)).toBeUndefined();
  });
});
