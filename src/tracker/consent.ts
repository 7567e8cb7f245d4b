/**
 * The visitor's consent, as issue 2 defines it. Anonymous events go out unless consent is
 * required; the visitor is identified (`hubspotutk`, `_hsenc`) only without any opt-out.
 */
import Cookies from 'js-cookie';

export interface Consent {
  /** Whether events may be sent at all. */
  _send(): boolean;
  /** Whether `hubspotutk` and `_hsenc` may be read and sent. */
  _identify(): boolean;
  /** Records a consent manager's answer. */
  _set(granted: boolean): void;
}

/** HubSpot's banner reports `categories.analytics`; older banners only `allowed`. */
interface BannerConsent {
  allowed?: boolean;
  categories?: { analytics?: boolean };
}

/** `changed` hears of each answer of the visitor's, the banner's or a consent manager's. */
export function createConsent(required: boolean, changed: () => void): Consent {
  const hsp = (window as { _hsp?: unknown[] })._hsp;
  // Consent is implied only where nothing asks for it: no HubSpot banner, not required.
  let granted = !required && !hsp;
  // The banner calls back with the visitor's choice, and again on each change.
  // https://developers.hubspot.com/docs/api-reference/latest/account/settings/consent-banner/consent-banner-api
  if (hsp)
    hsp.push([
      'addPrivacyConsentListener',
      (c?: BannerConsent) => {
        granted = !!(c && (c.categories ? c.categories.analytics : c.allowed));
        changed();
      },
    ]);
  return {
    _send: () => granted || !required,
    _identify: () =>
      granted &&
      !Cookies.get('__hs_do_not_track') &&
      // Global Privacy Control: https://privacycg.github.io/gpc-spec/
      (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl !== true,
    _set: (value) => {
      granted = value;
      changed();
    },
  };
}
