/**
 * The per-client-IP limit on ingest requests, and how the client IP is found.
 *
 * Each IP has a classic token bucket: `perMinute` requests a minute, in bursts of up to
 * `perMinute`. A page with several videos sends a few beacons a minute per viewer, so the
 * default (600) leaves room for an office or a mobile carrier's NAT full of viewers.
 */

export interface ClientLimitOptions {
  /** Requests per minute per IP; 0 turns the limit off. */
  perMinute: number;
  /** Most IPs tracked at once; idle ones are dropped first. Default 50,000. */
  maxClients?: number;
}

export class ClientLimiter {
  private readonly perMinute: number;
  private readonly perMs: number;
  private readonly maxClients: number;
  private readonly clients = new Map<string, { tokens: number; at: number }>();

  constructor(options: ClientLimitOptions) {
    this.perMinute = options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.maxClients = options.maxClients ?? 50_000;
  }

  /** 0 when `ip` may go on, else the seconds until it may. */
  check(ip: string | undefined, now: number): number {
    if (this.perMinute <= 0 || !ip) return 0;
    let c = this.clients.get(ip);
    if (c) {
      c.tokens = Math.min(this.perMinute, c.tokens + (now - c.at) * this.perMs);
      c.at = now;
      // Move to the back of the Map's order, so the front is the longest idle.
      this.clients.delete(ip);
      this.clients.set(ip, c);
    } else {
      if (this.clients.size >= this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
      c = { tokens: this.perMinute, at: now };
      this.clients.set(ip, c);
    }
    if (c.tokens >= 1) {
      c.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - c.tokens) / this.perMs / 1000));
  }
}

/**
 * The client's IP. Without a trusted proxy it is the socket's peer. Behind `hops` trusted
 * proxies it is the `hops`-th address from the right of X-Forwarded-For: each proxy appends
 * the address it saw, so the ones further left were written by the client and prove nothing.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !forwardedFor) return peer;
  const parts = forwardedFor.split(',');
  const pick = parts[parts.length - hops] ?? parts[0];
  const ip = pick.trim();
  return ip || peer;
}
