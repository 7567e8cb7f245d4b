/**
 * The URLs of HubSpot's install flow.
 *
 * - The redirect URL is on `localhost`: HubSpot refuses IP addresses in redirect URLs, and
 *   allows plain http only for localhost. The command listens on 127.0.0.1, where a browser
 *   on the same machine reaches `localhost`.
 * - The authorize URL carries client_id, scope (space-separated), redirect_uri, state and
 *   the PKCE challenge.
 *   https://developers.hubspot.com/docs/apps/legacy-apps/authentication/working-with-oauth
 */

export const DEFAULT_APP_BASE = 'https://app.hubspot.com';
export const CALLBACK_PATH = '/oauth-callback';

/**
 * The scopes to request. Events need `media_bridge.write`. Keeping media objects needs
 * `files` and `media_bridge.write` to create them, and `media_bridge.read` to list them
 * (HubSpot's 2026-09 Media Bridge spec, `GET /media-bridge/2026-09/objects/{mediaType}`).
 */
export function scopesFor(mediaObjects: boolean): string[] {
  return mediaObjects ? ['media_bridge.write', 'media_bridge.read', 'files'] : ['media_bridge.write'];
}

/** The redirect URL to register in the app's settings. */
export function redirectUrl(port: number): string {
  return `http://localhost:${port}${CALLBACK_PATH}`;
}

export interface AuthorizeUrlParts {
  /** Where HubSpot's app lives; `https://app.hubspot.com` unless a test points elsewhere. */
  appBase: string;
  clientId: string;
  scopes: readonly string[];
  redirectUri: string;
  state: string;
  codeChallenge: string;
}

/** `{appBase}/oauth/authorize?client_id=…&scope=…&redirect_uri=…&state=…&code_challenge=…&code_challenge_method=S256` */
export function authorizeUrl(p: AuthorizeUrlParts): string {
  const url = new URL('/oauth/authorize', p.appBase);
  url.search = new URLSearchParams({
    client_id: p.clientId,
    scope: p.scopes.join(' '),
    redirect_uri: p.redirectUri,
    state: p.state,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  // URLSearchParams writes spaces as "+"; HubSpot documents the scope list with %20.
  return url.href.replace(/\+/g, '%20');
}
