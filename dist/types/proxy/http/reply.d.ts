/** The proxy's answers: what a request is, what an answer is, and the headers every JSON answer has. */
/** The request, as much of it as the proxy needs. */
export interface ProxyRequest {
    method: string;
    /** The path, without the query string. */
    path: string;
    /** A header by lower-case name. */
    header(name: string): string | undefined;
    /** The socket peer's address, when the runtime knows it. */
    peer?: string;
    /** Reads the body as UTF-8 text; resolves null as soon as it exceeds `limit` bytes. */
    readBody(limit: number): Promise<string | null>;
}
/** The answer. */
export interface ProxyReply {
    status: number;
    headers: Record<string, string>;
    body: string;
}
export declare const JSON_HEADERS: {
    'content-type': string;
    'cache-control': string;
    'x-content-type-options': string;
};
/** A JSON answer. */
export declare function reply(status: number, body: unknown, headers?: Record<string, string>): ProxyReply;
