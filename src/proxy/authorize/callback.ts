/**
 * What one request to the redirect listener means, decided from its method, path and query
 * alone. HubSpot redirects with `?code=…&state=…` when the user installs the app, and with
 * `?error=…&error_description=…` when they do not.
 */
import { CALLBACK_PATH } from './authorize-url.js';
import { sameState } from './pkce.js';

export type Callback =
  /** Not the callback (a favicon, a stray request): answer 404 and keep waiting. */
  | { kind: 'ignore' }
  | { kind: 'code'; code: string }
  | { kind: 'denied'; error: string; description?: string }
  | { kind: 'bad-state' }
  | { kind: 'no-code' };

/** Reads a request to the listener; `target` is the request line's path and query. */
export function readCallback(method: string, target: string, expectedState: string): Callback {
  let url: URL;
  try {
    // Appended, not resolved: a target like "//host/path" stays a path.
    url = new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`);
  } catch {
    return { kind: 'ignore' };
  }
  if (method !== 'GET' || url.pathname !== CALLBACK_PATH) return { kind: 'ignore' };
  const q = url.searchParams;
  const state = q.get('state');
  const error = q.get('error');
  // A code counts only with our state. An error report may come without one (HubSpot's
  // docs show none), but not with someone else's.
  if (error && (state === null || sameState(state, expectedState))) {
    const description = q.get('error_description') ?? undefined;
    return description ? { kind: 'denied', error: printable(error), description: printable(description) } : { kind: 'denied', error: printable(error) };
  }
  if (!sameState(state, expectedState)) return { kind: 'bad-state' };
  const code = q.get('code');
  return code ? { kind: 'code', code } : { kind: 'no-code' };
}

/** HubSpot's error text, safe to print on one line. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
}
