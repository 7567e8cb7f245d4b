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
export declare class ClientLimiter {
    private readonly perMinute;
    private readonly perMs;
    private readonly maxClients;
    private readonly clients;
    constructor(options: ClientLimitOptions);
    /** 0 when `ip` may go on, else the seconds until it may. */
    check(ip: string | undefined, now: number): number;
}
/**
 * The client's IP. Without a trusted proxy it is the socket's peer. Behind `hops` trusted
 * proxies it is the `hops`-th address from the right of X-Forwarded-For: each proxy appends
 * the address it saw, so the ones further left were written by the client and prove nothing.
 */
export declare function clientIp(peer: string | undefined, forwardedFor: string | undefined, hops: number): string | undefined;
