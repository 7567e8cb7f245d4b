import { Queue, Worker, Job } from 'bullmq';
import { a as holdMs, W as WAITER_MS, b as WAITER_POLL_MS, c as createLogger, D as DEFAULT_ORDER_GRACE_MS, d as DEFAULT_KEEP_DELIVERED_MS, e as DEFAULT_KEEP_DEAD_MS, f as DEFAULT_BACKLOG, T as TIER_TOP_QUARTILE, g as TIER_SUPERSEDED, i as tierOf, j as dropsAsSuperseded, o as orderAllows, k as inBacklog, l as DELIVERED_WINDOW_MS } from './core.js';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/**
 * The Redis connections of one proxy instance, and what the log and /healthz say of them.
 *
 * Two kinds, because they must behave differently while Redis is unreachable:
 * - `fast`: ingest, the rate window, /healthz. No offline queue and no retries, so a request
 *   that cannot be stored is answered 503 at once (nothing is accepted that is not stored),
 *   and sending waits, instead of piling up commands for later.
 * - `patient`: BullMQ's worker, which claims jobs and settles them. Its commands wait for
 *   Redis to come back, so a request HubSpot answered during an outage is still settled.
 *
 * ioredis reconnects by itself; the first failure and the recovery are logged, once each.
 */
/** Longest wait for one command on the fast connection before it counts as failed. */
const FAST_COMMAND_TIMEOUT_MS = 5_000;
/** How long the first requests wait for the first connection. */
const FIRST_CONNECT_WAIT_MS = 3_000;
class RedisLink {
    url;
    log;
    fast;
    patient;
    downSince;
    closed = false;
    /** Settles once the first connection attempt has: ready, failed, or timed out. */
    firstAttempt;
    constructor(url, log, extra = {}) {
        this.url = url;
        this.log = log;
        const base = {
            // Reconnect forever, at most every 2 s (ioredis's default backoff, capped).
            retryStrategy: (times) => Math.min(times * 100, 2_000),
            connectionName: 'media-bridge-proxy',
            ...extra,
        };
        this.fast = new Redis(url, {
            ...base,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            commandTimeout: FAST_COMMAND_TIMEOUT_MS,
        });
        // BullMQ requires maxRetriesPerRequest: null for a worker's connection.
        this.patient = new Redis(url, { ...base, maxRetriesPerRequest: null });
        for (const client of [this.fast, this.patient]) {
            // Without an 'error' listener, ioredis's reconnect errors would be thrown.
            client.on('error', (error) => this.down(error));
            client.on('close', () => this.down());
            client.on('ready', () => this.up());
        }
        this.firstAttempt = new Promise((resolve) => {
            const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
            timer.unref?.();
            const done = () => {
                clearTimeout(timer);
                resolve();
            };
            this.fast.once('ready', done);
            this.fast.once('error', done);
        });
    }
    /**
     * Resolves at once, except while the very first connection is being made: a request that
     * arrives then waits for it (a little), rather than failing because the process is new.
     */
    started() {
        return this.firstAttempt;
    }
    /** Where the URL points, without a password. */
    get where() {
        return safeUrl(this.url);
    }
    get state() {
        if (this.closed)
            return 'closed';
        if (this.fast.status === 'ready' && this.patient.status === 'ready')
            return 'ready';
        return this.downSince === undefined ? 'connecting' : 'reconnecting';
    }
    get downSinceAt() {
        return this.downSince;
    }
    async close() {
        this.closed = true;
        await Promise.allSettled([this.fast.quit(), this.patient.quit()]);
        this.fast.disconnect();
        this.patient.disconnect();
    }
    down(error) {
        if (this.closed || this.downSince !== undefined)
            return;
        // Only a connection that was up can go down; failing to connect at start is logged too.
        this.downSince = Date.now();
        this.log.error('Redis is unreachable: ingest answers 503 and forwarding waits until it is back', {
            redis: this.where,
            ...(error ? { error: error.message } : {}),
        });
    }
    up() {
        if (this.fast.status !== 'ready' || this.patient.status !== 'ready')
            return;
        if (this.downSince === undefined)
            return;
        this.log.info('Redis is reachable again: ingest and forwarding go on', { redis: this.where, downForMs: Date.now() - this.downSince });
        this.downSince = undefined;
    }
}
/** A Redis URL with any password replaced. */
function safeUrl(url) {
    try {
        const u = new URL(url);
        if (u.password)
            u.password = '***';
        return u.href;
    }
    catch {
        return 'redis';
    }
}

var checkIds = "--[[\n  Which of a request's event ids are already known, and seqs for the new ones.\n\n  Read before the request's events are stored: the ids known here are duplicates (seen\n  within the last 7 days), and are not stored again. An id that two instances both find\n  new and both store is still stored once: the job id is the event id, and BullMQ adds no\n  second job with an id it holds.\n\n  Input:\n    KEYS[1] ids     (ZSET) event id -> when it was accepted\n    KEYS[2] seq     (STRING) the arrival counter\n    ARGV[1..n]      the event ids\n\n  Output:\n    { first seq of n consecutive ones, known_1, ..., known_n }  (known: 1 or 0)\n]]\nlocal rcall = redis.call\nlocal n = #ARGV\nlocal out = { rcall(\"INCRBY\", KEYS[2], n) - n + 1 }\nlocal scores = rcall(\"ZMSCORE\", KEYS[1], unpack(ARGV))\nfor i = 1, n do\n  out[i + 1] = scores[i] and 1 or 0\nend\nreturn out\n";

var claimMediaObject = "--[[\n  Takes the right to create one media object, for one proxy instance at a time (the\n  PortalStore contract's claimMediaObject, src/proxy/store/portal-store.ts): refused when\n  the catalog's record of the object holds an object id, or when another owner's claim has\n  not lapsed at `now`. Claiming again as the same owner extends the claim.\n\n  The claim is \"<until> <owner>\"; its key expires a while after `until`, so lapsed claims\n  clean themselves up (the decision reads `until`, never the expiry).\n\n  Input:\n    KEYS[1] objects (HASH) \"<mediaType>:<externalId>\" -> the object's record (JSON)\n    KEYS[2] claim   (STRING) \"<until> <owner>\"\n\n    ARGV[1] the object's field in KEYS[1]\n    ARGV[2] owner\n    ARGV[3] now (ms)\n    ARGV[4] until: when the claim lapses (ms)\n    ARGV[5] how long the claim's key outlives `until` (ms)\n\n  Output:\n    1 when claimed, 0 when not\n]]\nlocal rcall = redis.call\nlocal record = rcall(\"HGET\", KEYS[1], ARGV[1])\nif record then\n  local ok, r = pcall(cjson.decode, record)\n  if ok and type(r) == \"table\" and r.objectId ~= nil and r.objectId ~= cjson.null then\n    return 0\n  end\nend\n\nlocal now = tonumber(ARGV[3])\nlocal claim = rcall(\"GET\", KEYS[2])\nif claim then\n  local space = string.find(claim, \" \", 1, true)\n  if space then\n    local heldUntil = tonumber(string.sub(claim, 1, space - 1))\n    local holder = string.sub(claim, space + 1)\n    if holder ~= ARGV[2] and heldUntil and heldUntil > now then\n      return 0\n    end\n  end\nend\n\nlocal untilAt = tonumber(ARGV[4])\nrcall(\"SET\", KEYS[2], ARGV[4] .. \" \" .. ARGV[2], \"PX\", math.max(1, untilAt - now) + tonumber(ARGV[5]))\nreturn 1\n";

