/**
 * The wire format between the tracker and the proxy, shared by both sides.
 *
 * A beacon is `POST <endpoint>` with a JSON body sent as `text/plain;charset=UTF-8`
 * (a CORS "simple request", so no preflight): `{"events": [WireEvent, …]}`.
 *
 * Apart from `type` and `id`, every field of an event is exactly the field of
 * HubSpot's request body for that event type:
 * https://developers.hubspot.com/docs/api-reference/latest/cms/media-bridge/events/media-played
 * A field with no value is left out, never sent as null or "".
 *
 * The tracker imports only the types from here; the runtime tables below are for
 * the proxy's validator and are tree-shaken out of the browser bundle.
 */
/** Largest body the proxy reads (64 KiB); the tracker keeps each request under 60 KiB. */
const MAX_BODY_BYTES = 64 * 1024;
/** Most events the proxy accepts in one request. */
const MAX_EVENTS_PER_REQUEST = 50;

/**
 * What to do after one upstream attempt: the retry and backoff rules, as pure decisions.
 *
 * - 2xx: delivered.
 * - 429 with `policyName: "DAILY"`: stop sending until the limit resets (Retry-After when
 *   HubSpot gives one, else probe again after `dailyPauseMs`); the queue is kept.
 * - 429 otherwise (TEN_SECONDLY_ROLLING): pause all sending, for Retry-After or a short pause
 *   that doubles while 429s keep coming. Retry-After is not documented by HubSpot, but honoured.
 * - 5xx, 408, timeouts and network errors: retry this event after a capped exponential
 *   backoff with jitter.
 * - 401/403: the proxy's credentials are wrong or lack the scope, not the event: keep the
 *   event and pause (the forwarder refreshes an OAuth token once first).
 * - Any other 4xx: a dead letter that keeps HubSpot's category, message and correlationId.
 *
 * Rate limits: https://developers.hubspot.com/docs/api/usage-details
 */
const DEFAULT_RETRY_POLICY = {
    baseMs: 1_000,
    maxMs: 300_000,
    rollingPauseMs: 1_000,
    dailyPauseMs: 900_000,
    authPauseMs: 60_000,
    giveUpAfterMs: 3 * 24 * 3600_000,
};
const ROLLING_PAUSE_CAP_MS = 10_000;
const DAILY_PAUSE_CAP_MS = 24 * 3600_000;
/** Decides what one attempt's result means. */
function decide(result, ctx) {
    const { status } = result;
    const error = upstreamError(result);
    if (status === undefined) {
        const reason = result.failure === 'timeout' ? 'timeout' : 'network';
        return { kind: 'retry', reason, at: ctx.now + backoffDelay(ctx.attempts, ctx.policy, ctx.random), error };
    }
    if (status >= 200 && status < 300)
        return { kind: 'delivered' };
    if (status === 429) {
        if (error.policyName === 'DAILY') {
            const wait = result.retryAfterMs ?? ctx.policy.dailyPauseMs;
            return { kind: 'pause', reason: 'daily_limit', until: ctx.now + Math.min(wait, DAILY_PAUSE_CAP_MS), error };
        }
        const pause = Math.min(ctx.policy.rollingPauseMs * 2 ** ctx.rateLimitStreak, ROLLING_PAUSE_CAP_MS);
        const wait = result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, ctx.policy.maxMs) : pause;
        return { kind: 'pause', reason: 'rate_limited', until: ctx.now + wait, error };
    }
    if (status >= 500 || status === 408) {
        const delay = Math.max(backoffDelay(ctx.attempts, ctx.policy, ctx.random), Math.min(result.retryAfterMs ?? 0, ctx.policy.maxMs));
        return { kind: 'retry', reason: 'server_error', at: ctx.now + delay, error };
    }
    if (status === 401 || status === 403)
        return { kind: 'unauthorized', error };
    return { kind: 'dead', error };
}
/**
 * Capped exponential backoff with "equal jitter": half of the capped delay is fixed, half is
 * random, so retries of many events spread out but none comes back immediately.
 */
function backoffDelay(attempts, policy, random) {
    const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 30));
    return Math.round(capped / 2 + random() * (capped / 2));
}
/** True when an event accepted at `acceptedAt` has waited too long to be worth sending. */
function expired(acceptedAt, now, policy) {
    return now - acceptedAt >= policy.giveUpAfterMs;
}
/** Retry-After (seconds or an HTTP date) as ms from `now`, or undefined. */
function parseRetryAfter(value, now) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    // Otherwise only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), which names a day or month.
    if (!/[a-z]/i.test(trimmed))
        return undefined;
    const at = Date.parse(trimmed);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/** HubSpot's error fields, trimmed to what is worth keeping. */
function upstreamError(result) {
    const error = {};
    if (result.status !== undefined)
        error.status = result.status;
    if (result.failure)
        error.failure = result.failure;
    const body = result.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
        const b = body;
        for (const key of ['category', 'message', 'correlationId', 'policyName']) {
            if (typeof b[key] === 'string')
                error[key] = b[key].slice(0, 500);
        }
    }
    return error;
}

/**
 * The per-client-IP limit on ingest requests, and how the client IP is found.
 *
 * Each IP has a classic token bucket: `perMinute` requests a minute, in bursts of up to
 * `perMinute`. A page with several videos sends a few beacons a minute per viewer, so the
 * default (600) leaves room for an office or a mobile carrier's NAT full of viewers.
 */
