import { describe, expect, it } from 'vitest';
import { clean, createLogger, Outage } from '../../src/proxy/log.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error', secrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger({ level, write: (l) => lines.push(l), secrets: () => secrets, now: () => Date.UTC(2026, 0, 2) });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line, with time, level and message', () => {
    const c = capture();
    c.log.info('started', { port: 8787 });
    expect(c.lines).toEqual(['{"time":"2026-01-02T00:00:00.000Z","level":"info","msg":"started","port":8787}']);
  });

  it('drops lines below the level', () => {
    const c = capture('warn');
    c.log.debug('d');
    c.log.info('i');
    c.log.warn('w');
    c.log.error('e');
    expect(c.records().map((r) => r.level)).toEqual(['warn', 'error']);
  });

  it('redacts credential fields at any depth', () => {
    const c = capture();
    c.log.info('request', {
      authorization: 'Bearer pat-na1-abc',
      headers: { Cookie: 'hubspotutk=1', 'x-api-key': 'k', nested: { refresh_token: 'r', accessToken: 'a' } },
      clientSecret: 's',
      password: 'p',
      sessionId: 'kept',
    });
    const [r] = c.records();
    expect(r).toMatchObject({
      authorization: '[redacted]',
      headers: { Cookie: '[redacted]', 'x-api-key': '[redacted]', nested: { refresh_token: '[redacted]', accessToken: '[redacted]' } },
      clientSecret: '[redacted]',
      password: '[redacted]',
      sessionId: 'kept',
    });
  });

  it('scrubs known secrets wherever they appear, message included', () => {
    const c = capture('info', ['pat-na1-0123456789']);
    c.log.error('upstream said pat-na1-0123456789 is bad', { error: 'TypeError: token pat-na1-0123456789 rejected', list: ['x pat-na1-0123456789'] });
    expect(c.lines[0]).not.toContain('pat-na1-0123456789');
    expect(c.records()[0]).toMatchObject({ msg: 'upstream said [redacted] is bad', error: 'TypeError: token [redacted] rejected', list: ['x [redacted]'] });
  });

  it('strips CR/LF from client strings so a line cannot be forged', () => {
    const c = capture();
    c.log.info('rejected\r\n{"level":"error","msg":"forged"}', { field: 'a\nb\r\nc', ['key\nwith newline']: 1 });
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0].split('\n')).toHaveLength(1);
    const [r] = c.records();
    expect(r.msg).toBe('rejected {"level":"error","msg":"forged"}');
    expect(r.field).toBe('a b c');
    expect(r['key with newline']).toBe(1);
  });

  it('cuts very long strings', () => {
    expect(clean('x'.repeat(5000)).length).toBe(2001);
  });
});

describe('Outage', () => {
  it('logs the first failure of a run and the recovery, not each failure', () => {
    const c = capture();
    let t = 1_000;
    const storing = new Outage(c.log, 'storing events', () => t);
    storing.ok();
    for (let i = 0; i < 50; i++) storing.fail(new Error('Redis is down'));
    t = 4_000;
    storing.ok();
    storing.ok();
    storing.fail(new Error('again'));
    expect(c.records().map((r) => [r.level, r.msg, r.failures ?? r.error])).toEqual([
      ['error', 'storing events failed; logged again only once it works', 'Error: Redis is down'],
      ['info', 'storing events works again', 50],
      ['error', 'storing events failed; logged again only once it works', 'Error: again'],
    ]);
    expect(c.records()[1].failingForMs).toBe(3_000);
  });
});