var completeSendSlot = "--[[\n  A request that held a slot in the rolling window ended: from now on its slot counts until\n  a hold (10 s plus a margin) has passed, by Redis's clock (see takeSendSlots-3.lua).\n\n  Input:\n    KEYS[1] window (ZSET)\n    ARGV[1] slot\n]]\nlocal t = redis.call(\"TIME\")\nlocal now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\nreturn redis.call(\"ZADD\", KEYS[1], now, ARGV[1])\n";

var orderFacts = "--[[\n  What the order rule needs to know about the sessions of claimed events: whether each has\n  a media-played pending, and whether it has one at all; and each event's backlog tier. The\n  rules themselves are decided in TypeScript (orderAllows, backlog-policy.ts), the same for\n  every store.\n\n  A media-played whose job is gone or finished without being settled here (removed from a\n  dashboard, say) no longer counts as pending, so it cannot hold its session back forever.\n\n  Input:\n    KEYS[1]       tiers (HASH) job id -> tier (see rankEvents-3.lua)\n    KEYS[2..n+1]  the session hashes (see recordEvents-4.lua)\n    ARGV[1]       the BullMQ job key prefix, \"<prefix>:<queue>:\"\n    ARGV[2..n+1]  the events' job ids\n\n  Output:\n    { pending_1, seen_1, tier_1, ..., pending_n, seen_n, tier_n }  (1 or 0; the tier, -1 when unknown)\n]]\nlocal rcall = redis.call\nlocal out = {}\nfor i = 1, #KEYS - 1 do\n  local session = KEYS[i + 1]\n  local fields = rcall(\"HGETALL\", session)\n  local seen = 0\n  local pending = 0\n  for f = 1, #fields, 2 do\n    local name = fields[f]\n    if name == \"seen\" then\n      seen = 1\n    elseif string.sub(name, 1, 2) == \"p:\" then\n      local jobKey = ARGV[1] .. string.sub(name, 3)\n      if rcall(\"EXISTS\", jobKey) == 1 and not rcall(\"HGET\", jobKey, \"finishedOn\") then\n        pending = 1\n      else\n        rcall(\"HDEL\", session, name)\n      end\n    end\n  end\n  out[3 * i - 2] = pending\n  out[3 * i - 1] = seen\n  out[3 * i] = tonumber(rcall(\"HGET\", KEYS[1], ARGV[i + 1])) or -1\nend\nreturn out\n";

var pauseUpstream = "--[[\n  Pauses sending to HubSpot for every instance on this queue: after a rolling-window 429,\n  the daily limit, refused credentials or repeated failures (src/proxy/upstream/backoff.ts\n  decides which and for how long). A pause only ever grows: a shorter one than the pause in\n  force changes nothing.\n\n  Input:\n    KEYS[1] pause (HASH) reason; expires when the pause ends\n    ARGV[1] reason\n    ARGV[2] for how long (ms)\n\n  Output:\n    0 unchanged, 1 extended with the same reason, 2 a new reason\n]]\nlocal rcall = redis.call\nlocal ms = tonumber(ARGV[2])\nlocal left = rcall(\"PTTL\", KEYS[1])\nif left >= ms then\n  return 0\nend\nlocal before = left > 0 and rcall(\"HGET\", KEYS[1], \"reason\") or false\nrcall(\"HSET\", KEYS[1], \"reason\", ARGV[1])\nrcall(\"PEXPIRE\", KEYS[1], ms)\nif before == ARGV[1] then\n  return 1\nend\nreturn 2\n";

var rankEvents = "--[[\n  Gives new events their backlog tier (src/proxy/store/backlog-policy.ts), in the MULTI that\n  adds their jobs, after the adds. A job's BullMQ priority is its tier + 1 while the queue is\n  in backlog, and 1 for every job otherwise, so BullMQ's prioritized set (ordered by\n  priority, then by its insertion counter) hands jobs out in value order under backlog and\n  in arrival order without (see setBacklog-3.lua for the switch).\n\n  A quartile is its session's top unless a higher one of the session came before it; a\n  higher one arriving demotes the session's earlier top, if it still waits. The tiers are\n  the policy's, passed in; this script only compares percents. An event already ranked is\n  skipped, so running this twice changes nothing.\n\n  Input:\n    KEYS[1] tiers        (HASH) job id -> tier, for every waiting job\n    KEYS[2] backlog      (STRING) \"1\" while the queue is in backlog\n    KEYS[3] prioritized  BullMQ's prioritized set\n    KEYS[3+i]            the session hash of event i: \"top\" (highest percent) and \"topJob\"\n\n    ARGV[1] BullMQ's job key prefix, \"<prefix>:<queue>:\"\n    ARGV[2] the tier of a session's top quartile\n    ARGV[3] the tier of a superseded quartile\n    ARGV[4] how long a session hash is kept (ms)\n    ARGV[3i+2], ARGV[3i+3], ARGV[3i+4]\n            event i's job id, its tier when it is not a quartile, its percent (\"\" when not a quartile)\n]]\nlocal rcall = redis.call\nlocal backlog = rcall(\"GET\", KEYS[2]) == \"1\"\nlocal topTier = tonumber(ARGV[2])\nlocal supersededTier = tonumber(ARGV[3])\n\nlocal function place(jobId, tier)\n  rcall(\"HSET\", KEYS[1], jobId, tier)\n  if backlog then\n    local priority = tier + 1\n    local jobKey = ARGV[1] .. jobId\n    if rcall(\"EXISTS\", jobKey) == 1 then rcall(\"HSET\", jobKey, \"priority\", priority) end\n    local score = rcall(\"ZSCORE\", KEYS[3], jobId)\n    if score then\n      rcall(\"ZADD\", KEYS[3], priority * 0x100000000 + tonumber(score) % 0x100000000, jobId)\n    end\n  end\nend\n\nfor i = 1, #KEYS - 3 do\n  local jobId = ARGV[3 * i + 2]\n  if rcall(\"HEXISTS\", KEYS[1], jobId) == 0 then\n    local percent = tonumber(ARGV[3 * i + 4])\n    if percent == nil then\n      place(jobId, tonumber(ARGV[3 * i + 3]))\n    else\n      local session = KEYS[3 + i]\n      local top = tonumber(rcall(\"HGET\", session, \"top\"))\n      if top ~= nil and percent < top then\n        place(jobId, supersededTier)\n      else\n        if top ~= nil and percent > top then\n          local previous = rcall(\"HGET\", session, \"topJob\")\n          if previous and rcall(\"HEXISTS\", KEYS[1], previous) == 1 then place(previous, supersededTier) end\n        end\n        rcall(\"HSET\", session, \"top\", percent, \"topJob\", jobId)\n        rcall(\"PEXPIRE\", session, ARGV[4])\n        place(jobId, topTier)\n      end\n    end\n  end\nend\nreturn 1\n";

