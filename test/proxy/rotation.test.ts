/**
 * A refresh token HubSpot rotates survives a restart: the real proxy, OAuth against the fake
 * HubSpot that spends each refresh token it is shown. Without the kept token, the restarted
 * proxy would present the configured (spent) one and be refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from './fake-hubspot.js';
import { played, post, startProxy, type ProxyProcess } from './proxy-process.js';
import { tempDataDir } from './temp-dirs.js';

const OAUTH = { clientId: 'client-rot', clientSecret: 'client-secret-rotation-0001', refreshToken: 'configured-refresh-token-0001' };

const running: ProxyProcess[] = [];
let fake: FakeHubSpot | undefined;
afterAll(async () => {
  for (const p of running) {
    p.kill('SIGTERM');
    await p.exited;
  }
  await fake?.close();
});

async function start(dataDir: string): Promise<ProxyProcess> {
  const p = await startProxy({
    HUBSPOT_CLIENT_ID: OAUTH.clientId,
    HUBSPOT_CLIENT_SECRET: OAUTH.clientSecret,
    HUBSPOT_REFRESH_TOKEN: OAUTH.refreshToken,
    HUBSPOT_API_BASE: fake!.url,
    MEDIA_BRIDGE_DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
  });
  running.push(p);
  return p;
}

describe('a rotated refresh token', () => {
  it('is kept in the store, so the proxy uses the newest one after a restart', async () => {
    fake = await startFakeHubSpot({ oauth: { ...OAUTH, rotate: true } });
    const dataDir = tempDataDir();
    const first = await start(dataDir);
    expect((await post(first.url, [played('r1', 's1')])).status).toBe(202);
    await fake.waitFor(() => fake!.delivered().length === 1, 10_000, 'the first event');
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await start(dataDir);
    expect((await post(second.url, [played('r2', 's2')])).status).toBe(202);
    await fake.waitFor(() => fake!.delivered().length === 2, 10_000, 'the second event');
    // The restart refreshed with the token the first refresh handed out, not the spent one.
    expect(fake.refreshGrants).toEqual([OAUTH.refreshToken, 'rotated-1']);
    expect(fake.eventRequests().map((r) => r.answer)).toEqual([200, 200]);
    for (const line of [...first.lines, ...second.lines]) {
      expect(line).not.toContain('rotated-');
      expect(line).not.toContain(OAUTH.refreshToken);
      expect(line).not.toContain(OAUTH.clientSecret);
    }
  });
});
