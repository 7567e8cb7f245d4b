/** Marks `el` as tracked; false when another tracker holds it already. */
export declare const mark: (el: object) => unknown;
/** Lets another tracker take `el`. */
export declare const unmark: (el: object) => boolean;
/** The id of this page view: the same for every tracker in the document, new in each document. */
export declare const pageView: () => string;