class ClientLimiter {
    perMinute;
    perMs;
    maxClients;
    clients = new Map();
    constructor(options) {
        this.perMinute = options.perMinute;
        this.perMs = options.perMinute / 60_000;
        this.maxClients = options.maxClients ?? 50_000;
    }
    /** 0 when `ip` may go on, else the seconds until it may. */
    check(ip, now) {
        if (this.perMinute <= 0 || !ip)
            return 0;
        let c = this.clients.get(ip);
        if (c) {
            c.tokens = Math.min(this.perMinute, c.tokens + (now - c.at) * this.perMs);
            c.at = now;
            // Move to the back of the Map's order, so the front is the longest idle.
            this.clients.delete(ip);
            this.clients.set(ip, c);
        }
        else {
            if (this.clients.size >= this.maxClients)
                this.clients.delete(this.clients.keys().next().value);
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
function clientIp(peer, forwardedFor, hops) {
    if (hops <= 0 || !forwardedFor)
        return peer;
    const parts = forwardedFor.split(',');
    const pick = parts[parts.length - hops] ?? parts[0];
    const ip = pick.trim();
    return ip || peer;
}

const DEFAULT_API_BASE = 'https://api.hubapi.com';
const DEFAULT_TIMEOUT_MS = 10_000;
/** The URL of one event type's endpoint. */
function eventUrl(apiBase, type) {
    return `${apiBase.replace(/\/+$/, '')}/media-bridge/v1/events/${type}`;
}
/** HubSpot's body for a wire event: every field but the wire's own `type` and `id`. */
function hubspotBody(event) {
    const { type: _type, id: _id, ...body } = event;
    return JSON.stringify(body);
}
/** Sends one event; never throws. */
async function postEvent(req) {
    const started = req.now();
    try {
        const res = await req.fetch(eventUrl(req.apiBase, req.type), {
            method: 'POST',
            headers: {
                authorization: `Bearer ${req.token}`,
                'content-type': 'application/json',
                accept: 'application/json',
            },
            body: req.body,
            signal: AbortSignal.timeout(req.timeoutMs),
            redirect: 'error',
        });
        const text = await res.text();
        const result = { status: res.status, latencyMs: req.now() - started };
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'), req.now());
        if (retryAfter !== undefined)
            result.retryAfterMs = retryAfter;
        if (text) {
            try {
                result.body = JSON.parse(text);
            }
            catch {
                /* not JSON: nothing of it is kept */
            }
        }
        return result;
    }
    catch (error) {
        const name = error?.name;
        const failure = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
        return { failure, latencyMs: req.now() - started };
    }
}

/**
 * Logs as one JSON object per line.
 *
 * - Fields whose name says they hold a credential (token, secret, authorization, cookie,
 *   password) are replaced by "[redacted]", at any depth.
 * - Any string containing a registered secret has it replaced, wherever it appears.
 * - CR and LF in strings become spaces, so a client cannot forge a log line; long strings
 *   are cut.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /token|secret|authorization|cookie|password|passwd|api[-_]?key/i;
const MAX_STRING = 2_000;
const MAX_DEPTH = 4;
/** Secrets shorter than this are not scrubbed by value (they would match ordinary text). */
const MIN_SECRET_LENGTH = 8;
function createLogger(options = {}) {
    const min = LEVELS[options.level ?? 'info'];
    const write = options.write ?? ((line) => console.log(line));
    const now = options.now ?? Date.now;
    const secrets = options.secrets ?? (() => []);
    function log(level, msg, fields) {
        if (LEVELS[level] < min)
            return;
        const known = secrets();
        const record = { time: new Date(now()).toISOString(), level, msg: clean(msg, known) };
        if (fields)
            for (const [k, v] of Object.entries(fields))
                record[clean(k, known)] = redact(k, v, known, 0);
        write(JSON.stringify(record));
    }
    return {
        debug: (msg, fields) => log('debug', msg, fields),
        info: (msg, fields) => log('info', msg, fields),
        warn: (msg, fields) => log('warn', msg, fields),
        error: (msg, fields) => log('error', msg, fields),
    };
}
/** A logger that writes nothing. */
const silentLogger = { debug() { }, info() { }, warn() { }, error() { } };
function redact(key, value, secrets, depth) {
    if (SECRET_FIELD.test(key))
        return '[redacted]';
    if (typeof value === 'string')
        return clean(value, secrets);
    if (value === null || typeof value !== 'object')
        return value;
    if (depth >= MAX_DEPTH)
        return '[…]';
    if (Array.isArray(value))
        return value.slice(0, 50).map((v) => redact('', v, secrets, depth + 1));
    const out = {};
    for (const [k, v] of Object.entries(value))
        out[clean(k, secrets)] = redact(k, v, secrets, depth + 1);
    return out;
}
/** Strips CR/LF, scrubs secrets, and cuts long strings. */
function clean(text, secrets = []) {
    const out = scrub(text.replace(/[\r\n]+/g, ' '), secrets);
    return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
}
/** Replaces every occurrence of each secret (of a length worth matching) with "[redacted]". */
function scrub(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s.length >= MIN_SECRET_LENGTH && out.includes(s))
            out = out.split(s).join('[redacted]');
    return out;
}
/**
 * A step that fails for a while (storing while Redis is down, a disk that is full) logs its
 * first failure and its recovery, not every failure in between.
 */
class Outage {
    log;
    what;
    now;
    since;
    failures = 0;
    constructor(log, 
    /** What failed, e.g. "storing events". */
    what, now = Date.now) {
        this.log = log;
        this.what = what;
        this.now = now;
    }
    fail(error) {
        this.failures++;
        if (this.since !== undefined)
            return;
        this.since = this.now();
        this.log.error(`${this.what} failed; logged again only once it works`, { error: String(error) });
    }
    ok() {
        if (this.since === undefined)
            return;
        this.log.info(`${this.what} works again`, { failures: this.failures, failingForMs: this.now() - this.since });
        this.since = undefined;
        this.failures = 0;
    }
}

/**
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the
 * upstream gate allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It takes as many slots from the gate as there are free
 * in-flight places, claims that many events, gives back the slots it has no event for, and
 * sends. It is run again when a send settles, when new events arrive (`kick`), and by a
 * timer when it has to wait (a slot coming back, a pause ending, a retry coming due). Every
 * send is tracked until it settles, so `stop()` can let them finish. The gate is this
 * process's own (LocalGate) or the one a shared store gives all instances; pauses go to it,
 * so one instance learning of the daily limit pauses them all.
 */
class Forwarder {
    o;
    inFlight = new Set();
    running = false;
    /** The pump now running, if any. */
    pumping;
    pumpAgain = false;
    timer;
    timerAt = Infinity;
    rateLimitStreak = 0;
    failureStreak = 0;
    restored;
    reading;
    returning;
    constructor(options) {
        this.o = { maxInFlight: 8, idlePollMs: 1_000, now: Date.now, random: Math.random, ...options };
        this.reading = new Outage(this.o.log, 'forwarder: reading the outbox', this.o.now);
        this.returning = new Outage(this.o.log, 'forwarder: returning rate-limit slots', this.o.now);
    }
    /** Lets the gate learn what was sent before, then drains in the background until `stop()`. */
    async start() {
        await this.restore();
        this.running = true;
        this.kick();
    }
    /** Once: the gate learns what the previous run sent. */
    restore() {
        this.restored ??= Promise.resolve(this.o.gate.start?.(this.o.now()));
        return this.restored;
    }
    /** New events may be ready. */
    kick() {
        if (!this.running)
            return;
        void this.pump();
    }
    /** Stops sending and resolves once every request in flight has settled. */
    async stop() {
        this.running = false;
        this.clearTimer();
        await this.pumping;
        while (this.inFlight.size)
            await Promise.allSettled([...this.inFlight]);
    }
    /** Sends what can be sent now and waits for it to settle (for runtimes without a background loop). */
    async drain() {
        await this.restore();
        const wasRunning = this.running;
        this.running = true;
        try {
            for (;;) {
                await this.pump();
                if (this.inFlight.size === 0)
                    break;
                await Promise.race(this.inFlight);
            }
        }
        finally {
            this.running = wasRunning;
            if (!wasRunning)
                this.clearTimer();
        }
    }
    get inFlightCount() {
        return this.inFlight.size;
    }
    async state(now) {
        const pause = await this.o.gate.paused(now);
        return pause ? { state: pause.reason, until: pause.until } : { state: 'ok' };
    }
    pump() {
        if (this.pumping) {
            this.pumpAgain = true;
            return this.pumping;
        }
        this.pumping = (async () => {
            try {
                do {
                    this.pumpAgain = false;
                    await this.launchReady();
                } while (this.pumpAgain && this.running);
                this.reading.ok();
            }
            catch (error) {
                this.reading.fail(error);
                this.wakeAt(this.o.now() + this.o.idlePollMs);
            }
            finally {
                this.pumping = undefined;
            }
        })();
        return this.pumping;
    }
    async launchReady() {
        const { gate } = this.o;
        while (this.running) {
            const now = this.o.now();
            const free = this.o.maxInFlight - this.inFlight.size;
            if (free <= 0)
                return; // a settling send pumps again
            const admission = await gate.take(free, now);
            const { slots } = admission;
            if (slots.length === 0)
                return this.wakeAt(now + admission.waitMs);
            let token;
            try {
                token = await this.o.tokens.get();
            }
            catch (error) {
                for (const slot of slots)
                    await gate.release(slot);
                await this.pauseFor('unauthorized', now + this.o.policy.authPauseMs);
                this.o.log.error('forwarder: no HubSpot access token', { error: String(error.message ?? error) });
                return;
            }
            let batch = [];
            try {
                batch = await this.o.outbox.claim(slots.length, now);
            }
            finally {
                for (const slot of slots.slice(batch.length))
                    await gate.release(slot);
            }
            for (let i = 0; i < batch.length; i++) {
                const slot = slots[i];
                await gate.begin(slot, this.o.now());
                const send = this.send(batch[i], token, slot).finally(() => {
                    this.inFlight.delete(send);
                    this.kick();
                });
                this.inFlight.add(send);
            }
            if (batch.length < slots.length)
                return this.wakeAt(now + this.o.idlePollMs);
        }
    }
    async send(event, token, slot) {
        const result = await postEvent({
            fetch: this.o.fetch,
            apiBase: this.o.apiBase,
            type: event.type,
            body: hubspotBody(event.event),
            token,
            timeoutMs: this.o.timeoutMs,
            now: this.o.now,
        });
        const now = this.o.now();
        // The slot's hold runs from the answer, not from when the outcome is recorded. A slot
        // that cannot be returned (its store is down) lapses on its own, later: on the safe side.
        try {
            await this.o.gate.complete(slot, now);
            this.returning.ok();
        }
        catch (error) {
            this.returning.fail(error);
        }
        const decision = decide(result, {
            now,
            attempts: event.attempts,
            rateLimitStreak: this.rateLimitStreak,
            policy: this.o.policy,
            random: this.o.random,
        });
        try {
            await this.apply(decision, event, result, token, now);
        }
        catch (error) {
            this.o.log.error('forwarder: recording an outcome failed', { error: String(error), id: event.id });
        }
    }
    async apply(decision, event, result, token, now) {
        const { outbox } = this.o;
        if (decision.kind === 'delivered') {
            this.rateLimitStreak = 0;
            this.failureStreak = 0;
            await outbox.sent(event.seq, now);
            this.o.onOutcome?.({ kind: 'forwarded', event, result });
            return;
        }
        if (decision.kind === 'dead')
            return this.bury(event, result, this.scrubbed(decision.error), now);
        let at;
        let reason;
        switch (decision.kind) {
            case 'pause':
                if (decision.reason === 'rate_limited')
                    this.rateLimitStreak++;
                await this.pauseFor(decision.reason === 'daily_limit' ? 'daily-limit' : 'backing-off', decision.until);
                at = decision.until;
                reason = decision.reason;
                break;
            case 'unauthorized':
                // A 401 may be a stale token; a 403 (a missing scope) is not cured by a new one.
                if (result.status === 401 && this.o.tokens.rejected(token)) {
                    at = now; // try again at once with a fresh token
                }
                else {
                    at = now + this.o.policy.authPauseMs;
                    await this.pauseFor('unauthorized', at);
                    this.o.log.error('forwarder: HubSpot refused the credentials; pausing', { status: result.status });
                }
                reason = 'unauthorized';
                break;
            case 'retry':
                at = decision.at;
                reason = decision.reason;
                // Several failures in a row: HubSpot is likely down, so hold everything, not just this event.
                if (++this.failureStreak >= 3)
                    await this.pauseFor('backing-off', decision.at);
                break;
        }
        const error = this.scrubbed(decision.error);
        if (expired(event.acceptedAt, now, this.o.policy)) {
            return this.bury(event, result, { ...error, failure: 'expired' }, now);
        }
        await outbox.retry(event.seq, at, error);
        this.wakeAt(at); // the idle poll may be later than this retry is due
        this.o.onOutcome?.({ kind: 'retry', event, result, reason, at, error });
    }
    async bury(event, result, error, now) {
        await this.o.outbox.dead(event.seq, now, error);
        this.o.onOutcome?.({ kind: 'dead', event, result, error });
    }
    /** HubSpot's error text is kept and shown; a credential echoed in it must not be. */
    scrubbed(error) {
        const secrets = this.o.tokens.secrets();
        const out = { ...error };
        for (const key of ['category', 'message', 'correlationId', 'policyName']) {
            const value = out[key];
            if (value !== undefined)
                out[key] = scrub(value, secrets);
        }
        return out;
    }
    /** Pauses all sending (every instance, with a shared gate) until `until`. */
    async pauseFor(reason, until) {
        const changed = await this.o.gate.pause({ reason, until }, this.o.now());
        if (changed)
            this.o.log.info('forwarder: pausing', { state: reason, until: new Date(until).toISOString() });
        this.wakeAt(until);
    }
    wakeAt(at) {
        // Infinity: only a settling request can help, and it pumps again itself.
        if (!this.running || at === Infinity)
            return;
        if (this.timer !== undefined && this.timerAt <= at)
            return;
        this.clearTimer();
        this.timerAt = at;
        const timer = setTimeout(() => {
            this.timer = undefined;
            this.timerAt = Infinity;
            this.kick();
        }, Math.max(0, at - this.o.now()));
        timer.unref?.();
        this.timer = timer;
    }
    clearTimer() {
        if (this.timer !== undefined)
            clearTimeout(this.timer);
        this.timer = undefined;
        this.timerAt = Infinity;
    }
}

class Listeners {
    map = new Map();
    /** Adds a listener; returns a function that removes it. */
    on(name, listener) {
        let set = this.map.get(name);
        if (!set)
            this.map.set(name, (set = new Set()));
        set.add(listener);
        return () => {
            set.delete(listener);
        };
    }
    /** True when someone listens (so payloads are only built when needed). */
    has(name) {
        return (this.map.get(name)?.size ?? 0) > 0;
    }
    /** Calls each listener; one that throws cannot break the proxy. */
    emit(name, payload, onError) {
        const set = this.map.get(name);
        if (!set)
            return;
        for (const listener of set) {
            try {
                listener(payload);
            }
            catch (error) {
                onError?.(error);
            }
        }
    }
}

/**
 * Counters and a latency histogram, written in the Prometheus text exposition format.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
/** Upstream latency buckets, in seconds. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
class Metrics {
    families = new Map();
    latency = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
    constructor() {
        this.define('media_bridge_events_received_total', 'counter', 'Events in requests that parsed as JSON.');
        this.define('media_bridge_events_accepted_total', 'counter', 'Events stored for forwarding (duplicates excluded).');
        this.define('media_bridge_events_duplicate_total', 'counter', 'Events dropped because their id was already known.');
        this.define('media_bridge_fields_shortened_total', 'counter', 'Descriptive fields (names, URLs) cut to their length cap instead of refused.');
        this.define('media_bridge_requests_rejected_total', 'counter', 'Ingest requests refused, by reason.');
        this.define('media_bridge_events_forwarded_total', 'counter', 'Events HubSpot accepted, by event type.');
        this.define('media_bridge_events_retried_total', 'counter', 'Upstream attempts that will be retried, by reason.');
        this.define('media_bridge_events_dead_lettered_total', 'counter', 'Events given up on, by HubSpot status.');
        this.define('media_bridge_upstream_requests_total', 'counter', 'Requests to HubSpot, by outcome (HTTP status, timeout, network).');
        this.define('media_bridge_outbox_pending', 'gauge', 'Events waiting to be forwarded.');
        this.define('media_bridge_outbox_oldest_pending_age_seconds', 'gauge', 'Age of the oldest waiting event.');
        this.define('media_bridge_outbox_dead_letters', 'gauge', 'Dead letters kept in the outbox.');
        this.define('media_bridge_upstream_in_flight', 'gauge', 'Requests to HubSpot in flight.');
        this.define('media_bridge_upstream_paused', 'gauge', '1 while sending is paused (backing off, daily limit, unauthorized).');
        this.define('media_bridge_store_connected', 'gauge', '1 while this instance is connected to its shared store (Redis).', true);
    }
    /** Adds `by` to a counter. */
    inc(name, labels, by = 1) {
        const family = this.families.get(name);
        if (!family)
            throw new Error(`unknown metric ${name}`);
        const key = labelKey(labels);
        family.values.set(key, (family.values.get(key) ?? 0) + by);
    }
    /** Sets a gauge. */
    set(name, value, labels) {
        const family = this.families.get(name);
        if (!family)
            throw new Error(`unknown metric ${name}`);
        family.values.set(labelKey(labels), value);
    }
    /** Records one upstream request's latency, in ms. */
    observeLatency(ms) {
        const s = ms / 1000;
        this.latency.sum += s;
        this.latency.count++;
        LATENCY_BUCKETS.forEach((le, i) => {
            if (s <= le)
                this.latency.counts[i]++;
        });
    }
    /** The text exposition. */
    render() {
        const lines = [];
        for (const [name, f] of this.families) {
            if (f.optional && f.values.size === 0)
                continue;
            lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
            if (f.values.size === 0)
                lines.push(`${name} 0`);
            for (const [key, v] of f.values)
                lines.push(`${name}${key} ${v}`);
        }
        const h = 'media_bridge_upstream_latency_seconds';
        lines.push(`# HELP ${h} Time HubSpot took to answer.`, `# TYPE ${h} histogram`);
        LATENCY_BUCKETS.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${this.latency.counts[i]}`));
        lines.push(`${h}_bucket{le="+Inf"} ${this.latency.count}`, `${h}_sum ${this.latency.sum}`, `${h}_count ${this.latency.count}`);
        return `${lines.join('\n')}\n`;
    }
    define(name, type, help, optional = false) {
        this.families.set(name, { help, type, values: new Map(), optional });
    }
}
function labelKey(labels) {
    if (!labels)
        return '';
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
    return parts.length ? `{${parts.join(',')}}` : '';
}
function escapeLabel(value) {
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A token that never changes: a private app's access token. */
function staticToken(token) {
    return {
        kind: 'static',
        get: () => Promise.resolve(token),
        rejected: () => false,
        secrets: () => [token],
    };
}
/** Thrown when the token endpoint refuses or fails; carries no secret. */
class TokenRefreshError extends Error {
    status;
    constructor(message, status) {
        super(message);
        this.status = status;
        this.name = 'TokenRefreshError';
    }
}
/** Refreshes after a 401 at most this often. */
const MIN_FORCED_REFRESH_MS = 60_000;
/** An OAuth access token, refreshed before it expires; concurrent callers share one refresh. */
function oauthToken(options) {
    const now = options.now ?? Date.now;
    const early = options.refreshEarlyMs ?? 5 * 60_000;
    const url = `${options.apiBase.replace(/\/+$/, '')}${options.tokenPath ?? '/oauth/v3/token'}`;
    const { store } = options;
    let refreshToken = options.refreshToken;
    let access;
    let refreshing;
    let lastForcedAt = -Infinity;
    /** The token HubSpot last refused: a store may still hold it, and it must not be used again. */
    let refused;
    const usable = (t) => t.accessToken !== refused && now() < t.expiresAt - early;
    function adopt(t) {
        refreshToken = t.refreshToken;
        access = { token: t.accessToken, expiresAt: t.expiresAt };
        return t.accessToken;
    }
    async function refresh() {
        if (!store)
            return adopt(await request(refreshToken));
        const kept = await store.read();
        if (kept && usable(kept))
            return adopt(kept);
        return adopt(await store.refresh(usable, async (latest) => {
            if (latest === undefined || latest === options.refreshToken)
                return request(options.refreshToken);
            try {
                return await request(latest);
            }
            catch (error) {
                // The kept token was refused: the configured one may be newer (re-authorized since).
                if (error instanceof TokenRefreshError && error.status === 400)
                    return request(options.refreshToken);
                throw error;
            }
        }));
    }
    async function request(refreshWith) {
        const body = new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: options.clientId,
            client_secret: options.clientSecret,
            refresh_token: refreshWith,
        });
        let res;
        try {
            res = await options.fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
                body: body.toString(),
                signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
                redirect: 'error',
            });
        }
        catch {
            throw new TokenRefreshError('the token endpoint could not be reached');
        }
        const json = (await res.json().catch(() => undefined));
        if (!res.ok || !json)
            throw new TokenRefreshError(`the token endpoint answered ${res.status}`, res.status);
        const token = json.access_token ?? json.accessToken;
        const expiresIn = Number(json.expires_in ?? json.expiresIn);
        if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
            throw new TokenRefreshError('the token endpoint answered without an access token', res.status);
        }
        const rotated = json.refresh_token ?? json.refreshToken;
        return { accessToken: token, expiresAt: now() + expiresIn * 1000, refreshToken: typeof rotated === 'string' && rotated ? rotated : refreshWith };
    }
    return {
        kind: 'oauth',
        get() {
            if (access && now() < access.expiresAt - early)
                return Promise.resolve(access.token);
            refreshing ??= refresh().finally(() => {
                refreshing = undefined;
            });
            return refreshing;
        },
        rejected(token) {
            if (!access || access.token !== token)
                return true; // a newer token is already in hand
            if (now() - lastForcedAt < MIN_FORCED_REFRESH_MS)
                return false;
            lastForcedAt = now();
            refused = token;
            access = undefined;
            return true;
        },
        secrets: () => [options.clientSecret, options.refreshToken, refreshToken, ...(access ? [access.token] : [])],
    };
}

/**
 * Which pages may post events, and the CORS headers they get.
 *
 * - An explicit allowlist (ALLOWED_ORIGINS) admits exactly those origins; `*` admits any.
 * - An empty list admits the same origin only: the Origin's host must equal the request's
 *   own Host (or X-Forwarded-Host behind a trusted proxy).
 * - A request without an Origin header is not from a page a browser runs (browsers send
 *   Origin on every POST, sendBeacon and fetch keepalive included): it is a server or curl,
 *   which could forge any Origin anyway, so it is let through to validation and the per-IP
 *   limit.
 *
 * The tracker posts text/plain, a CORS-safelisted type, so browsers send no preflight; the
 * preflight answer is there for callers that post application/json.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 */
/** Builds a policy; throws on an entry that is not an origin. */
function originPolicy(origins = []) {
    const allowed = new Set();
    let any = false;
    for (const raw of origins) {
        const entry = raw.trim();
        if (!entry)
            continue;
        if (entry === '*') {
            any = true;
            continue;
        }
        let url;
        try {
            url = new URL(entry);
        }
        catch {
            throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://www.example.com`);
        }
        if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
            throw new Error(`ALLOWED_ORIGINS: "${entry}" is not an origin like https://www.example.com`);
        }
        allowed.add(url.origin);
    }
    return { allowed, any };
}
/**
 * Whether a request may post. `origin` is its Origin header, `host` its own host
 * (Host, or X-Forwarded-Host when trusted).
 */