var recordEvents = "--[[\n  Records new events beside their BullMQ jobs. It runs in the same MULTI as the jobs' adds\n  (of every request that arrived while the previous MULTI was on its way), so a request is\n  stored whole or not at all.\n\n  For each event: its id is remembered (to drop resends for 7 days), it joins the pending\n  set (for the queue's size and age in /healthz) and the recent list (for the demo), and a\n  media-played is marked pending on its session, which holds the session's other events\n  back until it is answered (the order rule, src/proxy/store/outbox.ts). An id already\n  remembered is skipped, so running this twice for one request changes nothing.\n\n  Input:\n    KEYS[1] ids       (ZSET) event id -> when it was accepted\n    KEYS[2] pending   (ZSET) event id -> when it was accepted\n    KEYS[3] recent    (LIST) event ids, newest first\n    KEYS[4] waiting   (HASH) event type -> how many wait (for /healthz)\n    KEYS[4+i]         the session hash of event i: \"seen\", and \"p:<job id>\" per pending media-played\n\n    ARGV[1] how long a session hash is kept after its last media-played (ms)\n    ARGV[2] how many ids the recent list keeps\n    ARGV[4i-1], ARGV[4i], ARGV[4i+1], ARGV[4i+2]\n            event i's id, type, BullMQ job id, and when it was accepted (ms)\n\n  Output:\n    how many events were new\n]]\nlocal rcall = redis.call\nlocal added = 0\nfor i = 1, #KEYS - 4 do\n  local id = ARGV[4 * i - 1]\n  local kind = ARGV[4 * i]\n  local at = ARGV[4 * i + 2]\n  if rcall(\"ZADD\", KEYS[1], \"NX\", at, id) == 1 then\n    added = added + 1\n    rcall(\"ZADD\", KEYS[2], at, id)\n    rcall(\"LPUSH\", KEYS[3], id)\n    rcall(\"HINCRBY\", KEYS[4], kind, 1)\n    if kind == \"media-played\" then\n      local session = KEYS[4 + i]\n      rcall(\"HSET\", session, \"seen\", 1, \"p:\" .. ARGV[4 * i + 1], 1)\n      rcall(\"PEXPIRE\", session, ARGV[1])\n    end\n  end\nend\nif added > 0 then\n  rcall(\"LTRIM\", KEYS[3], 0, tonumber(ARGV[2]) - 1)\nend\nreturn added\n";

var releaseLock = "--[[\n  Lets go of a lock only if it is still ours (it may have lapsed and been taken by another\n  instance meanwhile).\n\n  Input:\n    KEYS[1] lock (STRING)\n    ARGV[1] our token\n]]\nif redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n  return redis.call(\"DEL\", KEYS[1])\nend\nreturn 0\n";

var setBacklog = "--[[\n  Switches the queue into or out of backlog, for every instance at once: each waiting job's\n  BullMQ priority becomes its tier + 1 (value order), or 1 (arrival order), and its place in\n  the prioritized set follows; its insertion counter (the low 32 bits of the score) is kept,\n  so arrival order within a priority stays. A delayed or active job keeps the new priority\n  in its hash, which BullMQ reads when it puts the job back. Nothing changes when the queue\n  is already in that state.\n\n  Input:\n    KEYS[1] backlog      (STRING) \"1\" while the queue is in backlog\n    KEYS[2] tiers        (HASH) job id -> tier (see rankEvents-3.lua)\n    KEYS[3] prioritized  BullMQ's prioritized set\n    ARGV[1] BullMQ's job key prefix\n    ARGV[2] \"1\" to enter backlog, \"0\" to leave it\n\n  Output:\n    how many jobs were given a new priority, or -1 when nothing changed\n]]\nlocal rcall = redis.call\nlocal on = ARGV[2] == \"1\"\nif (rcall(\"GET\", KEYS[1]) == \"1\") == on then return -1 end\nif on then rcall(\"SET\", KEYS[1], \"1\") else rcall(\"DEL\", KEYS[1]) end\nlocal tiers = rcall(\"HGETALL\", KEYS[2])\nlocal moved = 0\nfor f = 1, #tiers, 2 do\n  local jobId = tiers[f]\n  local priority = on and (tonumber(tiers[f + 1]) + 1) or 1\n  local jobKey = ARGV[1] .. jobId\n  if rcall(\"EXISTS\", jobKey) == 1 then\n    rcall(\"HSET\", jobKey, \"priority\", priority)\n    local score = rcall(\"ZSCORE\", KEYS[3], jobId)\n    if score then\n      rcall(\"ZADD\", KEYS[3], priority * 0x100000000 + tonumber(score) % 0x100000000, jobId)\n    end\n    moved = moved + 1\n  else\n    rcall(\"HDEL\", KEYS[2], jobId)\n  end\nend\nreturn moved\n";

var settleEvent = "--[[\n  An event was answered for good (delivered, a dead letter, or dropped as superseded under\n  backlog): it leaves the pending set and the backlog's books, and a media-played releases\n  its session's other events. Run before the job is moved to completed or failed: if the\n  instance dies in between, the job comes back from its lease and is sent again, and\n  running this twice changes nothing (the books move only when the pending set did).\n\n  Input:\n    KEYS[1] pending     (ZSET)\n    KEYS[2] the event's session hash\n    KEYS[3] tiers       (HASH) job id -> backlog tier (see rankEvents-3.lua)\n    KEYS[4] waiting     (HASH) event type -> how many wait\n    KEYS[5] delivered   (ZSET) event id -> when delivered, the last minute of it (the send rate)\n    KEYS[6] superseded  (STRING) how many quartiles were dropped as superseded\n    ARGV[1] event id\n    ARGV[2] its BullMQ job id when it is a media-played, else \"\"\n    ARGV[3] its BullMQ job id\n    ARGV[4] its type\n    ARGV[5] how it ended: delivered, dead or superseded\n    ARGV[6] now (ms)\n    ARGV[7] how long the delivered set looks back (ms)\n]]\nlocal rcall = redis.call\nif rcall(\"ZREM\", KEYS[1], ARGV[1]) == 1 then\n  if rcall(\"HINCRBY\", KEYS[4], ARGV[4], -1) <= 0 then\n    rcall(\"HDEL\", KEYS[4], ARGV[4])\n  end\n  if ARGV[5] == \"delivered\" then\n    rcall(\"ZADD\", KEYS[5], ARGV[6], ARGV[1])\n    rcall(\"ZREMRANGEBYSCORE\", KEYS[5], \"-inf\", tonumber(ARGV[6]) - tonumber(ARGV[7]))\n  elseif ARGV[5] == \"superseded\" then\n    rcall(\"INCR\", KEYS[6])\n  end\nend\nrcall(\"HDEL\", KEYS[3], ARGV[3])\nif ARGV[2] ~= \"\" then\n  rcall(\"HDEL\", KEYS[2], \"p:\" .. ARGV[2])\nend\nreturn 1\n";

