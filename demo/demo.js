// The demo page's script. It starts the tracker from the ES module build (a site would use
// the one-line script tag instead; the module build also lets this page draw each session),
// then shows, live, what the proxy received and what HubSpot answered.
import { startTracking } from '/dist/index.js';

const params = new URLSearchParams(location.search);
// A session ends at `ended`; its bar stays on show until the element's next session.
const lastSession = new Map();
const elementOf = new Map(); // sessionId → element
const tracker = startTracking({
  endpoint: '/media-events',
  // YouTube and Vimeo iframes too: their support is imported only once one is on the page.
  embeds: true,
  debug: params.has('debug'),
  // Called as each event is queued, while its session is still current: the moment to take
  // the final picture of a session that is about to end.
  onEvent(event) {
    const el = elementOf.get(event.sessionId);
    const s = el && tracker.session(el);
    if (s) lastSession.set(el, s);
    redraw();
  },
});
const MILESTONES = [25, 50, 75, 100];
const INSERT_AFTER_MS = Number(params.get('insertAfter') ?? 3000);

// --- the "played" bar under each media element -------------------------------------------

const bars = new Map();

function barFor(el) {
  let bar = bars.get(el);
  if (!bar) {
    const box = document.createElement('div');
    box.className = 'played-bar';
    box.dataset.for = el.dataset.mediaId || el.id;
    const caption = document.createElement('div');
    caption.className = 'played-caption';
    el.after(box, caption);
    bar = { box, caption };
    bars.set(el, bar);
  }
  return bar;
}

function draw(el) {
  const { box, caption } = barFor(el);
  const current = tracker.session(el);
  if (current) {
    lastSession.set(el, current);
    elementOf.set(current.sessionId, el);
  }
  const s = current ?? lastSession.get(el);
  const duration = s && s.duration > 0 && s.duration < Infinity ? s.duration : el.duration;
  box.replaceChildren();
  if (s && duration > 0 && duration < Infinity) {
    for (const [from, to] of s.played) {
      const span = document.createElement('div');
      span.className = 'span';
      span.style.left = `${(100 * from) / duration}%`;
      span.style.width = `${(100 * (to - from)) / duration}%`;
      box.append(span);
    }
  }
  for (const m of MILESTONES) {
    const mark = document.createElement('div');
    mark.className = 'mark' + (s && s.milestones.includes(m) ? ' reached' : '');
    mark.style.left = `calc(${m}% - ${m === 100 ? 2 : 1}px)`;
    box.append(mark);
  }
  if (!s) {
    caption.textContent = 'No session yet: press play.';
    return;
  }
  const played = s.played.reduce((sum, [from, to]) => sum + to - from, 0);
  const share = duration > 0 && duration < Infinity ? Math.round((100 * played) / duration) : 0;
  caption.textContent = `Session ${s.sessionId.slice(0, 8)}${current ? '' : ' (ended)'} · ${share}% actually played` +
    (s.milestones.length ? ` · reported ${s.milestones.join(', ')}%` : '');
}

const tracked = () => document.querySelectorAll('video[data-media-id], audio[data-media-id], #embeds iframe');
let frame = 0;
function redraw() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    tracked().forEach(draw);
  });
}
for (const type of ['timeupdate', 'seeked', 'play', 'pause', 'ended', 'loadedmetadata', 'emptied']) {
  document.addEventListener(type, redraw, true);
}
redraw();

// --- a player added by another script, a few seconds after load --------------------------

setTimeout(() => {
  const video = document.createElement('video');
  video.src = '/demo/media/product-demo.webm';
  video.controls = true;
  video.preload = 'metadata';
  video.dataset.mediaId = 'product-tour-2026';
  video.dataset.mediaName = 'Product tour';
  document.getElementById('product-slot').replaceWith(video);
  redraw();
}, INSERT_AFTER_MS);

// --- YouTube and Vimeo embeds, where the network reaches them ----------------------------

