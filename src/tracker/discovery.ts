/**
 * Finds the media elements to track: those in the document when tracking starts, and each
 * one added later (a MutationObserver sees what the parser, a framework or a script inserts).
 */

/** What the observer watches: the document, and the shadow roots handed to `track()`. */
export const WATCHED: MutationObserverInit = { childList: true, subtree: true };

/**
 * Calls `found` for each element matching `selector`, now and whenever one is added, and
 * `removed` after each batch of changes (the caller knows which elements it holds, and
 * checks which of them left the document).
 */
export function discover(
  selector: string,
  found: (el: Element) => void,
  removed: () => void,
  guard: <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => unknown,
): MutationObserver {
  const search = (node: Node) => {
    if (node.nodeType == 1) {
      if ((node as Element).matches(selector)) found(node as Element);
      (node as Element).querySelectorAll(selector).forEach(found);
    }
  };
  const observer = new MutationObserver(
    guard((records: MutationRecord[]) => {
      records.forEach((record) => record.addedNodes.forEach(search));
      removed();
    }),
  );
  observer.observe(document, WATCHED);
  search(document.documentElement);
  return observer;
}
