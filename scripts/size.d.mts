export function gzip9Bytes(buf: Buffer, name: string): number;
export function sizes(buf: Buffer, name: string): { raw: number; gzip: number; brotli: number };
export const BUDGETS: Record<string, { gzip: number; goal: number }>;
