import type { Queue } from 'bullmq';
import type { RedisLink } from './connection.js';
import { type Admission, type Pause, type UpstreamGate } from '../../contracts/upstream-gate.js';
import type { RedisKeys } from './keys.js';
export declare class RedisGate implements UpstreamGate {
    private readonly link;
    private readonly keys;
    private readonly queue;
    readonly limit: number;
    private readonly holdMs;
    private readonly leaseMs;
    private readonly name;
    private calls;
    private readonly redis;
    constructor(link: RedisLink, keys: RedisKeys, queue: Queue | undefined, options: {
        limit: number;
        timeoutMs: number;
        windowMs?: number;
    });
    start(): Promise<void>;
    take(wanted: number, now: number, waiter?: string): Promise<Admission>;
    release(slot: string): Promise<void>;
    /** The slot counts as in flight from `take` on: nothing more to record. */
    begin(): void;
    complete(slot: string): Promise<void>;
    pause(pause: Pause, now: number): Promise<boolean>;
    paused(now: number): Promise<Pause | undefined>;
}
