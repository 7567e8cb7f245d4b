/**
 * The code exchange: `POST {apiBase}/oauth/v3/token` with grant_type=authorization_code, the
 * app's credentials, the redirect URI the code was issued for, the code and the PKCE
 * verifier. HubSpot answers access_token, refresh_token, expires_in, hub_id and scopes
 * (HubSpot's OAuth v3 spec, `PublicApiSpecs/Auth/Oauth/Rollouts/279897/v3/oauth.json`).
 */
import type { FetchLike } from '../upstream/hubspot-client.js';
import { postTokenForm, tokenUrl } from '../upstream/oauth.js';

export interface ExchangeRequest {
  apiBase: string;
  fetch: FetchLike;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  codeVerifier: string;
  timeoutMs?: number;
}

export interface Installed {
  refreshToken: string;
  /** The portal the app was installed in, when HubSpot says. */
  hubId?: number;
  scopes?: string[];
}

/** Thrown with a message fit to print: HubSpot's status and its own words, never a secret. */
export class ExchangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExchangeError';
  }
}

export async function exchangeCode(req: ExchangeRequest): Promise<Installed> {
  const form = {
    grant_type: 'authorization_code',
    client_id: req.clientId,
    client_secret: req.clientSecret,
    redirect_uri: req.redirectUri,
    code: req.code,
    code_verifier: req.codeVerifier,
  };
  let answer: Awaited<ReturnType<typeof postTokenForm>>;
  try {
    answer = await postTokenForm(tokenUrl(req.apiBase), form, req.fetch, req.timeoutMs);
  } catch {
    throw new ExchangeError(`the token endpoint ${tokenUrl(req.apiBase)} could not be reached`);
  }
  const json = answer.json ?? {};
  if (!answer.ok) {
    const words = [json.status, json.category, json.message].filter((w): w is string => typeof w === 'string' && w !== '');
    const said = words.length ? `: ${words.join(', ').replace(/[\u0000-\u001f]+/g, ' ').slice(0, 300)}` : '';
    throw new ExchangeError(`HubSpot refused the code exchange (${answer.status}${said})`);
  }
  const refreshToken = json.refresh_token;
  if (typeof refreshToken !== 'string' || !refreshToken) throw new ExchangeError('HubSpot answered the code exchange without a refresh token');
  const out: Installed = { refreshToken };
  const hubId = Number(json.hub_id);
  if (Number.isSafeInteger(hubId) && hubId > 0) out.hubId = hubId;
  if (Array.isArray(json.scopes)) out.scopes = json.scopes.filter((s): s is string => typeof s === 'string');
  return out;
}