var takeSendSlots = "--[[\n  Takes slots in HubSpot's rolling 10-second window for requests about to start, for all\n  the proxy instances on this queue at once: events and media-object calls alike.\n\n  The window holds one member per request: scored with when its slot lapses unless renewed\n  (its start plus the request timeout, while it is in flight), then with when it completed\n  (completeSendSlot-1.lua). A member counts until its score plus the hold (10 s plus a\n  margin) has passed. A request thus holds its slot from before it starts until a window\n  after it ends, so all the requests HubSpot can count in one 10 s window, by arrival, held\n  slots at the same time: at most the limit (see src/proxy/upstream/rate-bucket.ts). Times\n  are Redis's own clock, so the instances' clocks need not agree.\n\n  A caller that names itself a waiter (a media-object call, whose events wait for it) goes\n  before the others: it is noted in the waiters set until it gets its slot or stops asking,\n  and a take without a name leaves one free slot per waiter.\n\n  Input:\n    KEYS[1] window  (ZSET) slot -> lapse or completion time (ms)\n    KEYS[2] pause   (HASH) reason; expires when the pause ends\n    KEYS[3] waiters (ZSET) waiter -> until when it counts as waiting (ms)\n\n    ARGV[1] hold (ms)\n    ARGV[2] limit: requests per window\n    ARGV[3] slots wanted\n    ARGV[4] lease: how long an in-flight slot counts from now if never completed (ms)\n    ARGV[5] slot name prefix, unique to the caller\n    ARGV[6] waiter name, or \"\" for a take that leaves free slots to waiters\n    ARGV[7] how long a waiter counts as waiting after this take (ms)\n    ARGV[8] how soon a take that left slots to waiters should look again (ms)\n\n  Output:\n    { slots taken, ms until one may free up (or the pause ends), pause reason or \"\" }\n]]\nlocal rcall = redis.call\nlocal t = rcall(\"TIME\")\nlocal now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\nlocal hold = tonumber(ARGV[1])\nlocal limit = tonumber(ARGV[2])\nlocal wanted = tonumber(ARGV[3])\nlocal waiter = ARGV[6]\n\nif waiter ~= \"\" then\n  rcall(\"ZADD\", KEYS[3], now + tonumber(ARGV[7]), waiter)\nend\n\nlocal pausedFor = rcall(\"PTTL\", KEYS[2])\nif pausedFor > 0 then\n  return { 0, pausedFor, rcall(\"HGET\", KEYS[2], \"reason\") or \"backing-off\" }\nend\n\nrcall(\"ZREMRANGEBYSCORE\", KEYS[1], \"-inf\", now - hold)\nrcall(\"ZREMRANGEBYSCORE\", KEYS[3], \"-inf\", now)\nlocal reserved = 0\nif waiter == \"\" then\n  reserved = rcall(\"ZCARD\", KEYS[3])\nend\nlocal room = limit - rcall(\"ZCARD\", KEYS[1])\nlocal taken = math.max(0, math.min(room - reserved, wanted))\nlocal lapse = now + tonumber(ARGV[4])\nfor i = 1, taken do\n  rcall(\"ZADD\", KEYS[1], lapse, ARGV[5] .. i)\nend\nif waiter ~= \"\" and taken > 0 then\n  rcall(\"ZREM\", KEYS[3], waiter)\nend\nlocal wait = 0\nif taken < wanted then\n  if room - taken > 0 then\n    -- Slots left to waiters: they take them at once.\n    wait = tonumber(ARGV[8])\n  else\n    local first = rcall(\"ZRANGE\", KEYS[1], 0, 0, \"WITHSCORES\")\n    wait = math.max(1, tonumber(first[2]) + hold - now)\n  end\nend\nreturn { taken, wait, \"\" }\n";

const SCRIPTS = { checkIds, claimMediaObject, completeSendSlot, orderFacts, pauseUpstream, rankEvents, recordEvents, releaseLock, setBacklog, settleEvent, takeSendSlots };
/** Teaches a client the scripts (no round trip: ioredis loads each on its first use). */
function defineScripts(client) {
    for (const [name, lua] of Object.entries(SCRIPTS))
        client.defineCommand(`mb_${name}`, { lua });
}
function runScript(client, name, keys, args) {
    const command = client[`mb_${name}`];
    return command.call(client, keys.length, ...keys, ...args);
}

/**
 * HubSpot's rolling window and the sending pauses, in Redis, for every proxy instance on
 * one queue: the `UpstreamGate` the Redis store gives the forwarder (and any other request
 * to HubSpot that must share the app's limit).
 *
 * A slot is a member of one sorted set, taken and checked in one Lua script
 * (takeSendSlots-3.lua), on Redis's clock. The pause is a hash that expires when it ends
 * (pauseUpstream-1.lua). A pause is also set as BullMQ's own rate limit on the queue, so
 * every worker on it stops fetching jobs until then, and dashboards show the queue as
 * rate-limited.
 */
/** How long past its timeout an in-flight request's slot counts if it is never completed. */
const LEASE_MARGIN_MS = 1_000;
/** How much sooner BullMQ's own rate limit of a pause ends than the pause. */
const BULLMQ_LIMIT_LEAD_MS = 100;
class RedisGate {
    link;
    keys;
    queue;
    limit;
    holdMs;
    leaseMs;
    name = randomUUID().slice(0, 8);
    calls = 0;
    redis;
    constructor(link, keys, queue, options) {
        this.link = link;
        this.keys = keys;
        this.queue = queue;
        this.limit = options.limit;
        // The same hold as the in-process bucket: a window plus a margin after completion.
        this.holdMs = holdMs(options.windowMs);
        this.leaseMs = options.timeoutMs + LEASE_MARGIN_MS;
        this.redis = link.fast;
    }
    async start() {
        await this.link.started();
    }
    async take(wanted, now, waiter) {
        await this.link.started();
        const prefix = `${this.name}:${++this.calls}:`;
        const [taken, waitMs, reason] = await runScript(this.redis, 'takeSendSlots', [this.keys.window, this.keys.pause, this.keys.waiters], [this.holdMs, this.limit, wanted, this.leaseMs, prefix, waiter === undefined ? '' : `${this.name}:${waiter}`, WAITER_MS, WAITER_POLL_MS]);
        const slots = Array.from({ length: taken }, (_, i) => `${prefix}${i + 1}`);
        if (reason)
            return { slots, waitMs, pause: { reason: reason, until: now + waitMs } };
        return { slots, waitMs };
    }
    async release(slot) {
        await this.redis.zrem(this.keys.window, slot);
    }
    /** The slot counts as in flight from `take` on: nothing more to record. */
    begin() { }
    async complete(slot) {
        await runScript(this.redis, 'completeSendSlot', [this.keys.window], [slot]);
    }
    async pause(pause, now) {
        const ms = Math.ceil(pause.until - now);
        if (ms <= 0)
            return false;
        await this.link.started();
        const changed = await runScript(this.redis, 'pauseUpstream', [this.keys.pause], [pause.reason, ms]);
        // BullMQ's limit ends a little before ours: the instances wake when ours ends, and must
        // not then find BullMQ still holding its jobs (they would wait a whole idle poll).
        if (changed && this.queue)
            await this.queue.rateLimit(Math.max(1, ms - BULLMQ_LIMIT_LEAD_MS));
        return changed === 2;
    }
    async paused(now) {
        await this.link.started();
        const [[, reason], [, ms]] = (await this.redis.multi().hget(this.keys.pause, 'reason').pttl(this.keys.pause).exec());
        return ms > 0 ? { reason: (reason ?? 'backing-off'), until: now + ms } : undefined;
    }
}

