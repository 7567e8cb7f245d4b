/**
 * The Redis store's own Lua scripts, one atomic step each (./commands/, BullMQ's layout:
 * each file says what it does, and lists its KEYS and ARGV at its top). Their text is
 * inlined into the build, so the published package needs no .lua files at run time.
 *
 * ioredis sends them by SHA and loads them again when Redis has lost them (after a restart).
 */
import type { ChainableCommander, Redis } from 'ioredis';
declare const SCRIPTS: {
    checkIds: string;
    claimMediaObject: string;
    completeSendSlot: string;
    orderFacts: string;
    pauseUpstream: string;
    rankEvents: string;
    recordEvents: string;
    releaseLock: string;
    setBacklog: string;
    settleEvent: string;
    takeSendSlots: string;
};
export type ScriptName = keyof typeof SCRIPTS;
/** Teaches a client the scripts (no round trip: ioredis loads each on its first use). */
export declare function defineScripts(client: Redis): void;
type Arg = string | number;
/** Runs a script on a client (or queues it on a MULTI); the key count goes first. */
export declare function runScript<T = unknown>(client: Redis, name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T>;
export declare function runScript(client: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly Arg[]): ChainableCommander;
export {};
