// @vitest-environment happy-dom
/** The page author's data attributes, read on the media element or on a player enclosing it (data-attribute.ts). */
import { describe, expect, it } from 'vitest';
import { dataAttribute } from '../../src/tracker/data-attribute.js';
import { mediaFields } from '../../src/tracker/context.js';

/** `<section data-media-type="AUDIO"><div data-media-id="outer"> <x-player>#root <x-inner>#root <video>`, as built by hand. */
function nested(playerAttrs: Record<string, string> = {}, videoAttrs: Record<string, string> = {}) {
  document.body.innerHTML = '<section data-media-type="AUDIO"><div data-media-id="outer"><x-player></x-player></div></section>';
  const player = document.querySelector('x-player')!;
  for (const [k, v] of Object.entries(playerAttrs)) player.setAttribute(k, v);
  const inner = document.createElement('x-inner');
  player.attachShadow({ mode: 'open' }).append(document.createElement('div'));
  player.shadowRoot!.firstChild!.appendChild(inner);
  const video = document.createElement('video');
  for (const [k, v] of Object.entries(videoAttrs)) video.setAttribute(k, v);
  inner.attachShadow({ mode: 'closed' }).append(video);
  return video;
}

describe('dataAttribute', () => {
  it('reads the media element first, then the nearest enclosing element, across shadow roots', () => {
    const video = nested({ 'data-media-id': 'player' }, { 'data-media-name': 'own' });
    expect(dataAttribute(video, 'media-name')).toBe('own');
    expect(dataAttribute(video, 'media-id')).toBe('player');
    // Past the player's host, in the document.
    expect(dataAttribute(video, 'media-type')).toBe('AUDIO');
    expect(dataAttribute(video, 'media-bridge-id')).toBeNull();
  });

  it('takes the nearest: the player over the page around it, an empty value too', () => {
    expect(dataAttribute(nested({ 'data-media-id': '' }), 'media-id')).toBe('');
    expect(dataAttribute(nested(), 'media-id')).toBe('outer');
  });

  it('climbs a detached tree to its top, and stops there', () => {
    const video = nested({ 'data-media-track': 'off' });
    const host = video.getRootNode() as ShadowRoot;
    expect(dataAttribute(video, 'media-track')).toBe('off');
    (host.host.getRootNode() as ShadowRoot).host.remove();
    expect(dataAttribute(video, 'media-track')).toBe('off');
    expect(dataAttribute(video, 'media-id')).toBeNull();
  });
});

describe('mediaFields of media in a player', () => {
  it("takes each field from where it was written, and the source from the media itself", () => {
    const video = nested({ 'data-media-id': 'webinar', 'data-media-name': 'Webinar', 'data-media-bridge-id': '42' }, { title: 'inner title' });
    Object.defineProperty(video, 'currentSrc', { value: 'blob:https://example.com/0b6c2a8e' });
    expect(mediaFields(video)).toEqual({ mediaType: 'AUDIO', externalId: 'webinar', mediaBridgeId: 42, mediaName: 'Webinar', mediaUrl: '' });
  });
});
