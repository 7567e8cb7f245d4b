export function gzip9Bytes(buf: Buffer): number;
export function sizes(buf: Buffer): { raw: number; gzip: number; brotli: number };
export const BUDGETS: Record<string, { gzip: number; goal: number }>;
