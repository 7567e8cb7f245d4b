/**
 * PKCE for the install flow (RFC 7636): a random `code_verifier` kept by the command, and
 * its S256 `code_challenge` sent in the authorize URL. HubSpot's `POST /oauth/v3/token`
 * takes the verifier with the code, so a code caught on its way back is useless alone.
 * https://www.rfc-editor.org/rfc/rfc7636#section-4
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: 43 characters, inside RFC 7636's 43 to 128 of [A-Za-z0-9-._~]. */
export function newVerifier(bytes: Uint8Array = randomBytes(32)): string {
  return Buffer.from(bytes).toString('base64url');
}

/** BASE64URL(SHA256(verifier)), without padding: the S256 method. */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh `state`, to tie the redirect to this run of the command. */
export function newState(bytes: Uint8Array = randomBytes(24)): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Compares a received `state` with ours in constant time. */
export function sameState(received: string | null | undefined, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
