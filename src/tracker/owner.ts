/**
 * One tracker per element, however many copies of the tracker run on the page: the script
 * tag pasted twice, or the tag beside `startTracking`.
 *
 * The mark is a property under a `Symbol.for` key, which every copy of the script reaches
 * through the browser's symbol registry: it adds no global to `window`, and, unlike an
 * attribute, it is invisible to the page's markup and CSS and to frameworks that compare
 * attributes when they hydrate.
 */
const KEY = Symbol.for('media-bridge');

type Marked = { [KEY]?: number };

/** Marks `el` as tracked (or the document as recovered); false when another tracker did already. */
export const mark = (el: object): unknown => !(el as Marked)[KEY] && ((el as Marked)[KEY] = 1);

/** Lets another tracker take `el`. */
export const unmark = (el: object) => ((el as Marked)[KEY] = 0);