/**
 * Where the Redis store keeps what. BullMQ's keys are `<prefix>:<queue>:<name>`; the store's
 * own sit beside them as `<prefix>:<queue>:mb:<name>`, so one queue name holds everything,
 * and a prefix in braces (`{bull}`) keeps it all in one Redis Cluster slot.
 */
class RedisKeys {
    prefix;
    queue;
    /** BullMQ's job key prefix: a job's hash is `jobPrefix + jobId`. */
    jobPrefix;
    /** Event ids seen, by when they were accepted: drops resends for 7 days. */
    ids;
    /** The arrival counter (an event's seq). */
    seq;
    /** Events not yet answered for good, by when they were accepted. */
    pending;
    /** The latest event ids, newest first. */
    recent;
    /** Each waiting job's backlog tier (see rankEvents-3.lua). */
    tiers;
    /** "1" while the queue is in backlog (see setBacklog-3.lua). */
    backlog;
    /** Waiting events by type. */
    waiting;
    /** Events delivered in the last minute, by when (the send rate). */
    delivered;
    /** How many quartiles were dropped as superseded. */
    superseded;
    /** HubSpot's rolling window, shared by every instance (see takeSendSlots-3.lua). */
    window;
    /** A pause of all sending, shared by every instance. */
    pause;
    /** Requests that go before events for the next free slot (media-object calls). */
    waiters;
    /** The media catalog: each object's record (JSON) by `mediaType:externalId`. */
    mediaObjects;
    /** When each media type's last complete listing ended, by media type. */
    mediaListed;
    base;
    constructor(prefix, queue) {
        this.prefix = prefix;
        this.queue = queue;
        this.jobPrefix = `${prefix}:${queue}:`;
        this.base = `${prefix}:${queue}:mb:`;
        this.ids = `${this.base}ids`;
        this.seq = `${this.base}seq`;
        this.pending = `${this.base}pending`;
        this.recent = `${this.base}recent`;
        this.tiers = `${this.base}tiers`;
        this.backlog = `${this.base}backlog`;
        this.waiting = `${this.base}waiting`;
        this.delivered = `${this.base}delivered`;
        this.superseded = `${this.base}superseded`;
        this.window = `${this.base}window`;
        this.pause = `${this.base}pause`;
        this.waiters = `${this.base}waiters`;
        this.mediaObjects = `${this.base}media:objects`;
        this.mediaListed = `${this.base}media:listed`;
    }
    /** An OAuth install's access token and newest refresh token (see ./tokens.ts). */
    oauth(install) {
        return `${this.base}oauth:${install}`;
    }
    /** The lock of the one instance refreshing an install's tokens. */
    oauthLock(install) {
        return `${this.base}oauth:${install}:lock`;
    }
    /** The claim on creating one media object (see claimMediaObject-2.lua). */
    mediaClaim(field) {
        return `${this.base}media:claim:${field}`;
    }
    /** A session's hash: whether it had a media-played, and which are pending. */
    session(sessionId) {
        return `${this.base}session:${sessionId}`;
    }
}
/**
 * The BullMQ job id of an event: its wire id, with `%` and `:` escaped (BullMQ reads a
 * colon as a separator) and an `e` in front (BullMQ refuses ids that look like integers).
 */
function jobIdOf(eventId) {
    return `e${eventId.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`;
}

/** How long a claim's key outlives its `until` (the decision reads `until`; this is clean-up). */
const CLAIM_KEY_MARGIN_MS = 10 * 60_000;
const fieldOf = (mediaType, externalId) => `${mediaType}:${externalId}`;
class RedisPortalStore {
    link;
    keys;
    redis;
    constructor(link, keys) {
        this.link = link;
        this.keys = keys;
        this.redis = link.fast;
    }
    async mediaCatalog() {
        await this.link.started();
        const results = await this.redis.multi().hgetall(this.keys.mediaObjects).hgetall(this.keys.mediaListed).exec();
        if (!results)
            throw new Error('the Redis transaction was discarded');
        for (const [error] of results)
            if (error)
                throw error;
        const [[, objects], [, listed]] = results;
        const listedAt = {};
        for (const [type, at] of Object.entries(listed))
            listedAt[type] = Number(at);
        return { objects: Object.values(objects).map(parse), listedAt };
    }
    async mediaObject(mediaType, externalId) {
        await this.link.started();
        const json = await this.redis.hget(this.keys.mediaObjects, fieldOf(mediaType, externalId));
        return json === null ? undefined : parse(json);
    }
    async putMediaObjects(records) {
        if (!records.length)
            return;
        await this.link.started();
        const fields = records.flatMap((r) => [fieldOf(r.mediaType, r.externalId), JSON.stringify(r)]);
        await this.redis.hset(this.keys.mediaObjects, ...fields);
    }
    async removeMediaObjects(keys) {
        if (!keys.length)
            return;
        await this.link.started();
        await this.redis.hdel(this.keys.mediaObjects, ...keys.map((k) => fieldOf(k.mediaType, k.externalId)));
    }
    async setMediaListedAt(mediaType, at) {
        await this.link.started();
        await this.redis.hset(this.keys.mediaListed, mediaType, String(at));
    }
    async claimMediaObject(mediaType, externalId, owner, now, until) {
        await this.link.started();
        const field = fieldOf(mediaType, externalId);
        const claimed = await runScript(this.redis, 'claimMediaObject', [this.keys.mediaObjects, this.keys.mediaClaim(field)], [field, owner, now, until, CLAIM_KEY_MARGIN_MS]);
        return claimed === 1;
    }
}
/** A record as stored: JSON of the record itself, which has no field JSON cannot carry. */
function parse(json) {
    return JSON.parse(json);
}

/**
 * OAuth's tokens in Redis, shared by every proxy instance on one queue (`OAuthTokenStore`):
 * per install, one access token for all and the newest refresh token (HubSpot may rotate
 * it, and an instance refreshing with a spent one would fail), in one hash; and the lock
 * that lets one instance at a time refresh. The oauth module (src/proxy/upstream/oauth.ts)
 * decides when to refresh and with which token, and does the request; this only keeps and
 * locks.
 *
 * The hash holds credentials: protect the Redis server as you protect the token (AUTH or
 * ACLs, TLS with rediss://, a private network).
 */
/**
 * A refresh holds the lock at most this long: the token endpoint may be asked three times
 * (the kept, the last and the configured refresh token), each within its 10 s timeout.
 */
const LOCK_MS = 35_000;
/** How often an instance waiting for another's refresh looks again. */
const POLL_MS = 100;
class RedisTokenStore {
    link;
    keys;
    redis;
    constructor(link, keys) {
        this.link = link;
        this.keys = keys;
        this.redis = link.fast;
    }
    async read(install) {
        await this.link.started();
        const h = await this.redis.hgetall(this.keys.oauth(install));
        if (!h.refreshToken)
            return undefined;
        return { accessToken: h.accessToken ?? '', expiresAt: Number(h.expiresAt ?? 0), refreshToken: h.refreshToken };
    }
    async write(install, tokens) {
        await this.redis.hset(this.keys.oauth(install), {
            accessToken: tokens.accessToken,
            expiresAt: String(tokens.expiresAt),
            refreshToken: tokens.refreshToken,
        });
    }
    async locked(install, task) {
        await this.link.started();
        const lock = this.keys.oauthLock(install);
        const me = randomUUID();
        const deadline = Date.now() + LOCK_MS + 5_000;
        while ((await this.redis.set(lock, me, 'PX', LOCK_MS, 'NX')) !== 'OK') {
            if (Date.now() > deadline)
                throw new Error('timed out waiting for another instance to refresh the OAuth token');
            await new Promise((r) => setTimeout(r, POLL_MS));
        }
        try {
            return await task();
        }
        finally {
            await runScript(this.redis, 'releaseLock', [lock], [me]).catch(() => { });
        }
    }
}