// Each player's own sample video from its API docs. `enablejsapi=1` in the YouTube embed
// spares it the reload the tracker would otherwise cause to add it.
const EMBEDS = [
  { id: 'youtube-embed', name: 'YouTube', src: 'https://www.youtube-nocookie.com/embed/M7lc1UVf-VE?enablejsapi=1' },
  { id: 'vimeo-embed', name: 'Vimeo', src: 'https://player.vimeo.com/video/76979871' },
];
const embedsStatus = document.getElementById('embeds-status');
for (const { id, name, src } of EMBEDS) {
  const line = document.createElement('li');
  line.textContent = `${name}: checking whether this browser can reach it…`;
  embedsStatus.append(line);
  // An opaque answer is enough to know the player can load; offline, the request fails.
  fetch(src, { mode: 'no-cors', signal: AbortSignal.timeout(5000) }).then(
    () => {
      const iframe = document.createElement('iframe');
      Object.assign(iframe, { id, src, title: `${name} player`, allow: 'autoplay; fullscreen; picture-in-picture', allowFullscreen: true });
      line.remove();
      document.getElementById('embeds-players').append(iframe);
      redraw();
    },
    () => (line.textContent = `${name}: left out, the network does not reach it (offline?).`),
  );
}

// --- a test contact ----------------------------------------------------------------------

const utk = document.getElementById('utk-toggle');
utk.checked = /(?:^|; )hubspotutk=/.test(document.cookie);
utk.addEventListener('change', () => {
  // HubSpot's tracking code sets hubspotutk (32 hex digits) on real sites.
  const value = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  document.cookie = utk.checked ? `hubspotutk=${value}; path=/; SameSite=Lax` : 'hubspotutk=; path=/; max-age=0';
  location.reload(); // the tracker reads the cookie as the page loads
});

// --- the panel: what the proxy received, pushed by server-sent events --------------------

const rows = new Map();
const tbody = document.getElementById('events');
const status = document.getElementById('proxy-status');
let dryRun = true;

function outcome(row, text, kind) {
  const cell = row.querySelector('.outcome');
  cell.textContent = text;
  cell.className = `outcome outcome-${kind}`;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

const stream = new EventSource('/demo/events');
stream.addEventListener('hello', (e) => {
  dryRun = JSON.parse(e.data).dryRun;
  status.textContent = dryRun
    ? 'Dry run: no HubSpot token is set. Events are validated and stored, nothing is sent.'
    : 'Forwarding to HubSpot within its rate limit.';
});
stream.addEventListener('accepted', (e) => {
  const ev = JSON.parse(e.data);
  document.getElementById('empty-note').hidden = true;
  const row = document.createElement('tr');
  row.dataset.id = ev.id;
  row.dataset.type = ev.type;
  const pct = ev.playedPercent ?? ev.totalPercentPlayed;
  row.append(
    cell(new Date(ev.at).toLocaleTimeString()),
    cell(ev.type, 'type'),
    cell(pct === undefined ? '' : String(pct), 'percent'),
    cell(ev.sessionId.slice(0, 8), 'session'),
    cell('', 'outcome'),
  );
  row.title = `${ev.mediaName ?? ''}${ev.contactUtk ? ' · known contact' : ' · anonymous'}`;
  if (ev.dryRun) outcome(row, 'dry run', 'dry');
  else outcome(row, 'queued', 'pending');
  rows.set(ev.id, row);
  tbody.prepend(row);
});
stream.addEventListener('forwarded', (e) => {
  const ev = JSON.parse(e.data);
  const row = rows.get(ev.id);
  if (row) outcome(row, `accepted (${ev.status})`, 'accepted');
});
stream.addEventListener('retry', (e) => {
  const ev = JSON.parse(e.data);
  const row = rows.get(ev.id);
  if (row) outcome(row, `retrying: ${ev.reason}`, 'pending');
});
stream.addEventListener('dead', (e) => {
  const ev = JSON.parse(e.data);
  const row = rows.get(ev.id);
  if (row) outcome(row, `rejected: ${ev.error.message ?? ev.error.category ?? 'error'}`, 'failed');
});
stream.addEventListener('rejected', (e) => {
  const ev = JSON.parse(e.data);
  status.textContent = `The proxy refused a beacon (${ev.status}): ${ev.reason}`;
});
stream.onerror = () => {
  status.textContent = 'Lost the connection to the demo server; retrying…';
};
