/**
 * The Redis store's own Lua scripts, one atomic step each (./commands/, BullMQ's layout:
 * each file says what it does, and lists its KEYS and ARGV at its top). Their text is
 * inlined into the build, so the published package needs no .lua files at run time.
 *
 * ioredis sends them by SHA and loads them again when Redis has lost them (after a restart).
 */
/// <reference path="./lua.d.ts" />
import type { ChainableCommander, Redis } from 'ioredis';
import checkIds from './commands/checkIds-2.lua?raw';
import claimMediaObject from './commands/claimMediaObject-2.lua?raw';
import completeSendSlot from './commands/completeSendSlot-1.lua?raw';
import orderFacts from './commands/orderFacts.lua?raw';
import pauseUpstream from './commands/pauseUpstream-1.lua?raw';
import rankEvents from './commands/rankEvents-3.lua?raw';
import recordEvents from './commands/recordEvents-4.lua?raw';
import releaseLock from './commands/releaseLock-1.lua?raw';
import setBacklog from './commands/setBacklog-3.lua?raw';
import settleEvent from './commands/settleEvent-6.lua?raw';
import takeSendSlots from './commands/takeSendSlots-3.lua?raw';

const SCRIPTS = { checkIds, claimMediaObject, completeSendSlot, orderFacts, pauseUpstream, rankEvents, recordEvents, releaseLock, setBacklog, settleEvent, takeSendSlots };
export type ScriptName = keyof typeof SCRIPTS;

/** Teaches a client the scripts (no round trip: ioredis loads each on its first use). */
export function defineScripts(client: Redis): void {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(`mb_${name}`, { lua });
}

type Arg = string | number;

/** Runs a script on a client (or queues it on a MULTI); the key count goes first. */
export function runScript<T = unknown>(client: Redis, name: ScriptName, keys: readonly string[], args: readonly Arg[]): Promise<T>;
export function runScript(client: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly Arg[]): ChainableCommander;
export function runScript(client: Redis | ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly Arg[]): unknown {
  const command = (client as unknown as Record<string, (...a: Arg[]) => unknown>)[`mb_${name}`];
  return command.call(client, keys.length, ...keys, ...args);
}