/**
 * `RedisOutbox`: the outbox contract on Redis, with BullMQ as its queue, for any number of
 * proxy instances that share one queue name. Import it from `media-bridge-tracker/proxy/redis`.
 *
 * - Each event is a BullMQ job whose id is the event's id (see jobIdOf). A request's jobs
 *   are added in one MULTI with recordEvents-4.lua, which remembers the ids for 7 days (to
 *   drop resends cluster-wide), so a request is stored whole or not at all, and once AOF
 *   has it, a Redis restart keeps it.
 * - The backlog policy (../backlog-policy.ts) is BullMQ's priority: every job is prioritized,
 *   at 1 for all (arrival order) until the queue is in backlog, then at its tier + 1 (value
 *   order). rankEvents-3.lua gives new jobs their tier, and setBacklog-3.lua switches every
 *   waiting job when the first instance to see the backlog begin or end says so.
 * - The forwarder claims jobs with BullMQ's manual fetching (`worker.getNextJob`), each
 *   under a lock that this instance renews while it sends. An instance that dies stops
 *   renewing, and BullMQ's stalled-job check puts its jobs back in the queue when the lock
 *   lapses (the lease): only the requests it had in flight can reach HubSpot twice.
 * - The order rule is the one of every store (orderAllows); its facts come from each
 *   session's hash (orderFacts.lua). An event held back because its session's media-played
 *   is in flight stays claimed here, first in line, until that media-played is answered (a
 *   delayed job would come back behind every event that arrived after it); one whose
 *   media-played has not arrived waits out the grace period as a delayed job.
 * - A retry is a delayed job; a dead letter is a failed job, kept 30 days with HubSpot's
 *   error, where BullMQ dashboards (bull-board, Taskforce) show it.
 * - HubSpot's rolling window and the pauses are shared through `sharedGate()` (./gate.ts),
 *   OAuth's tokens through `tokenStore()` (./tokens.ts), and the media catalog through the
 *   PortalStore methods (./portal.ts).
 */
const DEFAULT_QUEUE = 'media-bridge';
const DEFAULT_LEASE_MS = 30_000;
/** Delivered jobs are kept this long (for dashboards, and so a resend racing its first copy finds it). */
const KEEP_COMPLETED_S = 600;
/** How many ids the recent list keeps (for `recent`). */
const RECENT_MAX = 1_000;
/**
 * At most this many claimed events wait here for their session's media-played; past it, one
 * looks again this much later as a delayed job.
 */
