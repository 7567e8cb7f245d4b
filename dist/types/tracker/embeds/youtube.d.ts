import { type EmbedState } from './state.js';
/** A YouTube video's canonical URL, its `externalId` and `mediaUrl`, from its id. */
export declare const youtubeUrl: (id: string) => string;
/** A YouTube player's protocol, for an embed whose readings go to `state`. */
export declare function youtube(state: EmbedState, post: (message: string) => void, read: (type: string) => void, id: number): {
    _hello: (again?: unknown) => number;
    _message(data: unknown): void;
};
