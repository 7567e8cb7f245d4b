/**
 * The page author's data attributes of a media element, read where the author wrote them:
 * on the media element, or on a player that encloses it (issue 25). Web-component players
 * such as `<mux-player>` keep their `<video>` in a shadow root and copy no `data-*` to it,
 * so the attributes written on `<mux-player data-media-id="webinar">` are found by climbing.
 */
/** What the climb reads of a node: an element's attributes, its parent, a shadow root's host. */
export interface Climbed {
    getAttribute?(name: string): string | null;
    parentNode?: Climbed | null;
    host?: Climbed;
}
/**
 * The value of the attribute `data-${name}` of `el`, else of the nearest element that
 * encloses it and carries that attribute: up through its parents, and from a shadow root
 * to its host, to the top of its tree. Null when none carries it.
 */
export declare function dataAttribute(el: Climbed, name: string): string | null;