const HELD_MAX = 256;
const PLAYED_WAIT_MS = 500;
/** Fetch rounds per claim when the order rule holds events back. */
const CLAIM_ROUNDS = 4;
class RedisOutbox {
    queueName;
    keys;
    link;
    queue;
    worker;
    log;
    leaseMs;
    graceMs;
    keepDeliveredMs;
    keepDeadMs;
    backlog;
    jobOptions;
    claimed = new Map();
    /** Claimed, in claim order, until their session's media-played is answered (see sortClaimed). */
    held = [];
    portal;
    oauthTokens;
    lockTimer;
    extending = false;
    intake = [];
    storing = false;
    tokens = 0;
    closed = false;
    constructor(options = {}) {
        this.queueName = options.queue ?? DEFAULT_QUEUE;
        const prefix = options.prefix ?? 'bull';
        this.keys = new RedisKeys(prefix, this.queueName);
        this.log = options.logger ?? createLogger();
        this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
        this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
        this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
        this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
        this.backlog = { ...DEFAULT_BACKLOG, ...options.backlog };
        this.link = new RedisLink(options.url ?? 'redis://127.0.0.1:6379', this.log, options.redis);
        defineScripts(this.link.fast);
        defineScripts(this.link.patient);
        this.portal = new RedisPortalStore(this.link, this.keys);
        this.oauthTokens = new RedisTokenStore(this.link, this.keys);
        this.jobOptions = {
            removeOnComplete: { age: KEEP_COMPLETED_S, count: 10_000 },
            removeOnFail: { age: Math.ceil(this.keepDeadMs / 1000) },
            attempts: 1, // the forwarder retries, by the shared backoff rules
            priority: 1, // in the prioritized set, where the backlog policy can reorder it
        };
        this.queue = new Queue(this.queueName, { connection: this.link.fast, prefix });
        this.worker = new Worker(this.queueName, null, {
            connection: this.link.patient,
            prefix,
            autorun: false,
            lockDuration: this.leaseMs,
            stalledInterval: Math.max(1_000, Math.floor(this.leaseMs / 2)),
            // An event whose instance died is sent again, however often that happens; it is never
            // failed for it (BullMQ's default fails a job that stalled twice).
            maxStalledCount: Number.MAX_SAFE_INTEGER,
            // Only so that BullMQ honours `queue.rateLimit` (the shared pauses): no count limit.
            limiter: { max: Number.MAX_SAFE_INTEGER, duration: 1_000 },
        });
        // The link logs Redis going away and coming back; BullMQ's own errors are details of that.
        const detail = (what) => (error) => this.log.debug(`redis store: ${what}`, { error: error.message });
        this.queue.on('error', detail('queue error'));
        this.worker.on('error', detail('worker error'));
        void this.worker.startStalledCheckTimer().catch(detail('stalled-job check'));
        this.lockTimer = setInterval(() => void this.extendLocks(), Math.max(500, Math.floor(this.leaseMs / 3)));
        this.lockTimer.unref?.();
    }
    /**
     * Stores a request's events once Redis has them. Requests that arrive while a store is on
     * its way go together in the next one (a group commit): one id check and one MULTI for
     * all of them, whatever the load.
     */
    add(events, now) {
        this.assertOpen();
        return new Promise((resolve, reject) => {
            this.intake.push({ events, at: now, resolve, reject });
            if (!this.storing) {
                this.storing = true;
                setImmediate(() => void this.store());
            }
        });
    }
    async store() {
        const batch = this.intake.splice(0);
        try {
            const fresh = await this.storeBatch(batch);
            batch.forEach((r, k) => r.resolve(fresh[k]));
        }
        catch (error) {
            for (const r of batch)
                r.reject(error);
        }
        finally {
            if (this.intake.length)
                void this.store();
            else
                this.storing = false;
        }
    }
    /** Per request, per event: false when its id was already known (or came earlier in the batch). */
    async storeBatch(batch) {
        await this.link.started();
        const fresh = batch.map((r) => new Array(r.events.length).fill(false));
        const firsts = [];
        const seenHere = new Set();
        batch.forEach(({ events }, r) => events.forEach((e, i) => {
            if (seenHere.has(e.id))
                return;
            seenHere.add(e.id);
            firsts.push({ r, i, e });
        }));
        const [seq, ...known] = await runScript(this.link.fast, 'checkIds', [this.keys.ids, this.keys.seq], firsts.map((f) => f.e.id));
        const news = firsts.filter((_, k) => known[k] === 0);
        if (news.length === 0)
            return fresh;
        // BullMQ's wrapper of the fast client: its MULTI takes BullMQ's inserts and our script.
        const multi = (await this.queue.backend.client).multi();
        runScript(multi, 'recordEvents', [this.keys.ids, this.keys.pending, this.keys.recent, this.keys.waiting, ...news.map((n) => this.keys.session(n.e.sessionId))], [this.keepDeliveredMs, RECENT_MAX, ...news.flatMap((n) => [n.e.id, n.e.type, jobIdOf(n.e.id), batch[n.r].at])]);
        const adds = news.map((n, k) => {
            const data = { seq: seq + k, acceptedAt: batch[n.r].at, attempts: 0, event: n.e };
            const jobId = jobIdOf(n.e.id);
            const job = new Job(this.queue, n.e.type, data, { ...this.jobOptions, jobId }, jobId);
            // BullMQ's own insert, queued on this MULTI (the way its FlowProducer batches them).
            return this.queue.backend.addJobToTransaction(multi, job.asJSON(), jobId);
        });
        runScript(multi, 'rankEvents', [this.keys.tiers, this.keys.backlog, this.queue.keys.prioritized, ...news.map((n) => this.keys.session(n.e.sessionId))], [
            this.keys.jobPrefix,
            TIER_TOP_QUARTILE,
            TIER_SUPERSEDED,
            this.keepDeliveredMs,
            ...news.flatMap((n) => [jobIdOf(n.e.id), tierOf(n.e.type), n.e.type === 'media-played-percent' ? n.e.playedPercent : '']),
        ]);
        const results = await multi.exec();
        await Promise.allSettled(adds);
        if (!results)
            throw new Error('the Redis transaction was discarded');
        for (const [error] of results)
            if (error)
                throw error;
        for (const n of news)
            fresh[n.r][n.i] = true;
        return fresh;
    }
    async claim(limit, now) {
        this.assertOpen();
        await this.link.started();
        const backlog = await this.followBacklog(now);
        const out = [];
        try {
            if (this.held.length)
                await this.takeHeld(limit, now, backlog, out);
            await this.claimRounds(limit, now, backlog, out);
        }
        catch (error) {
            // What earlier rounds claimed is this instance's (it renews their locks): it goes out,
            // or nothing would ever send it. The jobs of the round that failed come back after
            // their lease, and the next claim meets the error itself.
            if (out.length === 0)
                throw error;
            this.log.debug('redis store: a claim failed part way; sending what it took', { error: String(error) });
        }
        return out;
    }
    /** Claims into `out`, in rounds, until it holds `limit` events or the queue has none ready. */
    async claimRounds(limit, now, backlog, out) {
        for (let round = 0; round < CLAIM_ROUNDS && out.length < limit; round++) {
            const wanted = limit - out.length;
            const fetched = await Promise.all(Array.from({ length: wanted }, async () => {
                const token = `${this.worker.id}:${++this.tokens}`;
                const job = (await this.worker.getNextJob(token, { block: false }));
                return job ? { job, token } : undefined;
            }));
            const jobs = fetched.filter((c) => c !== undefined);
            if (jobs.length === 0)
                break;
            const dropped = await this.sortClaimed(jobs, now, backlog, out, limit);
            if (jobs.length < wanted)
                break; // the queue has nothing more ready
            if (dropped)
                round--; // drops do not use up the rounds
        }
    }
    /**
     * The events held for their session's media-played come first: those still locked by this
     * instance are sorted again. One whose lock lapsed (Redis was away for a lease) is another
     * instance's now, and is let go.
     */
    async takeHeld(limit, now, backlog, out) {
        const held = this.held.splice(0);
        try {
            const lapsed = new Set(await this.worker.extendJobLocks(held.map((c) => c.job.id), held.map((c) => c.token), this.leaseMs));
            const kept = held.filter((c) => !lapsed.has(c.job.id));
            if (lapsed.size)
                this.log.debug('redis store: held events lost their lock; another instance sends them', { count: lapsed.size });
            if (kept.length)
                await this.sortClaimed(kept, now, backlog, out, limit);
        }
        catch (error) {
            // Redis failed before any of them was sorted: they stay held, first in line.
            this.held.unshift(...held);
            throw error;
        }
    }
    /**
     * Applies the order rule and the backlog policy to claimed jobs, in order. Each goes out
     * (while `out` has room), is dropped as superseded, is held here while its session's
     * media-played is in flight, or waits as a delayed job. Returns how many were dropped.
     */
    async sortClaimed(jobs, now, backlog, out, limit) {
        const facts = await runScript(this.link.patient, 'orderFacts', [this.keys.tiers, ...jobs.map((c) => this.keys.session(c.job.data.event.sessionId))], [this.keys.jobPrefix, ...jobs.map((c) => c.job.id)]);
        const later = [];
        let dropped = 0;
        jobs.forEach((c, k) => {
            const { event, acceptedAt } = c.job.data;
            const session = { playedPending: facts[3 * k] === 1, playedSeen: facts[3 * k + 1] === 1 };
            if (dropsAsSuperseded(this.backlog, facts[3 * k + 2], backlog)) {
                dropped++;
                later.push(this.supersede(c).catch((error) => this.log.debug('redis store: dropping a superseded event failed', { error: String(error) })));
            }
            else if (orderAllows(event.type, acceptedAt, session, now, this.graceMs)) {
                if (out.length < limit) {
                    this.claimed.set(c.job.data.seq, c);
                    out.push(toOutboxEvent(c.job));
                }
                else
                    this.held.push(c); // free to go, at the next claim
            }
            else if (session.playedPending && this.held.length < HELD_MAX) {
                this.held.push(c);
            }
            else {
                // Delays run on the real clock (BullMQ's), whatever `now` the caller passed.
                const at = session.playedPending ? Date.now() + PLAYED_WAIT_MS : acceptedAt + this.graceMs;
                // Should that fail, the job's lock lapses and it comes back: never lost, never stuck.
                later.push(c.job.moveToDelayed(at, c.token).catch((error) => this.log.debug('redis store: delaying an event failed', { error: String(error) })));
            }
        });
        await Promise.all(later);
        return dropped;
    }
    /**
     * Puts the queue into backlog, or out of it, when its oldest event says so: the first
     * instance to see the change makes it for all (setBacklog-3.lua, a no-op for the rest).
     */
    async followBacklog(now) {
        if (this.backlog.mode === 'fifo')
            return false;
        const oldest = await this.link.patient.zrange(this.keys.pending, 0, 0, 'WITHSCORES');
        const backlog = inBacklog(this.backlog, oldest.length ? Number(oldest[1]) : undefined, now);
        await runScript(this.link.patient, 'setBacklog', [this.keys.backlog, this.keys.tiers, this.queue.keys.prioritized], [this.keys.jobPrefix, backlog ? 1 : 0]);
        return backlog;
    }
    /** Drops a claimed quartile that a higher one of its session replaced (HUBSPOT_BACKLOG=coalesce). */
    async supersede(c) {
        await this.release(c, 'superseded', Date.now());
        await c.job.moveToCompleted('superseded', c.token, false);
    }
    async sent(seq, now = Date.now()) {
        const c = this.settle(seq);
        if (!c)
            return;
        await this.release(c, 'delivered', now);
        await c.job.moveToCompleted('delivered', c.token, false);
    }
    async retry(seq, at, error) {
        const c = this.settle(seq);
        if (!c)
            return;
        await c.job.updateData({ ...c.job.data, attempts: c.job.data.attempts + 1, error });
        await c.job.moveToDelayed(at, c.token);
    }
    async dead(seq, now, error) {
        const c = this.settle(seq);
        if (!c)
            return;
        await this.release(c, 'dead', now);
        await c.job.updateData({ ...c.job.data, attempts: c.job.data.attempts + 1, error });
        await c.job.moveToFailed(new Error(describe(error)), c.token, false);
    }
    async stats(now = Date.now()) {
        this.assertOpen();
        await this.link.started();
        const since = now - DELIVERED_WINDOW_MS;
        const results = await this.link.fast
            .multi()
            .zcard(this.keys.pending)
            .zrange(this.keys.pending, 0, 0, 'WITHSCORES')
            .zcard(this.queue.keys.failed)
            .hgetall(this.keys.waiting)
            .zcount(this.keys.delivered, `(${since}`, '+inf')
            .zrangebyscore(this.keys.delivered, `(${since}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
            .get(this.keys.superseded)
            .exec();
        if (!results)
            throw new Error('the Redis transaction was discarded');
        for (const [error] of results)
            if (error)
                throw error;
        const [[, pending], [, oldest], [, dead], [, waiting], [, delivered], [, first], [, superseded]] = results;
        return {
            pending,
            oldestPendingAt: oldest.length ? Number(oldest[1]) : undefined,
            dead,
            waiting: Object.fromEntries(Object.entries(waiting).map(([type, n]) => [type, Number(n)]).filter(([, n]) => n > 0)),
            delivered: { count: delivered, since: first.length ? Number(first[1]) : now },
            superseded: Number(superseded ?? 0),
        };
    }
    async recent(limit) {
        this.assertOpen();
        const ids = await this.link.fast.lrange(this.keys.recent, 0, limit - 1);
        const jobs = await Promise.all(ids.map((id) => Job.fromId(this.queue, jobIdOf(id))));
        return jobs.filter((j) => j !== undefined).map(toOutboxEvent);
    }
    async deadLetters(limit) {
        this.assertOpen();
        return (await this.queue.getFailed(0, limit - 1)).filter(Boolean).map(toOutboxEvent);
    }
    /** Nothing to do: the shared gate (`sharedGate`) keeps the send times, in Redis. */
    noteSend() { }
    sendsSince() {
        return [];
    }
    async prune(now) {
        this.assertOpen();
        await this.link.fast.zremrangebyscore(this.keys.ids, '-inf', now - this.keepDeliveredMs);
        await this.queue.clean(this.keepDeadMs, 1_000, 'failed');
    }
    /** `windowMs` is HubSpot's 10 s unless a test shortens it. */
    sharedGate(options) {
        return new RedisGate(this.link, this.keys, this.queue, options);
    }
    backlogPolicy() {
        return { ...this.backlog };
    }
    tokenStore() {
        return this.oauthTokens;
    }
    // The portal store (../portal-store.ts): the media catalog, one for every instance.
    async mediaCatalog() {
        this.assertOpen();
        return this.portal.mediaCatalog();
    }
    async mediaObject(mediaType, externalId) {
        this.assertOpen();
        return this.portal.mediaObject(mediaType, externalId);
    }
    async putMediaObjects(records) {
        this.assertOpen();
        return this.portal.putMediaObjects(records);
    }
    async removeMediaObjects(keys) {
        this.assertOpen();
        return this.portal.removeMediaObjects(keys);
    }
    async setMediaListedAt(mediaType, at) {
        this.assertOpen();
        return this.portal.setMediaListedAt(mediaType, at);
    }
    async claimMediaObject(mediaType, externalId, owner, now, until) {
        this.assertOpen();
        return this.portal.claimMediaObject(mediaType, externalId, owner, now, until);
    }
    connection() {
        const downSince = this.link.downSinceAt;
        return { kind: 'redis', queue: this.queueName, state: this.link.state, ...(downSince ? { downSince: new Date(downSince).toISOString() } : {}) };
    }
    /** Where Redis is, without its password. */
    get where() {
        return this.link.where;
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        clearInterval(this.lockTimer);
        // Requests already taken in are stored (or refused) before the connections go.
        for (const deadline = Date.now() + 5_000; this.storing && Date.now() < deadline;)
            await new Promise((r) => setTimeout(r, 10));
        await Promise.allSettled([this.worker.close(true), this.queue.close()]);
        await this.link.close();
    }
    /** Takes a claimed event off this instance's books. */
    settle(seq) {
        const c = this.claimed.get(seq);
        this.claimed.delete(seq);
        return c;
    }
    /** Before the job moves on: it leaves the pending set, and a media-played frees its session. */
    async release(c, outcome, now) {
        const { event } = c.job.data;
        await runScript(this.link.patient, 'settleEvent', [this.keys.pending, this.keys.session(event.sessionId), this.keys.tiers, this.keys.waiting, this.keys.delivered, this.keys.superseded], [event.id, event.type === 'media-played' ? c.job.id : '', c.job.id, event.type, outcome, now, DELIVERED_WINDOW_MS]);
    }
    /** Renews the locks of the events this instance is sending, so none is taken for stalled. */
    async extendLocks() {
        if (this.extending || this.claimed.size + this.held.length === 0)
            return;
        this.extending = true;
        try {
            const claimed = [...this.claimed.values(), ...this.held];
            await this.worker.extendJobLocks(claimed.map((c) => c.job.id), claimed.map((c) => c.token), this.leaseMs);
        }
        catch (error) {
            this.log.debug('redis store: renewing locks failed', { error: String(error) });
        }
        finally {
            this.extending = false;
        }
    }
    assertOpen() {
        if (this.closed)
            throw new Error('the outbox is closed');
    }
}
function toOutboxEvent(job) {
    const { seq, acceptedAt, attempts, event, error } = job.data;
    const status = job.finishedOn ? (job.failedReason ? 'dead' : job.returnvalue === 'superseded' ? 'superseded' : 'sent') : 'pending';
    const out = { seq, id: event.id, type: event.type, sessionId: event.sessionId, event, acceptedAt, attempts, status };
    if (job.finishedOn)
        out.doneAt = job.finishedOn;
    if (error)
        out.error = error;
    return out;
}
/** A dead letter's reason, as dashboards show it. */
function describe(error) {
    const what = error.status !== undefined ? `HubSpot answered ${error.status}` : `no answer from HubSpot (${error.failure ?? 'unknown'})`;
    const detail = [error.category, error.message].filter(Boolean).join(': ');
    return [what, detail, error.correlationId && `correlationId ${error.correlationId}`].filter(Boolean).join('; ');
}

export { DEFAULT_QUEUE, RedisOutbox };
