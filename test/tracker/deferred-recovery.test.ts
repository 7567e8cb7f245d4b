/**
 * When recovery runs (deferred-recovery.ts): never while the script first runs; after the
 * page's load, in an idle callback with a deadline, or a timeout where there is none; or at the
 * first media event if that is sooner; once in all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterLoad, IDLE_DEADLINE } from '../../src/tracker/deferred-recovery.js';

let readyState: DocumentReadyState;
let loadListeners: (() => void)[];
let idle: { fn: () => void; timeout?: number }[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  readyState = 'loading';
  loadListeners = [];
  idle = [];
  vi.stubGlobal('document', {
    get readyState() {
      return readyState;
    },
  });
  vi.stubGlobal('addEventListener', (type: string, fn: () => void) => type == 'load' && loadListeners.push(fn));
  vi.stubGlobal('requestIdleCallback', (fn: () => void, o?: { timeout?: number }) => idle.push({ fn, timeout: o?.timeout }));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const load = () => {
  readyState = 'complete';
  loadListeners.splice(0).forEach((fn) => fn());
};

describe('afterLoad', () => {
  it('runs nothing at start, then once in an idle callback after load, with a deadline of about 2 s', async () => {
    const run = vi.fn();
    afterLoad(run);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).not.toHaveBeenCalled();
    expect(idle).toEqual([]);
    load();
    expect(run).not.toHaveBeenCalled();
    expect(idle).toEqual([{ fn: expect.any(Function), timeout: IDLE_DEADLINE }]);
    expect(IDLE_DEADLINE).toBe(2000);
    idle[0].fn();
    idle[0].fn();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('waits for no load that has happened already', () => {
    readyState = 'complete';
    const run = vi.fn();
    afterLoad(run);
    expect(run).not.toHaveBeenCalled();
    idle[0].fn();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('uses a timeout after load where there is no requestIdleCallback (Safari)', async () => {
    vi.stubGlobal('requestIdleCallback', undefined);
    const run = vi.fn();
    afterLoad(run);
    load();
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('runs at once when asked (the first media event) before load, and not again after it', () => {
    const run = vi.fn();
    const now = afterLoad(run);
    now();
    expect(run).toHaveBeenCalledTimes(1);
    load();
    idle.forEach((i) => i.fn());
    now();
    expect(run).toHaveBeenCalledTimes(1);
  });
});
