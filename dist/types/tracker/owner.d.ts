/** Marks `el` as tracked (or the document as recovered); false when another tracker did already. */
export declare const mark: (el: object) => unknown;
/** Lets another tracker take `el`. */
export declare const unmark: (el: object) => number;
