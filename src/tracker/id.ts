/**
 * A random id for an event or a session. `crypto.randomUUID` exists only in secure contexts;
 * a page served over plain http gets 52 random bits and the time instead, which is enough
 * for the proxy to tell events apart.
 */
export function newId(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return Math.random() + '-' + Date.now();
  }
}
