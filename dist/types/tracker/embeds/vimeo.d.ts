import { type EmbedState } from './state.js';
/** A Vimeo video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
export declare const vimeoUrl: (id: string | number) => string;
/** A Vimeo player's protocol, for an embed whose readings go to `state`. */
export declare function vimeo(state: EmbedState, post: (message: object) => void, read: (type: string) => void): {
    _hello: (again?: unknown) => number;
    _message(raw: unknown): void;
};
