/**
 * YouTube's widget protocol, as its iframe API (www-widgetapi.js) speaks it, without loading
 * that script. The embed answers only when its URL has `enablejsapi=1`.
 *
 * - The page sends `{"event":"listening","id":…,"channel":"widget"}` (a JSON string) until
 *   the player answers with `initialDelivery`, whose `info` holds its state.
 * - The page subscribes with commands, `{"event":"command","func":"addEventListener","args":["onStateChange"]}`:
 *   the player sends `onStateChange` (and `onPlaybackRateChange`) only after that.
 * - The player sends `infoDelivery` as its state changes: `playerState` (-1 unstarted,
 *   0 ended, 1 playing, 2 paused, 3 buffering, 5 cued), `currentTime` (about every 250 ms
 *   while playing), `duration`, `playbackRate`, `videoData` (`video_id`, `title`).
 * - One player may play several videos: a playlist's (`/embed/videoseries?list=…`, or
 *   `playlist=` after the first), a related video the visitor clicks at the end, one the page
 *   loads. `videoData.video_id` says which it holds.
 */
import { handshake } from './handshake.js';
import { known, newVideo, type EmbedState } from './state.js';

const PLAYING = 1;
const ENDED = 0;

/** A YouTube video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
export const youtubeUrl = (id: string) => 'https://www.youtube.com/watch?v=' + id;

interface Info {
  playerState?: number;
  currentTime?: number;
  duration?: number;
  playbackRate?: number;
  videoData?: { title?: string; video_id?: string };
}

/** A YouTube player's protocol, for an embed whose readings go to `state`. */
export function youtube(state: EmbedState, post: (message: string) => void, read: (type: string) => void, id: number) {
  let playerState = -1;
  const send = (message: object) => post(JSON.stringify({ ...message, id, channel: 'widget' }));
  const h = handshake(() => send({ event: 'listening' }));
  return {
    // A load of the iframe may be a new page (its src changed): its first state counts, whatever the last page's was.
    _hello: (again?: unknown) => (again && (playerState = NaN), h._hello(again)),
    _message(data: unknown) {
      if (typeof data != 'string') return;
      // `null` parses too: read as no message.
      const message = (JSON.parse(data) || {}) as { event?: string; info?: Info | number };
      const event = message.event;
      let info = message.info;
      if (event == 'initialDelivery' && !h._heard) {
        h._ready = 1;
        ['onStateChange', 'onPlaybackRateChange'].forEach((name) =>
          send({ event: 'command', func: 'addEventListener', args: [name] }),
        );
      }
      if (!h._ready) return;
      // Any message now answers the last hello.
      h._heard = 1;
      // `onStateChange` carries the state alone; the deliveries an object of what changed.
      if (event == 'onStateChange') info = { playerState: info as number };
      if (event == 'onPlaybackRateChange') info = { playbackRate: info as number };
      if (!info || typeof info != 'object') return;
      const video = info.videoData;
      if (video) {
        const id = video.video_id;
        // Another video in this player (its duration and title may come in this message).
        if (typeof id == 'string' && /^[\w-]+$/.test(id)) newVideo(state, youtubeUrl(id));
        if (video.title) state.title = video.title;
      }
      if (info.duration! > 0) state.duration = known(info.duration);
      if (typeof info.currentTime == 'number') state.currentTime = info.currentTime;
      if (info.playbackRate! > 0) {
        const rate = info.playbackRate!;
        if (rate != state.playbackRate) (state.playbackRate = rate), read('ratechange');
      }
      const s = info.playerState;
      if (typeof s == 'number' && s != playerState) {
        playerState = s;
        // Buffering (3) is a stall: the clock stops, as for a paused element.
        state.paused = s != PLAYING;
        // A media element fires `timeupdate` as it pauses.
        read(s == PLAYING ? 'playing' : s == ENDED ? 'ended' : 'timeupdate');
      } else if (typeof info.currentTime == 'number') read('timeupdate');
    },
  };
}
