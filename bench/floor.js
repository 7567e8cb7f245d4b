// The floor of the page-cost bench: the least a media tracker must do. At start it adds the
// tracker's start-time listeners (on the page, and on each media element) and a
// MutationObserver for media added later; on each event it reads where the media is. It keeps,
// builds and sends nothing.
(() => {
  const EVENTS = ['play', 'playing', 'timeupdate', 'seeking', 'ended', 'volumechange', 'ratechange'];
  const SELECTOR = 'video, audio';
  const read = (e) => e.target.currentTime;
  const attach = (el) => {
    for (const type of EVENTS) el.addEventListener(type, read);
  };
  const search = (node) => {
    if (node.nodeType != 1) return;
    if (node.matches(SELECTOR)) attach(node);
    for (const el of node.querySelectorAll(SELECTOR)) attach(el);
  };
  // No `storage` listener: adding one binds the page's storage area, a synchronous trip to the
  // browser's storage that a tracker need not make at start (the tracker adds it later).
  const nothing = () => {};
  for (const type of ['pagehide', 'online']) window.addEventListener(type, nothing);
  document.addEventListener('visibilitychange', nothing);
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) search(node);
  }).observe(document, { childList: true, subtree: true });
  search(document.documentElement);
})();