function originAllowed(policy, origin, host) {
    if (origin === undefined)
        return true;
    if (policy.any)
        return true;
    if (policy.allowed.size > 0)
        return policy.allowed.has(origin) || policy.allowed.has(normalise(origin));
    return host !== undefined && sameHost(origin, host);
}
/**
 * Headers that let an admitted cross-origin page read the answer, `Retry-After` included
 * (it is not a CORS-safelisted header): the tracker waits that long before sending again.
 */
function corsHeaders(origin) {
    return origin === undefined
        ? { vary: 'Origin' }
        : { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' };
}
/** The preflight answer's headers. */
function preflightHeaders(origin) {
    return {
        ...corsHeaders(origin),
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'Content-Type',
        'access-control-max-age': '86400',
    };
}
function sameHost(origin, host) {
    const slash = origin.indexOf('//');
    if (slash < 0)
        return false;
    const originHost = origin.slice(slash + 2).toLowerCase();
    const requestHost = host.toLowerCase();
    if (originHost === requestHost)
        return true;
    // Default ports may be spelled on one side and not the other.
    return stripDefaultPort(originHost) === stripDefaultPort(requestHost);
}
function stripDefaultPort(host) {
    return host.replace(/:(80|443)$/, '');
}
function normalise(origin) {
    try {
        return new URL(origin).origin;
    }
    catch {
        return origin;
    }
}

const DEFAULT_KEEP_DELIVERED_MS = 7 * 24 * 3600_000;
const DEFAULT_KEEP_DEAD_MS = 30 * 24 * 3600_000;
const DEFAULT_ORDER_GRACE_MS = 5_000;
/** The order rule: may this event go now? */
function orderAllows(type, acceptedAt, session, now, graceMs) {
    if (type === 'media-played')
        return true;
    if (session.playedPending)
        return false;
    return session.playedSeen || now - acceptedAt >= graceMs;
}

/** An outbox in memory: fast and exact, and gone when the process ends. */
class MemoryOutbox {
    seq = 0;
    /** Every event still remembered, by id, in arrival order. */
    byId = new Map();
    /** Pending events by seq, in arrival order. */
    pending = new Map();
    claimed = new Set();
    /** Per session: pending media-played count, and whether one was ever seen. */
    sessions = new Map();
    sends = [];
    keepDeliveredMs;
    keepDeadMs;
    graceMs;
    constructor(options = {}) {
        this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
        this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
        this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
    }
    add(events, now) {
        return events.map((event) => {
            if (this.byId.has(event.id))
                return false;
            const entry = {
                seq: ++this.seq,
                id: event.id,
                type: event.type,
                sessionId: event.sessionId,
                event,
                acceptedAt: now,
                attempts: 0,
                status: 'pending',
                notBefore: 0,
            };
            this.byId.set(entry.id, entry);
            this.pending.set(entry.seq, entry);
            if (entry.type === 'media-played') {
                const s = this.session(entry.sessionId, now);
                s.pendingPlayed++;
                s.seen = true;
            }
            return true;
        });
    }
    claim(limit, now) {
        const out = [];
        for (const entry of this.pending.values()) {
            if (out.length >= limit)
                break;
            if (this.claimed.has(entry.seq) || entry.notBefore > now)
                continue;
            const s = this.sessions.get(entry.sessionId);
            const order = { playedPending: (s?.pendingPlayed ?? 0) > 0, playedSeen: s?.seen ?? false };
            if (!orderAllows(entry.type, entry.acceptedAt, order, now, this.graceMs))
                continue;
            this.claimed.add(entry.seq);
            out.push(snapshot(entry));
        }
        return out;
    }
    sent(seq, now) {
        this.settle(seq, now, 'sent');
    }
    retry(seq, at, error) {
        const entry = this.pending.get(seq);
        this.claimed.delete(seq);
        if (!entry)
            return;
        entry.attempts++;
        entry.notBefore = at;
        entry.error = error;
    }
    dead(seq, now, error) {
        const entry = this.pending.get(seq);
        if (entry) {
            entry.attempts++;
            entry.error = error;
        }
        this.settle(seq, now, 'dead');
    }
    stats(_now) {
        let dead = 0;
        for (const e of this.byId.values())
            if (e.status === 'dead')
                dead++;
        const first = this.pending.values().next();
        return { pending: this.pending.size, oldestPendingAt: first.done ? undefined : first.value.acceptedAt, dead };
    }
    recent(limit) {
        return [...this.byId.values()].slice(-limit).reverse().map(snapshot);
    }
    deadLetters(limit) {
        const dead = [...this.byId.values()].filter((e) => e.status === 'dead');
        dead.sort((a, b) => (b.doneAt ?? 0) - (a.doneAt ?? 0));
        return dead.slice(0, limit).map(snapshot);
    }
    noteSend(at) {
        this.sends.push(at);
    }
    sendsSince(since) {
        this.sends = this.sends.filter((t) => t > since);
        return [...this.sends];
    }
    prune(now) {
        for (const [id, e] of this.byId) {
            const keep = e.status === 'sent' ? this.keepDeliveredMs : e.status === 'dead' ? this.keepDeadMs : Infinity;
            if (e.doneAt !== undefined && now - e.doneAt >= keep)
                this.byId.delete(id);
        }
        for (const [session, s] of this.sessions) {
            if (s.pendingPlayed === 0 && now - s.lastAt >= this.keepDeliveredMs)
                this.sessions.delete(session);
        }
    }
    close() { }
    settle(seq, now, status) {
        this.claimed.delete(seq);
        const entry = this.pending.get(seq);
        if (!entry)
            return;
        this.pending.delete(seq);
        entry.status = status;
        entry.doneAt = now;
        if (entry.type === 'media-played')
            this.session(entry.sessionId, now).pendingPlayed--;
    }
    session(id, now) {
        let s = this.sessions.get(id);
        if (!s)
            this.sessions.set(id, (s = { pendingPlayed: 0, seen: false, lastAt: now }));
        s.lastAt = now;
        return s;
    }
}
function snapshot(entry) {
    const { notBefore: _notBefore, ...event } = entry;
    return { ...event };
}

/**
 * JSON parsing that refuses prototype-polluting keys.
 *
 * JSON.parse itself only creates own properties, but a `__proto__` key becomes dangerous the
 * moment some later code copies the object with assignment (Object.assign, a naive merge).
 * So a body naming `__proto__`, `constructor` or `prototype` as a key is refused outright.
 *
 * The fast path is one scan of the text: only a body that mentions one of the names, or
 * contains a `\u` escape (which could spell one), pays for the key-by-key reviver.
 */
/** Keys that can reach an object's prototype chain. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SUSPECT = /__proto__|constructor|prototype|\\u/;
/** Parses `text` as JSON, refusing forbidden keys anywhere in it. */
function parseBody(text) {
    try {
        if (!SUSPECT.test(text))
            return { ok: true, value: JSON.parse(text) };
        let forbidden;
        const value = JSON.parse(text, (key, v) => {
            if (FORBIDDEN_KEYS.has(key))
                forbidden = key;
            return v;
        });
        if (forbidden !== undefined) {
            return { ok: false, code: 'forbidden_key', message: `the key "${forbidden}" is not allowed anywhere in the body` };
        }
        return { ok: true, value };
    }
    catch {
        return { ok: false, code: 'bad_json', message: 'the body is not valid JSON' };
    }
}

/**
 * The token bucket that shapes requests toward HubSpot.
 *
 * HubSpot counts requests in a rolling 10-second window, by when they reach it. A classic
 * bucket that refills continuously lets through up to twice its size in one window (a full
 * bucket, then the refill). This one holds `limit` tokens; a request takes one when it starts
 * and gives it back one window (plus a margin) after it *completes*.
 *
 * Why completion and not start: a request reaches HubSpot somewhere between its start and
 * its answer, and a busy event loop or network can stretch that. Take any two requests i, j
 * that HubSpot counts in one window, j started after i: j arrived less than a window after i
 * arrived, so less than a window after i completed, so i still held its token when j started.
 * All the requests HubSpot counts in one window therefore held tokens at once: at most
 * `limit`, whatever the delays. A steady drain still runs at about the full limit.
 *
 * After a restart the completions are unknown, so each remembered start counts as completing
 * `restartHoldMs` later (the request timeout): conservative for at most one window.
 */
class RateBucket {
    limit;
    /** How long after a completion its token comes back. */
    holdMs;
    inFlight = 0;
    /** Completion times, in the order they happened (so, ascending); `head` skips returned ones. */
    done = [];
    head = 0;
    constructor(options) {
        if (!(Number.isInteger(options.limit) && options.limit > 0))
            throw new RangeError('limit must be a positive integer');
        this.limit = options.limit;
        this.holdMs = (options.windowMs ?? 10_000) + (options.marginMs ?? 250);
    }
    /**
     * Restores the start times of requests made before a restart, each counted as completing
     * `completedAfterMs` after it started. Times in the future count as now.
     */
    restore(starts, completedAfterMs, now) {
        for (const t of starts)
            this.done.push(Math.min(t, now) + completedAfterMs);
        this.done = this.done.slice(this.head).sort((a, b) => a - b);
        this.head = 0;
    }
    /** Tokens free at `now`. */
    available(now) {
        this.expire(now);
        return this.limit - this.inFlight - (this.done.length - this.head);
    }
    /** Takes a token for a request starting now; false (and nothing taken) when none is free. */
    take(now) {
        if (this.available(now) <= 0)
            return false;
        this.inFlight++;
        return true;
    }
    /** A token taken for a request that was never sent: it is free again at once. */
    release() {
        if (this.inFlight > 0)
            this.inFlight--;
    }
    /** The request that took a token completed (answered, failed or timed out) at `now`. */
    complete(now) {
        if (this.inFlight === 0)
            return;
        this.inFlight--;
        const last = this.done.length > this.head ? this.done[this.done.length - 1] : -Infinity;
        // A clock that stepped back must not place a completion before an earlier one.
        this.done.push(Math.max(now, last));
    }
    /** When the next token comes back: `now` if one is free, Infinity if only a completion can free one. */
    nextFreeAt(now) {
        if (this.available(now) > 0)
            return now;
        return this.done.length > this.head ? this.done[this.head] + this.holdMs : Infinity;
    }
    expire(now) {
        while (this.head < this.done.length && this.done[this.head] + this.holdMs <= now)
            this.head++;
        if (this.head > 1024 && this.head * 2 > this.done.length) {
            this.done = this.done.slice(this.head);
            this.head = 0;
        }
    }
}

/**
 * The gate of one process: a RateBucket, with every send noted in the outbox's send log so a
 * restarted process does not burst a fresh bucket (requests of the previous run count as
 * taking the whole timeout, see RateBucket).
 */
class LocalGate {
    log;
    limit;
    bucket;
    timeoutMs;
    current;
    next = 0;
    constructor(log, options) {
        this.log = log;
        this.limit = options.limit;
        this.timeoutMs = options.timeoutMs;
        this.bucket = new RateBucket({ limit: options.limit });
    }
    async start(now) {
        const starts = await this.log.sendsSince(now - this.bucket.holdMs - this.timeoutMs);
        this.bucket.restore(starts, this.timeoutMs, now);
    }
    take(wanted, now) {
        const pause = this.pausedNow(now);
        if (pause)
            return { slots: [], waitMs: pause.until - now, pause };
        const slots = [];
        while (slots.length < wanted && this.bucket.take(now))
            slots.push(String(++this.next));
        const waitMs = slots.length < wanted ? this.bucket.nextFreeAt(now) - now : 0;
        return { slots, waitMs };
    }
    release(_slot) {
        this.bucket.release();
    }
    begin(_slot, at) {
        return this.log.noteSend(at);
    }
    complete(_slot, now) {
        this.bucket.complete(now);
    }
    pause(pause, now) {
        const current = this.pausedNow(now);
        if (current && current.until >= pause.until)
            return false;
        this.current = pause;
        return current?.reason !== pause.reason;
    }
    paused(now) {
        return this.pausedNow(now);
    }
    pausedNow(now) {
        return this.current && this.current.until > now ? this.current : undefined;
    }
}

/** Longest id the proxy keeps for de-duplication (a UUID is 36). */
const MAX_ID_LENGTH = 128;
/** Cap for URLs (pageUrl, mediaUrl, iframeUrl) and externalId, which defaults to the media URL. */
const MAX_URL_LENGTH = 2048;
/** Cap for display names (mediaName, pageName). */
const MAX_NAME_LENGTH = 512;
/** Cap for `_hsenc` and `contactUtk`-like opaque tokens. */
const MAX_TOKEN_LENGTH = 512;
/** Cap for `rawDataString`; the tracker keeps an attention-span payload under 16 KiB. */
const MAX_RAW_DATA_STRING_LENGTH = 16 * 1024;
/** Most spans in one `rawDataMap`. */
const MAX_SPANS = 4096;
/** Largest play count for one span. */
const MAX_SPAN_COUNT = 1_000_000;
/** Default: an event may be this old (3 days: a page view that recovers a dead session). */
const DEFAULT_MAX_EVENT_AGE_MS = 3 * 24 * 3600_000;
/** Default: an event may be this far in the future (visitors' clocks drift). */
const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60_000;
const MEDIA_TYPES = ['AUDIO', 'DOCUMENT', 'IMAGE', 'OTHER', 'VIDEO'];
const INT64_ID = { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER };
/** Fields every event type takes, besides the wire's own `type` and `id`. */
const COMMON = {
    mediaType: { kind: 'enum', values: MEDIA_TYPES },
    occurredTimestamp: { kind: 'timestamp' },
    sessionId: { kind: 'string', max: MAX_ID_LENGTH },
    _hsenc: { kind: 'string', max: MAX_TOKEN_LENGTH },
    contactUtk: { kind: 'string', max: MAX_TOKEN_LENGTH },
    contactId: INT64_ID,
    externalId: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
    externalPlayContext: { kind: 'enum', values: ['EMAIL', 'EXTERNAL_PAGE'] },
    mediaBridgeId: INT64_ID,
    mediaName: { kind: 'string', max: MAX_NAME_LENGTH, shorten: true },
    mediaUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
    pageId: INT64_ID,
    pageName: { kind: 'string', max: MAX_NAME_LENGTH, shorten: true },
    pageUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true },
};
const REQUIRED_COMMON = ['id', 'mediaType', 'occurredTimestamp', 'sessionId'];
function typeSpec(extra, required) {
    const fields = new Map([['id', { kind: 'string', max: MAX_ID_LENGTH }]]);
    for (const [name, spec] of Object.entries({ ...COMMON, ...extra }))
        fields.set(name, spec);
    return { fields, required: [...REQUIRED_COMMON, ...required] };
}
/** Per event path, what HubSpot's body for it takes. */
const EVENT_TYPES = new Map([
    [
        'media-played',
        typeSpec({ state: { kind: 'enum', values: ['STARTED', 'VIEWED'] }, iframeUrl: { kind: 'string', max: MAX_URL_LENGTH, shorten: true } }, ['state']),
    ],
    ['media-played-percent', typeSpec({ playedPercent: { kind: 'integer', min: 0, max: 100 } }, ['playedPercent'])],
    [
        'attention-span',
        typeSpec({
            rawDataMap: { kind: 'span-counts' },
            rawDataString: { kind: 'string', max: MAX_RAW_DATA_STRING_LENGTH },
            derivedValues: { kind: 'attention-totals' },
        }, ['rawDataMap']),
    ],
]);
/** The event types, for messages. */
const EVENT_TYPE_NAMES = [...EVENT_TYPES.keys()];

