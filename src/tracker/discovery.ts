/**
 * Finds the media elements to track: those in the document when tracking starts, and each
 * one added later (a MutationObserver sees what the parser, a framework or a script inserts),
 * in the document and in the open shadow roots within it, at any depth (shadow-roots.ts).
 */
import { shadowRoots } from './shadow-roots.js';

/**
 * What the observer watches: the document, the open shadow roots met, and those handed to
 * `track()`; and changes of `src`, for lazy embeds given theirs later (`data-src` to `src`).
 */
export const WATCHED: MutationObserverInit = { childList: true, subtree: true, attributeFilter: ['src'] };

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
export function discover(
  selector: string,
  found: (el: Element) => void,
  removed: () => void,
  guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => unknown,
  live: () => unknown,
): MutationObserver {
  // The document, a shadow root, or any node added to either.
  const search = (node: Node) => {
    if (node.nodeType == 1) {
      if ((node as Element).matches(selector)) found(node as Element);
      look(node as Element);
    }
    // Elements, shadow roots and the document have descendants; text and comments do not.
    if ((node as ParentNode).querySelectorAll) {
      (node as ParentNode).querySelectorAll(selector).forEach(found);
      // Every element below, each looked at once: a TreeWalker builds no list of them, and
      // takes half the time of querySelectorAll('*') on a page of a thousand shadow roots.
      for (const walker = document.createTreeWalker(node, 1); walker.nextNode(); ) look(walker.currentNode as Element);
    }
  };
  const look = shadowRoots((root) => {
    if (live()) {
      observer.observe(root, WATCHED);
      search(root);
    }
  }, guard);
  const observer = new MutationObserver(
    guard((records: MutationRecord[]) => {
      records.forEach((record) => {
        const el = record.target as Element;
        // A `src` given or changed: only the element itself may now match (its tree was searched).
        if (record.attributeName) el.matches(selector) && found(el);
        else record.addedNodes.forEach(search);
      });
      removed();
    }),
  );
  observer.observe(document, WATCHED);
  search(document);
  return observer;
}
