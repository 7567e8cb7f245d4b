import { type EmbedState } from './state.js';
/** A Vimeo player's protocol, for an embed whose readings go to `state`. */
export declare function vimeo(state: EmbedState, post: (message: object) => void, read: (type: string) => void): {
    _hello: (again?: unknown) => number;
    _message(raw: unknown): void;
};
