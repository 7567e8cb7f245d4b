/**
 * What the observer watches: the document, the open shadow roots met, and those handed to
 * `track()`; and changes of `src`, for lazy embeds given theirs later (`data-src` to `src`).
 */
export declare const WATCHED: MutationObserverInit;
/**
 * Calls `found` for each element matching `selector`, now and whenever one is added, and
 * `removed` after each batch of changes (the caller knows which elements it holds, and
 * checks which of them left the document). Once `live()` is false (the tracker stopped, and
 * disconnected the observer returned), a shadow root met later, as a name is defined, is
 * neither searched nor observed.
 *
 * Each tree is searched once, as it is met: the document at the start, then each added
 * subtree and each open shadow root, which is then observed as the document is. Nothing is
 * searched again on later changes, so a page full of custom elements costs one look at each
 * element.
 */
export declare function discover(selector: string, found: (el: Element) => void, removed: () => void, guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => unknown, live: () => unknown): MutationObserver;
