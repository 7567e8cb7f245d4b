/**
 * The handshake both players' protocols share: the page says hello (YouTube's `listening`,
 * Vimeo's `ping`) until the player answers, and again after each load of the iframe.
 *
 * `_ready`: the player has answered once, so what it says is read from then on. `_heard`: it
 * has answered since the last hello. A load says hello again without forgetting the player:
 * an embed found while it loads may answer before its own `load`, and a YouTube player
 * already listening does not answer a second `listening` (issue 24: that late embed's whole
 * viewing was lost). A new page in the iframe answers the hello, and is subscribed then.
 */
export interface Handshake {
    _ready: number;
    _heard: number;
    /** Says `hello` unless heard from since the last hello; `again` (a load of the iframe) asks anew. Returns `_heard`. */
    _hello(again?: unknown): number;
}
export declare const handshake: (hello: () => void) => Handshake;
