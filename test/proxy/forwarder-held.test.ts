/**
 * The forwarder on its own, with a memory outbox and a fetch that answers 200: an event held
 * aside (its media object on its way) is not dropped when the claim that runs beside it,
 * once its hold ends, fails (the store gone for a moment).
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/proxy/log.js';
import { MemoryOutbox } from '../../src/proxy/store/memory-outbox.js';
import { DEFAULT_RETRY_POLICY } from '../../src/proxy/upstream/backoff.js';
import { Forwarder, type EventHold } from '../../src/proxy/upstream/forwarder.js';
import { LocalGate } from '../../src/proxy/upstream/gate.js';
import type { WireEvent } from '../../src/wire.js';
import { waitFor } from './fake-hubspot.js';
import { quartile } from './proxy-process.js';

it('keeps an event held aside first in line when the claim beside it fails, and sends it once the store answers', async () => {
  const outbox = new MemoryOutbox({ orderGraceMs: 0 });
  const heldUntil = Date.now() + 300;
  // The first claim once the hold has ended fails: the one that runs beside the event unparked.
  let failing = 1;
  const claim = outbox.claim.bind(outbox);
  outbox.claim = ((limit: number, now: number) =>
    now >= heldUntil && failing-- > 0 ? Promise.reject(new Error('the store is down')) : claim(limit, now)) as typeof outbox.claim;
  const sent: string[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    sent.push(String(JSON.parse(String(init?.body)).mediaName));
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const hold: EventHold = { until: (e: WireEvent) => ((e as { mediaName?: string }).mediaName === 'held' ? heldUntil : 0), prepare: (e) => e };
  const forwarder = new Forwarder({
    outbox,
    tokens: { kind: 'static', get: async () => 'pat-test', rejected: () => false, secrets: () => ['pat-test'] },
    gate: new LocalGate(outbox, { limit: 100, timeoutMs: 1_000 }),
    fetch,
    apiBase: 'http://hubspot.test',
    timeoutMs: 1_000,
    policy: DEFAULT_RETRY_POLICY,
    log: silentLogger,
    idlePollMs: 20,
    hold,
  });
  await outbox.add([quartile('held', 's1', 25) as WireEvent], Date.now());
  await forwarder.start();
  const parked = () => (forwarder as unknown as { parked: unknown[] }).parked.length;
  await waitFor(() => parked() === 1, 2_000, 'the event held aside');
  try {
    await waitFor(() => sent.includes('held'), 3_000, 'the held event sent');
  } finally {
    await forwarder.stop();
  }
  expect(failing).toBeLessThan(0);
  expect(sent).toEqual(['held']);
});
