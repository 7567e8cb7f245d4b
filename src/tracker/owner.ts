/**
 * One tracker per element, and one page view per document, however many copies of the
 * tracker run on the page: the script tag pasted twice, or the tag beside `startTracking`.
 *
 * The mark is a property under a `Symbol.for` key, which every copy of the script reaches
 * through the browser's symbol registry: it adds no global to `window`, and, unlike an
 * attribute, it is invisible to the page's markup and CSS and to frameworks that compare
 * attributes when they hydrate.
 */
import { newId } from './id.js';

const KEY = Symbol.for('media-bridge-tracker');

type Marked = { [KEY]?: string | 1 };

/** Marks `el` as tracked; false when another tracker holds it already. */
export const mark = (el: object): unknown => !(el as Marked)[KEY] && ((el as Marked)[KEY] = 1);

/** Lets another tracker take `el`. */
export const unmark = (el: object) => delete (el as Marked)[KEY];

/** The id of this page view: the same for every tracker in the document, new in each document. */
export const pageView = (): string => ((document as Marked)[KEY] = ((document as Marked)[KEY] as string) || newId());
