/**
 * Vimeo's player.js protocol, as @vimeo/player speaks it, without loading that script.
 *
 * - The page posts objects `{ method, value }` to the iframe. `ping` is answered by
 *   `{ method: 'ping' }` once the player is up, which also sends `{ event: 'ready' }` as it loads.
 * - `addEventListener` with an event's name subscribes the page: the player then posts
 *   `{ event, data }`, where `data` of `play`, `pause`, `timeupdate`, `seeked` and `ended`
 *   holds `seconds`, `percent` and `duration`; `playbackratechange` holds `playbackRate`.
 * - Getters (`getDuration`, `getVideoTitle`, `getPlaybackRate`) are answered by `{ method, value }`.
 * - Old players post JSON strings; player.js parses those too.
 * - `loaded`, with `data.id`, says the player holds another video (`loadVideo`, a showcase's next).
 */
import { handshake } from './handshake.js';
import { known, newVideo, type EmbedState } from './state.js';

const EVENTS = ['play', 'pause', 'timeupdate', 'seeked', 'ended', 'playbackratechange', 'loaded'];

// What each of those events is, as a media element's event (a media element fires
// `timeupdate` as it pauses, and as a new source resets its position). A list, not an
// object: an event named `constructor` finds nothing.
const READS = ['playing', 'timeupdate', 'timeupdate', 'seeking', 'ended', 'ratechange', 'timeupdate'];

// What the player is asked as it is ready, and of each video it loads after.
const ASK = ['getDuration', 'getVideoTitle'];

/** A Vimeo video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
export const vimeoUrl = (id: string | number) => 'https://vimeo.com/' + id;

interface Data {
  seconds?: number;
  duration?: number;
  playbackRate?: number;
  id?: number;
}

/** A Vimeo player's protocol, for an embed whose readings go to `state`. */
export function vimeo(state: EmbedState, post: (message: object) => void, read: (type: string) => void) {
  const h = handshake(() => post({ method: 'ping' }));
  return {
    _hello: h._hello,
    _message(raw: unknown) {
      const message = (typeof raw == 'string' ? JSON.parse(raw) : raw) as { event?: string; method?: string; value?: unknown; data?: Data };
      if (!message || typeof message != 'object') return;
      const { event, method, value } = message;
      if ((event == 'ready' || method == 'ping') && !h._heard) {
        h._ready = h._heard = 1;
        EVENTS.forEach((name) => post({ method: 'addEventListener', value: name }));
        // The rate too: one set before this page subscribed fires no event, and a seek is
        // told from play by how far the player can have played.
        [...ASK, 'getPlaybackRate'].forEach((method) => post({ method }));
      }
      if (method == 'getDuration') state.duration = known(value);
      if (method == 'getVideoTitle' && typeof value == 'string') state.title = value;
      if (method == 'getPlaybackRate' && (value as number) > 0) state.playbackRate = value as number;
      const type = READS[EVENTS.indexOf(event!)];
      const data = message.data;
      if (!h._ready || !type || !data || typeof data != 'object') return;
      // Another video in this player, paused until the player says it plays, its duration
      // and title asked. The playhead ends the session of the video before at this reading.
      if (event == 'loaded' && /^\d+$/.test(data.id + '') && newVideo(state, vimeoUrl(data.id!))) {
        state.paused = true;
        ASK.forEach((method) => post({ method }));
      }
      if (typeof data.seconds == 'number') state.currentTime = data.seconds;
      if (data.duration! > 0) state.duration = known(data.duration);
      if (data.playbackRate! > 0) state.playbackRate = data.playbackRate!;
      if (event == 'play') state.paused = false;
      if (event == 'pause' || event == 'ended') state.paused = true;
      read(type);
    },
  };
}