/**
 * Checks a parsed beacon body against the schema. Pure: the clock comes in as `now`.
 *
 * Every problem names the event's index and the field, so a 400 answer says exactly what to
 * fix. Messages never echo the client's values back.
 */
/** At most this many problems are listed in one answer. */
const MAX_PROBLEMS = 100;
const SPAN_KEY = /^(?:0|[1-9][0-9]{0,8})$/;
/** Validates `{"events": [...]}`; `now` is the server's clock in ms. */
function validateBody(body, now, options = {}) {
    if (!isPlainObject(body))
        return fail(null, 'body', 'not_object', 'the body must be a JSON object {"events": [...]}');
    const problems = [];
    for (const key in body) {
        if (key !== 'events')
            problems.push(problem(null, clip(key), 'unknown_field', 'is not a field of the request body'));
    }
    const events = body.events;
    if (!Array.isArray(events)) {
        problems.push(problem(null, 'events', events === undefined ? 'required' : 'wrong_type', 'must be an array of events'));
        return { ok: false, problems };
    }
    if (events.length === 0)
        problems.push(problem(null, 'events', 'no_events', 'must hold at least one event'));
    if (events.length > MAX_EVENTS_PER_REQUEST) {
        problems.push(problem(null, 'events', 'too_many_events', `must hold at most ${MAX_EVENTS_PER_REQUEST} events`));
        return { ok: false, problems };
    }
    const limits = {
        oldest: now - (options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS),
        newest: now + (options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS),
        allowContactId: options.allowContactId === true,
        shortened: 0,
    };
    for (let i = 0; i < events.length && problems.length < MAX_PROBLEMS; i++)
        checkEvent(events[i], i, limits, problems);
    if (problems.length)
        return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
    return { ok: true, events: events, shortened: limits.shortened };
}
function checkEvent(event, index, limits, out) {
    if (!isPlainObject(event)) {
        out.push(problem(index, '', 'not_object', 'each event must be a JSON object'));
        return;
    }
    const type = event.type;
    const spec = typeof type === 'string' ? EVENT_TYPES.get(type) : undefined;
    if (!spec) {
        const code = type === undefined ? 'required' : 'unknown_type';
        out.push(problem(index, 'type', code, `must be one of ${EVENT_TYPE_NAMES.join(', ')}`));
        return;
    }
    for (const field in event) {
        if (field === 'type')
            continue;
        const fieldSpec = spec.fields.get(field);
        if (!fieldSpec) {
            out.push(problem(index, clip(field), 'unknown_field', `is not a field of ${type} events`));
            continue;
        }
        const value = event[field];
        if (value === undefined)
            continue; // only from callers in code; JSON has no undefined
        if (value === null || value === '') {
            out.push(problem(index, field, 'empty', 'must be left out rather than sent empty'));
            continue;
        }
        if (fieldSpec.kind === 'string' && fieldSpec.shorten && typeof value === 'string' && value.length > fieldSpec.max) {
            event[field] = shorten(value, fieldSpec.max);
            limits.shortened++;
            continue;
        }
        if (field === 'contactId' && !limits.allowContactId) {
            out.push(problem(index, field, 'contact_id_refused', 'is refused from browsers: anyone could claim any contact; send contactUtk'));
            continue;
        }
        checkField(value, fieldSpec, index, field, limits, out);
    }
    for (const field of spec.required) {
        if (event[field] === undefined)
            out.push(problem(index, field, 'required', `is required for ${type} events`));
    }
}
function checkField(value, spec, index, field, limits, out) {
    switch (spec.kind) {
        case 'string':
            if (typeof value !== 'string')
                out.push(problem(index, field, 'wrong_type', 'must be a string'));
            else if (value.length > spec.max)
                out.push(problem(index, field, 'too_long', `must be at most ${spec.max} characters`));
            return;
        case 'enum':
            if (typeof value !== 'string' || !spec.values.includes(value)) {
                out.push(problem(index, field, 'not_allowed', `must be one of ${spec.values.join(', ')}`));
            }
            return;
        case 'integer':
            if (!Number.isSafeInteger(value))
                out.push(problem(index, field, 'wrong_type', 'must be an integer'));
            else if (value < spec.min || value > spec.max) {
                out.push(problem(index, field, 'out_of_range', `must be between ${spec.min} and ${spec.max}`));
            }
            return;
        case 'timestamp':
            if (!Number.isSafeInteger(value))
                out.push(problem(index, field, 'wrong_type', 'must be an integer of milliseconds since the epoch'));
            else if (value < limits.oldest)
                out.push(problem(index, field, 'too_old', 'is older than the proxy accepts'));
            else if (value > limits.newest)
                out.push(problem(index, field, 'in_future', 'is too far in the future'));
            return;
        case 'span-counts':
            checkSpanCounts(value, index, field, out);
            return;
        case 'attention-totals':
            checkAttentionTotals(value, index, field, out);
            return;
    }
}
/** `rawDataMap`: span index (a non-negative integer as a string) → how many times it was played. */
function checkSpanCounts(value, index, field, out) {
    if (!isPlainObject(value)) {
        out.push(problem(index, field, 'wrong_type', 'must be an object of span index to play count'));
        return;
    }
    let spans = 0;
    for (const key in value) {
        if (++spans > MAX_SPANS) {
            out.push(problem(index, field, 'too_long', `must hold at most ${MAX_SPANS} spans`));
            return;
        }
        const count = value[key];
        if (!SPAN_KEY.test(key)) {
            out.push(problem(index, `${field}.${clip(key)}`, 'unknown_field', 'span keys must be non-negative integers'));
        }
        else if (!Number.isSafeInteger(count) || count < 0 || count > MAX_SPAN_COUNT) {
            out.push(problem(index, `${field}.${key}`, 'out_of_range', `must be an integer from 0 to ${MAX_SPAN_COUNT}`));
        }
        if (out.length >= MAX_PROBLEMS)
            return;
    }
}
/** `derivedValues`: `totalPercentPlayed` (0–100) and `totalSecondsPlayed` (integer ≥ 0). */
function checkAttentionTotals(value, index, field, out) {
    if (!isPlainObject(value)) {
        out.push(problem(index, field, 'wrong_type', 'must be an object'));
        return;
    }
    for (const key in value) {
        const v = value[key];
        const path = `${field}.${clip(key)}`;
        if (key === 'totalPercentPlayed') {
            if (typeof v !== 'number' || !(v >= 0 && v <= 100))
                out.push(problem(index, path, 'out_of_range', 'must be a number from 0 to 100'));
        }
        else if (key === 'totalSecondsPlayed') {
            if (!Number.isSafeInteger(v) || v < 0)
                out.push(problem(index, path, 'out_of_range', 'must be an integer of at least 0'));
        }
        else {
            out.push(problem(index, path, 'unknown_field', 'is not a field of derivedValues'));
        }
    }
}
/** The first `max` UTF-16 units of `text`, without leaving half of a surrogate pair at the end. */
function shorten(text, max) {
    const code = text.charCodeAt(max - 1);
    return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
/** A problem with the request as a whole. */
function fail(index, field, code, message) {
    return { ok: false, problems: [problem(index, field, code, message)] };
}
function problem(index, field, code, message) {
    return { index, field, code, problem: message };
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Keys come from the client: keep the echoed name short and free of control characters. */
function clip(key) {
    const safe = key.replace(/[\u0000-\u001f\u007f]/g, '');
    return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}

/**
 * The proxy itself, independent of any runtime: a request-ish object in, a status, headers
 * and body out. The Fetch handler, the node:http adapter and the Express middleware are thin
 * shells around `handle`.
 */
const JSON_HEADERS = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
};
const PRUNE_EVERY_MS = 10 * 60_000;
/** Rejections logged per second at most; the metrics count all of them. */
const REJECTION_LOGS_PER_SECOND = 20;
function createMediaBridgeProxy(options = {}) {
    const now = options.now ?? Date.now;
    const hub = options.hubspot ?? {};
    const apiBase = hub.apiBase ?? DEFAULT_API_BASE;
    const fetchUpstream = hub.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const outbox = options.outbox ?? new MemoryOutbox();
    const tokens = tokenSource(hub, apiBase, fetchUpstream, now, outbox.tokenStore?.());
    const dryRun = tokens === undefined;
    const log = options.logger ?? createLogger({ level: options.logLevel, secrets: () => tokens?.secrets() ?? [], now });
    const policy = originPolicy(options.allowedOrigins);
    const hops = options.trustProxy === true ? 1 : Number(options.trustProxy || 0);
    const limiter = new ClientLimiter({ perMinute: options.clientRateLimit ?? 600 });
    const rateLimit = hub.rateLimit ?? 90;
    const timeoutMs = hub.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const paths = {
        events: options.paths?.events ?? '/media-events',
        health: options.paths?.health ?? '/healthz',
        metrics: options.paths?.metrics ?? '/metrics',
    };
    const metrics = new Metrics();
    const listeners = new Listeners();
    const onListenerError = (error) => log.error('a proxy listener threw', { error: String(error) });
    let rejectionLogs = { second: 0, count: 0 };
    const storing = new Outage(log, 'storing events', now);
    const forwarder = tokens
        ? new Forwarder({
            outbox,
            tokens,
            // A store shared by several instances gives them one gate; otherwise this process has its own.
            gate: outbox.sharedGate?.({ limit: rateLimit, timeoutMs }) ?? new LocalGate(outbox, { limit: rateLimit, timeoutMs }),
            fetch: fetchUpstream,
            apiBase,
            timeoutMs,
            maxInFlight: hub.maxInFlight ?? 8,
            policy: { ...DEFAULT_RETRY_POLICY, ...hub.retry },
            log,
            now,
            onOutcome: recordOutcome,
        })
        : undefined;
    const forwarding = forwarder !== undefined && options.forward !== false;
    if (forwarding)
        forwarder.start().catch((error) => log.error('the forwarder could not start', { error: String(error) }));
    void Promise.resolve()
        .then(() => outbox.prune(now()))
        .catch(() => { });
    const pruneTimer = setInterval(() => {
        void Promise.resolve()
            .then(() => outbox.prune(now()))
            .catch((error) => log.error('pruning the outbox failed', { error: String(error) }));
    }, PRUNE_EVERY_MS);
    pruneTimer.unref?.();
    function reply(status, body, headers = {}) {
        return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
    }
    function reject(status, reason, message, headers, problems) {
        metrics.inc('media_bridge_requests_rejected_total', { reason });
        if (listeners.has('rejected'))
            listeners.emit('rejected', { status, reason, problems }, onListenerError);
        const second = Math.floor(now() / 1000);
        if (rejectionLogs.second !== second)
            rejectionLogs = { second, count: 0 };
        if (++rejectionLogs.count <= REJECTION_LOGS_PER_SECOND) {
            log.info('rejected a request', { status, reason, problems: problems?.slice(0, 5) });
        }
        return reply(status, problems ? { error: message, problems } : { error: message }, headers);
    }
    async function ingest(req) {
        const origin = req.header('origin');
        const host = (hops > 0 && req.header('x-forwarded-host')) || req.header('host');
        if (!originAllowed(policy, origin, host)) {
            return reject(403, 'origin', 'this origin may not post events here', { vary: 'Origin' });
        }
        const cors = corsHeaders(origin);
        if (req.method === 'OPTIONS') {
            return { status: 204, headers: origin ? preflightHeaders(origin) : { allow: 'POST, OPTIONS' }, body: '' };
        }
        if (req.method !== 'POST')
            return reply(405, { error: 'use POST' }, { ...cors, allow: 'POST, OPTIONS' });
        if (!acceptableType(req.header('content-type'))) {
            return reject(415, 'content_type', 'send the body as text/plain or application/json (UTF-8)', cors);
        }
        const wait = limiter.check(clientIp(req.peer, req.header('x-forwarded-for'), hops), now());
        if (wait > 0)
            return reject(429, 'client_rate_limit', 'too many requests from this address', { ...cors, 'retry-after': String(wait) });
        const text = await req.readBody(MAX_BODY_BYTES);
        if (text === null) {
            return reject(413, 'body_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`, cors);
        }
        const parsed = parseBody(text);
        if (!parsed.ok)
            return reject(400, parsed.code, parsed.message, cors);
        const events = parsed.value?.events;
        if (Array.isArray(events))
            metrics.inc('media_bridge_events_received_total', undefined, events.length);
        const at = now();
        const checked = validateBody(parsed.value, at, options.validation);
        if (!checked.ok)
            return reject(400, checked.problems[0].code, 'invalid events', cors, checked.problems);
        if (checked.shortened)
            metrics.inc('media_bridge_fields_shortened_total', undefined, checked.shortened);
        let fresh;
        try {
            // The body's text is stored as is, unless validation shortened a field of it.
            fresh = await outbox.add(checked.events, at, checked.shortened ? undefined : text);
            storing.ok();
        }
        catch (error) {
            storing.fail(error);
            return reply(503, { error: 'the events could not be stored; try again' }, { ...cors, 'retry-after': '5' });
        }
        let stored = 0;
        for (let i = 0; i < fresh.length; i++) {
            if (!fresh[i])
                continue;
            stored++;
            if (listeners.has('accepted')) {
                const e = checked.events[i];
                listeners.emit('accepted', { id: e.id, type: e.type, sessionId: e.sessionId, event: e, acceptedAt: at }, onListenerError);
            }
        }
        metrics.inc('media_bridge_events_accepted_total', undefined, stored);
        const duplicates = fresh.length - stored;
        if (duplicates)
            metrics.inc('media_bridge_events_duplicate_total', undefined, duplicates);
        if (stored && forwarding)
            forwarder.kick();
        return reply(202, duplicates ? { accepted: fresh.length, duplicates } : { accepted: fresh.length }, cors);
    }
    function recordOutcome(o) {
        const { event } = o;
        const notice = { id: event.id, type: event.type, sessionId: event.sessionId, event: event.event };
        const outcome = o.result && upstreamOutcome(o.result);
        if (o.result) {
            metrics.inc('media_bridge_upstream_requests_total', { outcome: String(o.result.status ?? o.result.failure) });
            metrics.observeLatency(o.result.latencyMs);
        }
        switch (o.kind) {
            case 'forwarded':
                metrics.inc('media_bridge_events_forwarded_total', { type: event.type });
                listeners.emit('forwarded', { ...notice, outcome: outcome, attempts: event.attempts + 1 }, onListenerError);
                return;
            case 'retry':
                metrics.inc('media_bridge_events_retried_total', { reason: o.reason });
                log.debug('will retry an event', { id: event.id, type: event.type, reason: o.reason, retryAt: new Date(o.at).toISOString(), ...o.error });
                listeners.emit('retry', { ...notice, outcome, reason: o.reason, retryAt: o.at, error: o.error }, onListenerError);
                return;
            case 'dead':
                metrics.inc('media_bridge_events_dead_lettered_total', { status: String(o.error.status ?? o.error.failure ?? 'none') });
                log.warn('dead letter: HubSpot will not take this event', { id: event.id, type: event.type, ...o.error });
                listeners.emit('dead', { ...notice, outcome, error: o.error }, onListenerError);
                return;
        }
    }
    async function health() {
        const at = now();
        const [stats, dead] = await Promise.all([outbox.stats(at), outbox.deadLetters(10)]);
        const state = forwarder ? await forwarder.state(at) : { state: 'dry-run' };
        const store = outbox.connection?.();
        return {
            ok: true,
            dryRun,
            ...(store ? { store } : {}),
            outbox: {
                pending: stats.pending,
                oldestPendingAgeSeconds: stats.oldestPendingAt === undefined ? null : Math.max(0, (at - stats.oldestPendingAt) / 1000),
                deadLetters: stats.dead,
            },
            upstream: {
                state: state.state,
                ...('until' in state ? { until: new Date(state.until).toISOString() } : {}),
                inFlight: forwarder?.inFlightCount ?? 0,
                rateLimit,
            },
            deadLetters: dead.map((d) => ({
                id: d.id,
                type: d.type,
                sessionId: d.sessionId,
                ...(d.doneAt !== undefined ? { failedAt: new Date(d.doneAt).toISOString() } : {}),
                attempts: d.attempts,
                ...d.error,
            })),
        };
    }
    async function renderMetrics() {
        const store = outbox.connection?.();
        if (store)
            metrics.set('media_bridge_store_connected', store.state === 'ready' ? 1 : 0);
        const h = await health();
        metrics.set('media_bridge_outbox_pending', h.outbox.pending);
        metrics.set('media_bridge_outbox_oldest_pending_age_seconds', h.outbox.oldestPendingAgeSeconds ?? 0);
        metrics.set('media_bridge_outbox_dead_letters', h.outbox.deadLetters);
        metrics.set('media_bridge_upstream_in_flight', h.upstream.inFlight);
        metrics.set('media_bridge_upstream_paused', h.upstream.state === 'ok' || h.upstream.state === 'dry-run' ? 0 : 1);
        return metrics.render();
    }
    async function serve(kind, method) {
        if (method !== 'GET')
            return reply(405, { error: 'use GET' }, { allow: 'GET' });
        try {
            if (kind === 'health')
                return reply(200, await health());
            return { status: 200, headers: { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: await renderMetrics() };
        }
        catch (error) {
            const store = outbox.connection?.();
            // With a store down (Redis unreachable) the store's own log line says so, once.
            if (!store || store.state === 'ready')
                log.error(`answering ${kind} failed`, { error: String(error) });
            if (kind === 'metrics' && store) {
                // Still scrapeable: the counters, and that the store is not connected.
                return { status: 200, headers: { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: metrics.render() };
            }
            return reply(503, { ok: false, error: 'the outbox is unavailable', ...(store ? { store } : {}) });
        }
    }
    return {
        dryRun,
        outbox,
        async handle(req) {
            if (req.path === paths.events)
                return ingest(req);
            if (paths.health !== false && req.path === paths.health)
                return serve('health', req.method);
            if (paths.metrics !== false && req.path === paths.metrics)
                return serve('metrics', req.method);
            return undefined;
        },
        on: (name, listener) => listeners.on(name, listener),
        health,
        metrics: renderMetrics,
        recent: async (limit = 50) => outbox.recent(limit),
        forwardPending: async () => {
            await forwarder?.drain();
        },
        async close() {
            clearInterval(pruneTimer);
            await forwarder?.stop();
            await outbox.close();
        },
    };
}
function tokenSource(hub, apiBase, fetch, now, store) {
    if (hub.tokens)
        return hub.tokens;
    if (hub.oauth)
        return oauthToken({ ...hub.oauth, apiBase, fetch, now, store });
    if (hub.accessToken)
        return staticToken(hub.accessToken);
    return undefined;
}
function upstreamOutcome(result) {
    const out = { latencyMs: result.latencyMs };
    if (result.status !== undefined)
        out.status = result.status;
    if (result.failure)
        out.failure = result.failure;
    return out;
}
/** text/plain or application/json, in UTF-8 if a charset is named. */
function acceptableType(contentType) {
    if (!contentType)
        return false;
    const semi = contentType.indexOf(';');
    const mime = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
    if (mime !== 'text/plain' && mime !== 'application/json')
        return false;
    if (semi < 0)
        return true;
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType.slice(semi));
    return !charset || /^utf-?8$/i.test(charset[1]);
}

const NOT_FOUND = {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: '{"error":"not found"}',
};
/** Wraps a proxy as a Fetch-API handler. Paths that are not the proxy's get 404. */
function createFetchHandler(proxy, options = {}) {
    return async (request) => {
        const url = new URL(request.url);
        const reply = (await proxy.handle({
            method: request.method,
            path: url.pathname,
            header: (name) => request.headers.get(name) ?? (name === 'host' ? url.host : undefined),
            peer: options.clientIp?.(request),
            readBody: (limit) => readLimited(request, limit),
        })) ?? NOT_FOUND;
        const empty = reply.status === 204 || request.method === 'HEAD';
        return new Response(empty ? null : reply.body, { status: reply.status, headers: reply.headers });
    };
}
/** Reads the body as UTF-8, giving up (null) as soon as it passes `limit` bytes. */
async function readLimited(request, limit) {
    const declared = Number(request.headers.get('content-length'));
    if (declared > limit)
        return null;
    if (!request.body)
        return '';
    const reader = request.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        size += value.byteLength;
        if (size > limit) {
            await reader.cancel().catch(() => { });
            return null;
        }
        chunks.push(value);
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
        all.set(c, at);
        at += c.byteLength;
    }
    return new TextDecoder().decode(all);
}

/** Wraps a proxy as a node:http request listener (also usable as Connect/Express middleware). */
function createNodeHandler(proxy) {
    return (req, res, next) => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        proxy
            .handle({
            method: req.method ?? 'GET',
            path: q < 0 ? url : url.slice(0, q),
            header: (name) => {
                const v = req.headers[name];
                return Array.isArray(v) ? v.join(', ') : v;
            },
            peer: req.socket.remoteAddress,
            readBody: (limit) => readBody(req, limit),
        })
            .then((reply) => {
            if (!reply) {
                if (next)
                    return next();
                res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
                res.end('{"error":"not found"}');
                return;
            }
            // An explicit length spares the chunked framing (writeHead fixes the framing at once).
            res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
            res.end(reply.body);
        }, (error) => {
            if (next)
                return next(error);
            if (res.headersSent || res.destroyed)
                return;
            res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
            res.end('{"error":"the request could not be read"}');
        });
    };
}
/** After a 413, this much more of the body is read and thrown away, so that an ordinary
 * client finishes sending and reads the answer; past it the connection is cut. */
const DISCARD_AFTER_LIMIT = 1024 * 1024;
/**
 * The body as UTF-8, or null as soon as it passes `limit` bytes. A body some earlier
 * middleware already read (express.text(), express.json()) is taken from `req.body`.
 */
function readBody(req, limit) {
    const parsed = req.body;
    if (parsed !== undefined && req.readableEnded)
        return Promise.resolve(fromParsed(parsed, limit));
    if (Number(req.headers['content-length']) > limit)
        return Promise.resolve(null);
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        const done = () => {
            req.off('data', onData);
            req.off('end', onEnd);
            req.off('error', onError);
        };
        const onData = (chunk) => {
            size += chunk.length;
            if (size > limit) {
                done();
                chunks.length = 0;
                let discarded = 0;
                req.on('data', (more) => {
                    discarded += more.length;
                    if (discarded > DISCARD_AFTER_LIMIT)
                        req.socket.destroy();
                });
                req.on('error', () => { }); // a cut connection is expected here
                resolve(null);
                return;
            }
            chunks.push(chunk);
        };
        const onEnd = () => {
            done();
            resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
        };
        // A client that goes away mid-body makes Node emit 'error' (ECONNRESET, "aborted").
        const onError = (error) => {
            done();
            reject(error);
        };
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
    });
}
function fromParsed(body, limit) {
    const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
    return Buffer.byteLength(text) > limit ? null : text;
}

