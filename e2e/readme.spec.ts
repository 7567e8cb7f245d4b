/**
 * The tracker's snippets, in docs/tracker.md and the README's five-minute path: every one
 * runs as written, with only the paths of a real site mapped to this server's (/js/ to
 * /dist/, the webinar to a sample clip).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.js';
import type { WireEvent } from '../src/wire.js';
import { media, steps, VIEWING } from './media.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
/** The fenced blocks of one language in `text`, their list indentation taken off. */
const blocksOf = (text: string, lang: string) =>
  [...text.matchAll(new RegExp('^( *)```' + lang + '\\n([\\s\\S]*?)^ *```', 'gm'))].map((m) =>
    m[2].replace(new RegExp('^' + m[1], 'gm'), ''),
  );
const page = read('docs/tracker.md');
const blocks = (lang: string) => blocksOf(page, lang);

test('the tracker page has the snippets this spec runs', () => {
  expect([blocks('html').length, blocks('js').length, blocks('json').length]).toEqual([1, 1, 1]);
});

test("the README's script tag is the tracker page's, which the next test runs", () => {
  expect(blocksOf(read('README.md'), 'html')).toEqual(blocks('html'));
});

test('the script-tag snippet tracks its video', async ({ track }) => {
  const body = blocks('html')[0].replace('/js/', '/dist/').replace('/media/webinar.mp4', '/media/clip-4s.mp4').replace('<video ', '<video id="v" ');
  await track.open({ build: 'none', body });
  await track.play('v', 16);
  const events = await track.events(6);
  expect(steps(events)).toEqual(VIEWING);
  expect(events[0]).toMatchObject({ externalId: 'webinar-2026-q3', mediaName: 'Q3 webinar' });
});

test('the bundler snippet tracks the page and a player with a closed shadow root, and reads the session', async ({ page, track }) => {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  // A closed root, out of the tracker's reach: the player exposes its media as `media`.
  const closedPlayer = `<div id="player"></div><script>
const root = document.getElementById('player').attachShadow({ mode: 'closed' });
root.innerHTML = ${JSON.stringify(media('inner', 'clip-1s.webm', 'data-media-id="in-shadow"'))};
document.getElementById('player').media = root.querySelector('video');
</script>`;
  await track.open({ build: 'none', body: `${media('v', 'clip-1s.webm')}${closedPlayer}<script type="module">${blocks('js')[0]}</script>` });
  const inner = () => (document.querySelector('#player') as HTMLElement & { media: HTMLVideoElement }).media;
  await page.waitForFunction(`(${inner})().readyState > 0`);
  await track.play('v', 2);
  await page.evaluate(`(${inner})().play()`);
  const events = await track.events(12);
  expect(steps(events.filter((e) => e.externalId == 'in-shadow'))).toEqual(VIEWING);
  expect(steps(events.filter((e) => e.externalId != 'in-shadow'))).toEqual(VIEWING);
  await expect.poll(() => logs.some((l) => l.startsWith(events.find((e) => e.externalId != 'in-shadow')!.sessionId))).toBe(true);
});

test('the wire format examples are events as the tracker sends them', async ({ track }) => {
  const examples = JSON.parse(blocks('json')[0]).events;
  await track.open({ body: media('v', 'clip-1s.webm', 'data-media-id="webinar-2026-q3"') });
  await track.play('v', 4);
  const sent = await track.events(6);
  expect(examples.map((e: WireEvent) => e.type)).toEqual(['media-played-percent', 'attention-span']);
  for (const example of examples) {
    const like = sent.find((e) => e.type == example.type)! as unknown as Record<string, unknown>;
    // The same fields (the example has a contact; this page has none), of the same types.
    const fields = (e: object) => Object.keys(e).filter((k) => k != 'contactUtk').sort();
    expect(fields(example)).toEqual(fields(like));
    for (const key of fields(like)) expect(typeof example[key]).toBe(typeof like[key]);
  }
  // An attention span's id is its session's.
  expect(examples[1].id).toBe(examples[1].sessionId);
  expect(sent.find((e) => e.type == 'attention-span')!.id).toBe(sent[0].sessionId);
});
