/**
 * The nginx snippet of docs/deploying.md agrees with the proxy it fronts: the path is the
 * proxy's event route, the upstream port is the server's default, the body cap is the
 * proxy's, and the headers the same-origin check and the client limit need are passed on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFromEnv, createMediaBridgeProxy } from '../../src/proxy/index.js';
import { MAX_BODY_BYTES } from '../../src/wire.js';

const page = readFileSync(new URL('../../docs/deploying.md', import.meta.url), 'utf8');
const nginx = /```nginx\n([\s\S]*?)```/.exec(page)?.[1] ?? '';

describe('the nginx snippet in Deploying', () => {
  it('sends the proxy route to the Node server on its default port, with the headers it needs', async () => {
    const location = /location = (\S+) \{([\s\S]*?)\}/.exec(nginx);
    expect(location).not.toBeNull();
    const [, path, body] = location!;
    // The route the proxy answers by default.
    const proxy = createMediaBridgeProxy({ logLevel: 'error' });
    const reply = await proxy.handle({ method: 'OPTIONS', path, header: () => undefined, readBody: async () => '' });
    await proxy.close();
    expect(reply).toBeDefined();
    expect(body).toContain(`proxy_pass http://${configFromEnv({}).host}:${configFromEnv({}).port};`);
    expect(body).toContain('proxy_set_header Host $host;');
    expect(body).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(body).toContain(`client_max_body_size ${MAX_BODY_BYTES / 1024}k;`);
  });
});
