/**
 * The media matrix of issue 18, for every engine's suite alike (helpers only, no tests):
 * files as sites have them (odd lengths, several containers and codecs), each played to its
 * end, and the checks that each one's events are exactly what was played.
 */
import type { AttentionSpanEvent, WireEvent } from '../src/wire.js';
import { media, steps, VIEWING } from './media.js';

/** One file of the matrix: its element's id, and the engines that play its format. */
export interface MatrixFile {
  id: string;
  file: string;
  tag: 'video' | 'audio';
  /** Firefox ESR plays no H.264 or AAC from Debian's build here. */
  firefox: boolean;
}

/** Made by scripts/make-media.sh. */
export const MATRIX: MatrixFile[] = [
  // 6.008 s: the length whose whole play reported 99% (issue 18, bug 1).
  { id: 'vp9', file: 'vp9-6008ms.webm', tag: 'video', firefox: true },
  { id: 'vp8', file: 'vp8-23976fps.webm', tag: 'video', firefox: true },
  { id: 'h264', file: 'h264-aac.mp4', tag: 'video', firefox: false },
  { id: 'mp3', file: 'tone.mp3', tag: 'audio', firefox: true },
  { id: 'm4a', file: 'tone.m4a', tag: 'audio', firefox: false },
];

/** The page's body: every file of `files`, each in its own element. */
export const matrixBody = (files: MatrixFile[]) => files.map((f) => media(f.id, f.file, 'controls', f.tag)).join('\n');

/** What the browser says of an element once it has played: its duration, source and played ranges. */
export interface Played {
  id: string;
  duration: number;
  src: string;
  played: [number, number][];
}

/**
 * In the page: plays every element of `ids` at `rate`, all at once, and resolves with what
 * each element played once all have ended.
 */
export function playAllToEnd([ids, rate]: [string[], number]): Promise<Played[]> {
  return Promise.all(
    ids.map(async (id) => {
      const el = document.getElementById(id) as HTMLMediaElement;
      const ended = new Promise((resolve) => el.addEventListener('ended', resolve, { once: true }));
      el.playbackRate = rate;
      await el.play();
      await ended;
      const played: [number, number][] = [];
      for (let i = 0; i < el.played.length; i++) played.push([el.played.start(i), el.played.end(i)]);
      return { id, duration: el.duration, src: el.currentSrc, played };
    }),
  );
}

/**
 * Checks one element's whole play: one session whose events are STARTED, 25, 50, 75, 100
 * and an attention span of 100% naming every span of its duration, each played, and every
 * event naming this element's media. Returns a message per thing wrong, so that a failing
 * run says all of them.
 */
export function wholePlayProblems(events: WireEvent[], truth: Played): string[] {
  const mine = events.filter((e) => e.mediaUrl == truth.src);
  const problems: string[] = [];
  const say = (what: string, got: unknown) => problems.push(`${truth.id} (${truth.duration} s): ${what}: ${JSON.stringify(got)}`);
  if (JSON.stringify(steps(mine)) != JSON.stringify(VIEWING)) say('events', steps(mine));
  if (new Set(mine.map((e) => e.sessionId)).size != 1) say('sessions', [...new Set(mine.map((e) => e.sessionId))]);
  const name = decodeURIComponent(new URL(truth.src).pathname.split('/').pop()!);
  for (const e of mine) if (e.externalId != truth.src || e.mediaName != name) say('context', [e.externalId, e.mediaName]);
  // The browser's own record: the whole of it played.
  if (truth.played.length != 1 || truth.played[0][0] > 0.05 || truth.played[0][1] < truth.duration - 0.05) say('el.played', truth.played);
  const span = mine.find((e): e is AttentionSpanEvent => e.type == 'attention-span');
  if (span) {
    const spans = Math.ceil(truth.duration);
    const keys = Object.keys(span.rawDataMap);
    if (keys.length != spans || keys.some((k, i) => k != String(i))) say(`map keys, for ${spans} spans`, keys);
    if (Object.values(span.rawDataMap).some((c) => c < 1)) say('a span not played', span.rawDataMap);
    const totals = { totalPercentPlayed: 100, totalSecondsPlayed: Math.floor(truth.duration) };
    if (JSON.stringify(span.derivedValues) != JSON.stringify(totals)) say('totals', span.derivedValues);
  }
  return problems;
}
