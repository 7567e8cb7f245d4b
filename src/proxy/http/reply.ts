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

export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** A JSON answer. */
export function reply(status: number, body: unknown, headers: Record<string, string> = {}): ProxyReply {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}
