import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from '../../src/tracker/id.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('newId', () => {
  it('is a UUID where crypto.randomUUID exists', () => {
    expect(newId()).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
  });

  it('still gives distinct ids in an insecure context, which has no randomUUID', () => {
    vi.stubGlobal('crypto', {});
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(128);
  });
});
