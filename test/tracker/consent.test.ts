import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsent } from '../../src/tracker/consent.js';

type Listener = (consent: unknown) => void;

/** A page: its cookies, Global Privacy Control, and HubSpot's `_hsp` queue if it has one. */
function page({ cookie = '', gpc, hsp }: { cookie?: string; gpc?: boolean; hsp?: unknown[] } = {}) {
  vi.stubGlobal('document', { cookie });
  vi.stubGlobal('navigator', gpc == null ? {} : { globalPrivacyControl: gpc });
  vi.stubGlobal('window', hsp ? { _hsp: hsp } : {});
}

/** The listener the tracker pushed onto `_hsp`, as HubSpot's banner script would call it. */
const bannerListener = (hsp: unknown[]) => {
  const [command, listener] = hsp[0] as [string, Listener];
  expect(command).toBe('addPrivacyConsentListener');
  return listener;
};

/** What the tracker hears of each answer: it reads the page's fields again. */
const changed = vi.fn();

afterEach(() => {
  vi.unstubAllGlobals();
  changed.mockClear();
});

describe('consent', () => {
  it('is implied where nothing asks for it: events go, and identify the visitor', () => {
    page();
    const c = createConsent(false, changed);
    expect([c._send(), c._identify()]).toEqual([true, true]);
  });

  it('keeps the visitor anonymous with a __hs_do_not_track cookie', () => {
    page({ cookie: '__hs_do_not_track=yes' });
    const c = createConsent(false, changed);
    expect([c._send(), c._identify()]).toEqual([true, false]);
  });

  it('keeps the visitor anonymous under Global Privacy Control', () => {
    page({ gpc: true });
    expect(createConsent(false, changed)._identify()).toBe(false);
    page({ gpc: false });
    expect(createConsent(false, changed)._identify()).toBe(true);
  });

  it("follows HubSpot's banner: anonymous until analytics is granted, and again when withdrawn", () => {
    const hsp: unknown[] = [];
    page({ hsp });
    const c = createConsent(false, changed);
    expect([c._send(), c._identify()]).toEqual([true, false]);
    const listener = bannerListener(hsp);
    listener({ allowed: true, categories: { analytics: true, advertisement: false } });
    expect(c._identify()).toBe(true);
    listener({ allowed: true, categories: { analytics: false } });
    expect(c._identify()).toBe(false);
    // Older banners only say whether the visitor allowed cookies.
    listener({ allowed: true });
    expect(c._identify()).toBe(true);
    listener(undefined);
    expect(c._identify()).toBe(false);
    // Each answer is heard at once: the events built after it carry what it allows.
    expect(changed).toHaveBeenCalledTimes(4);
  });

  it('sends nothing at all when consent is required, until it is given', () => {
    const hsp: unknown[] = [];
    page({ hsp });
    const c = createConsent(true, changed);
    expect([c._send(), c._identify()]).toEqual([false, false]);
    bannerListener(hsp)({ allowed: true, categories: { analytics: true } });
    expect([c._send(), c._identify()]).toEqual([true, true]);
  });

  it('takes the answer of another consent manager', () => {
    page();
    const c = createConsent(true, changed);
    expect(c._send()).toBe(false);
    c._set(true);
    expect([c._send(), c._identify()]).toEqual([true, true]);
    c._set(false);
    expect(c._send()).toBe(false);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('still honours an opt-out once consent is given', () => {
    page({ cookie: '__hs_do_not_track=yes' });
    const c = createConsent(true, changed);
    c._set(true);
    expect([c._send(), c._identify()]).toEqual([true, false]);
  });
});
