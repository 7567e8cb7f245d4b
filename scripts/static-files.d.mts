import type { IncomingMessage, ServerResponse } from 'node:http';

export const CONTENT_TYPES: Record<string, string>;
/** Resolves `urlPath` below `root`, or returns undefined when it would leave it. */
export function resolveBelow(root: string, urlPath: string): string | undefined;
/** Sends one file, honouring a single `Range: bytes=a-b`; 404 when it is missing. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string | undefined): void;