function mediaBridgeMiddleware(proxy) {
    const handler = createNodeHandler(proxy);
    return (req, res, next) => handler(req, res, next);
}

function configFromEnv(env) {
    const accessToken = value(env, 'HUBSPOT_ACCESS_TOKEN');
    const oauthVars = ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'HUBSPOT_REFRESH_TOKEN'];
    const oauthSet = oauthVars.filter((name) => value(env, name) !== undefined);
    if (oauthSet.length > 0 && oauthSet.length < oauthVars.length) {
        const missing = oauthVars.filter((name) => !oauthSet.includes(name));
        throw new Error(`OAuth needs ${oauthVars.join(', ')}; missing ${missing.join(', ')}`);
    }
    if (accessToken && oauthSet.length) {
        throw new Error('set either HUBSPOT_ACCESS_TOKEN or the HUBSPOT_CLIENT_ID/SECRET/REFRESH_TOKEN trio, not both');
    }
    const apiBase = value(env, 'HUBSPOT_API_BASE') ?? 'https://api.hubapi.com';
    let base;
    try {
        base = new URL(apiBase);
    }
    catch {
        throw new Error('HUBSPOT_API_BASE must be an http(s) URL');
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
        throw new Error('HUBSPOT_API_BASE must be an http(s) URL');
    const logLevel = (value(env, 'LOG_LEVEL') ?? 'info');
    if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
        throw new Error('LOG_LEVEL must be debug, info, warn or error');
    const retryBase = integer(env, 'HUBSPOT_RETRY_BASE_MS', 1_000, 1);
    const redis = redisConfig(env);
    return {
        port: integer(env, 'PORT', 8787, 0, 65535),
        host: value(env, 'HOST') ?? '127.0.0.1',
        dataDir: value(env, 'MEDIA_BRIDGE_DATA_DIR') ?? './.media-bridge',
        ...(redis ? { redis } : {}),
        logLevel,
        proxy: {
            hubspot: {
                ...(accessToken ? { accessToken } : {}),
                ...(oauthSet.length
                    ? {
                        oauth: {
                            clientId: value(env, 'HUBSPOT_CLIENT_ID'),
                            clientSecret: value(env, 'HUBSPOT_CLIENT_SECRET'),
                            refreshToken: value(env, 'HUBSPOT_REFRESH_TOKEN'),
                        },
                    }
                    : {}),
                apiBase: base.href.replace(/\/+$/, ''),
                rateLimit: integer(env, 'HUBSPOT_RATE_LIMIT', 90, 1),
                timeoutMs: integer(env, 'HUBSPOT_TIMEOUT_MS', 10_000, 1),
                retry: { baseMs: retryBase, rollingPauseMs: retryBase },
            },
            allowedOrigins: (value(env, 'ALLOWED_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
            trustProxy: trustProxy(value(env, 'TRUST_PROXY')),
            clientRateLimit: integer(env, 'CLIENT_RATE_LIMIT', 600, 0),
        },
    };
}
/** REDIS_URL (redis:// or rediss://) switches to the shared queue; MEDIA_BRIDGE_QUEUE names it. */
function redisConfig(env) {
    const raw = value(env, 'REDIS_URL');
    const queue = value(env, 'MEDIA_BRIDGE_QUEUE');
    if (raw === undefined) {
        if (queue !== undefined)
            throw new Error('MEDIA_BRIDGE_QUEUE names a queue in Redis: set REDIS_URL too');
        return undefined;
    }
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new Error('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new Error('REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
    }
    if (!url.hostname)
        throw new Error('REDIS_URL names no host');
    const db = url.pathname.replace(/^\//, '');
    if (db !== '' && !/^\d{1,2}$/.test(db))
        throw new Error('REDIS_URL: the path must be a database number, e.g. /0');
    const name = queue ?? 'media-bridge';
    // BullMQ puts the queue name in its keys, where a colon would read as a separator.
    if (!/^[A-Za-z0-9_.{}-]{1,100}$/.test(name)) {
        throw new Error('MEDIA_BRIDGE_QUEUE must be 1 to 100 letters, digits, or - _ . { }');
    }
    return { url: raw, queue: name };
}
function value(env, name) {
    const v = env[name]?.trim();
    return v ? v : undefined;
}
function integer(env, name, fallback, min, max = Number.MAX_SAFE_INTEGER) {
    const raw = value(env, name);
    if (raw === undefined)
        return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return n;
}
/** Off unless set: "true"/"on"/"yes" mean one proxy in front, a number says how many. */
function trustProxy(raw) {
    if (raw === undefined)
        return 0;
    const v = raw.toLowerCase();
    if (['0', 'false', 'off', 'no'].includes(v))
        return 0;
    if (['1', 'true', 'on', 'yes'].includes(v))
        return 1;
    const n = Number(v);
    if (Number.isInteger(n) && n > 0 && n < 20)
        return n;
    throw new Error('TRUST_PROXY must be off, on, or the number of proxies in front');
}

export { DEFAULT_ORDER_GRACE_MS as D, MemoryOutbox as M, RateBucket as R, TokenRefreshError as T, DEFAULT_KEEP_DELIVERED_MS as a, DEFAULT_KEEP_DEAD_MS as b, createLogger as c, configFromEnv as d, createFetchHandler as e, createMediaBridgeProxy as f, createNodeHandler as g, oauthToken as h, staticToken as i, mediaBridgeMiddleware as m, orderAllows as o, silentLogger as s, validateBody as v };
