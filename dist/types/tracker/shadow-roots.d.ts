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
/**
 * What looks at each element discovery meets: `open` gets its open shadow root, now, or
 * once its name is defined. `guard` runs what comes later (discovery's guard).
 */
export declare function shadowRoots(open: (root: ShadowRoot) => void, guard: (fn: () => void) => () => unknown): (el: Element) => void;
