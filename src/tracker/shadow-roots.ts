/**
 * The open shadow roots that discovery meets (issue 25). Players built as web components
 * (`<mux-player>`, `<hls-video>`, media-chrome's themes) keep their `<video>` in a shadow
 * root, often two levels down, where neither `querySelectorAll` nor the document's
 * MutationObserver reaches.
 *
 * Each element discovery meets is looked at once: an open shadow root is handed on to be
 * searched and observed like the document. A custom element not defined yet has no shadow
 * root so far, and nothing in the light DOM announces the one its upgrade attaches: it waits
 * for its name to be defined, once a name, never by polling. A closed root cannot be reached
 * (the page hands its media to `track()`), nor can a root attached later than its element's
 * upgrade.
 */

/** Met before their name was defined, by name; `_limit` is when to let go of the removed ones. */
type Waiting = Record<string, { _met: Element[]; _limit: number }>;

/**
 * What looks at each element discovery meets: `open` gets its open shadow root, now, or
 * once its name is defined. `guard` runs what comes later (discovery's guard).
 */
export function shadowRoots(open: (root: ShadowRoot) => void, guard: (fn: () => void) => () => unknown): (el: Element) => void {
  const waiting: Waiting = {};
  return (el) => {
    const root = el.shadowRoot;
    const name = el.localName;
    if (root) open(root);
    // A name with a hyphen, not defined yet (`is=` elements, named otherwise, are left out:
    // whenDefined would refuse their tag name).
    else if (name.includes('-') && el.matches(':not(:defined)')) {
      let wait = waiting[name];
      if (!wait) {
        wait = waiting[name] = { _met: [], _limit: 64 };
        customElements.whenDefined(name).then(
          guard(() => {
            // Upgraded now, in the document, with the roots their constructors attached.
            // Only looked at for a root: one never upgraded (removed before) is not waited for again.
            waiting[name]._met.forEach((met) => {
              const root = met.shadowRoot;
              if (root) open(root);
            });
            delete waiting[name];
          }),
        );
      }
      // A name never defined must not keep every element of it that the page removed: past
      // the limit the removed ones are let go, and the limit doubles what is left.
      if (wait._met.push(el) > wait._limit) {
        wait._met = wait._met.filter((met) => met.isConnected);
        wait._limit = 2 * wait._met.length + 64;
      }
    }
  };
}
