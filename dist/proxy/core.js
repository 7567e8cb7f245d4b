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

/** The proxy's answers: what a request is, what an answer is, and the headers every JSON answer has. */
const JSON_HEADERS = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
};
/** A JSON answer. */
function reply(status, body, headers = {}) {
    return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
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
const EVENT_TYPES$1 = new Map([
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
const EVENT_TYPE_NAMES = [...EVENT_TYPES$1.keys()];

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
    const spec = typeof type === 'string' ? EVENT_TYPES$1.get(type) : undefined;
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
 * The HTTP intake: `POST /media-events` (and its preflight) from the origin check to the
 * stored events and the 202. Every refusal is a precise 4xx, counted, told to the listeners
 * and logged (at most REJECTION_LOGS_PER_SECOND lines a second); a store that fails is a 503.
 */
/** Rejections logged per second at most; the metrics count all of them. */
const REJECTION_LOGS_PER_SECOND = 20;
/** The handler of the events route. */
function createIntake(o) {
    const { outbox, hops, metrics, listeners, onListenerError, log, now } = o;
    const policy = originPolicy(o.allowedOrigins);
    const limiter = new ClientLimiter({ perMinute: o.clientRateLimit });
    const storing = new Outage(log, 'storing events', now);
    let rejectionLogs = { second: 0, count: 0 };
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
    /** Stores what is valid; answers 202, or 503 when the store fails. */
    async function store(events, text, at, cors) {
        let fresh;
        try {
            fresh = await outbox.add(events, at, text);
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
                const e = events[i];
                listeners.emit('accepted', { id: e.id, type: e.type, sessionId: e.sessionId, event: e, acceptedAt: at }, onListenerError);
            }
        }
        metrics.inc('media_bridge_events_accepted_total', undefined, stored);
        const duplicates = fresh.length - stored;
        if (duplicates)
            metrics.inc('media_bridge_events_duplicate_total', undefined, duplicates);
        o.onStored(events, fresh, stored);
        return reply(202, duplicates ? { accepted: fresh.length, duplicates } : { accepted: fresh.length }, cors);
    }
    return async function ingest(req) {
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
        const checked = validateBody(parsed.value, at, o.validation);
        if (!checked.ok)
            return reject(400, checked.problems[0].code, 'invalid events', cors, checked.problems);
        if (checked.shortened)
            metrics.inc('media_bridge_fields_shortened_total', undefined, checked.shortened);
        // The body's text is stored as is, unless validation shortened a field of it.
        return store(checked.events, checked.shortened ? undefined : text, at, cors);
    };
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

const METRICS_HEADERS = { ...JSON_HEADERS, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' };
function statusRoutes(s) {
    return async function serve(kind, method) {
        if (method !== 'GET')
            return reply(405, { error: 'use GET' }, { allow: 'GET' });
        try {
            if (kind === 'health')
                return reply(200, await s.health());
            return { status: 200, headers: METRICS_HEADERS, body: await s.renderMetrics() };
        }
        catch (error) {
            const store = s.outbox.connection?.();
            // With a store down (Redis unreachable) the store's own log line says so, once.
            if (!store || store.state === 'ready')
                s.log.error(`answering ${kind} failed`, { error: String(error) });
            if (kind === 'metrics' && store) {
                // Still scrapeable: the counters, and that the store is not connected.
                return { status: 200, headers: METRICS_HEADERS, body: s.metrics.render() };
            }
            return reply(503, { ok: false, error: 'the outbox is unavailable', ...(store ? { store } : {}) });
        }
    };
}

const BACKLOG_MODES = ['fifo', 'priority', 'coalesce'];
const DEFAULT_BACKLOG_AFTER_MS = 30_000;
const DEFAULT_BACKLOG = { mode: 'priority', afterMs: DEFAULT_BACKLOG_AFTER_MS };
const TIER_PLAYED = 0;
const TIER_TOP_QUARTILE = 1;
const TIER_ATTENTION = 2;
const TIER_SUPERSEDED = 3;
/**
 * An event's tier. `percent` is a quartile's `playedPercent`; `sessionTop` the highest
 * quartile of its session accepted before it (undefined when none).
 */
function tierOf(type, percent, sessionTop) {
    if (type === 'media-played')
        return TIER_PLAYED;
    if (type === 'attention-span')
        return TIER_ATTENTION;
    return sessionTop !== undefined && percent !== undefined && percent < sessionTop ? TIER_SUPERSEDED : TIER_TOP_QUARTILE;
}
/** Whether a quartile of `percent` arriving demotes its session's earlier top quartile of `previousTop`. */
function supersedes(percent, previousTop) {
    return previousTop !== undefined && percent > previousTop;
}
/** Whether the queue is in backlog: its oldest event has waited longer than the threshold. */
function inBacklog(policy, oldestPendingAt, now) {
    return policy.mode !== 'fifo' && oldestPendingAt !== undefined && now - oldestPendingAt > policy.afterMs;
}
/** Whether a claimed event is dropped as superseded instead of sent. */
function dropsAsSuperseded(policy, tier, backlog) {
    return backlog && policy.mode === 'coalesce' && tier === TIER_SUPERSEDED;
}
/** Reads HUBSPOT_BACKLOG's value. */
function parseBacklogMode(raw) {
    const v = raw.trim().toLowerCase();
    if (BACKLOG_MODES.includes(v))
        return v;
    throw new Error(`HUBSPOT_BACKLOG must be ${BACKLOG_MODES.join(', ')}`);
}

/** The shortest span a rate is measured over, so a first burst does not read as a huge rate. */
const MIN_RATE_SPAN_MS = 1_000;
function backlogReport(stats, now, policy = DEFAULT_BACKLOG) {
    const delivered = stats.delivered ?? { count: 0, since: now };
    const rate = delivered.count / (Math.max(MIN_RATE_SPAN_MS, now - delivered.since) / 1000);
    const oldestAgeSeconds = stats.oldestPendingAt === undefined ? null : Math.max(0, (now - stats.oldestPendingAt) / 1000);
    return {
        policy: policy.mode,
        afterSeconds: policy.afterMs / 1000,
        active: inBacklog({ ...policy, mode: 'priority' }, stats.oldestPendingAt, now),
        waiting: stats.waiting ?? {},
        oldestAgeSeconds,
        sendRatePerSecond: round(rate),
        drainSeconds: stats.pending === 0 ? 0 : rate > 0 ? round(stats.pending / rate) : null,
        superseded: stats.superseded ?? 0,
    };
}
/** Says once when the projected drain passes `thresholdS`, and once when it is back under. */
class DrainWatch {
    log;
    thresholdS;
    over = false;
    constructor(log, thresholdS = 15 * 60) {
        this.log = log;
        this.thresholdS = thresholdS;
    }
    observe(report) {
        const { drainSeconds } = report;
        if (drainSeconds === null)
            return; // nothing delivered lately (a pause): no projection to judge by
        const fields = { drainSeconds, waiting: report.waiting, sendRatePerSecond: report.sendRatePerSecond, oldestAgeSeconds: report.oldestAgeSeconds };
        if (!this.over && drainSeconds > this.thresholdS) {
            this.over = true;
            this.log.warn(`backlog: the queue will take over ${this.thresholdS / 60} minutes to drain at the current send rate (see docs/capacity.md)`, fields);
        }
        else if (this.over && drainSeconds <= this.thresholdS) {
            this.over = false;
            this.log.info(`backlog: the projected drain is back under ${this.thresholdS / 60} minutes`, fields);
        }
    }
}
function round(n) {
    return Math.round(n * 100) / 100;
}

/**
 * What the proxy says about itself: the /healthz answer, and the gauges of /metrics read
 * from it. Both read the outbox, the forwarder and the catalog as they are now.
 */
function readHealth(s) {
    return async function health() {
        const { outbox, forwarder } = s;
        const at = s.now();
        const [stats, dead] = await Promise.all([outbox.stats(at), outbox.deadLetters(10)]);
        const state = forwarder ? await forwarder.state(at) : { state: 'dry-run' };
        const store = outbox.connection?.();
        const catalog = s.catalog();
        return {
            ok: true,
            dryRun: s.dryRun,
            ...(store ? { store } : {}),
            outbox: {
                pending: stats.pending,
                oldestPendingAgeSeconds: stats.oldestPendingAt === undefined ? null : Math.max(0, (at - stats.oldestPendingAt) / 1000),
                deadLetters: stats.dead,
            },
            backlog: backlogReport(stats, at, outbox.backlogPolicy?.()),
            upstream: {
                state: state.state,
                ...('until' in state ? { until: new Date(state.until).toISOString() } : {}),
                inFlight: forwarder?.inFlightCount ?? 0,
                rateLimit: s.rateLimit,
            },
            deadLetters: dead.map((d) => ({
                id: d.id,
                type: d.type,
                sessionId: d.sessionId,
                ...(d.doneAt !== undefined ? { failedAt: new Date(d.doneAt).toISOString() } : {}),
                attempts: d.attempts,
                ...d.error,
            })),
            mediaObjects: catalog ? catalog.health() : s.mediaObjects === 'create' ? { mode: 'create', state: 'dry-run' } : { mode: 'off' },
        };
    };
}
/** The Prometheus text: the counters, and the gauges read from `health`. */
function renderMetrics(metrics, outbox, health) {
    return async function render() {
        const store = outbox.connection?.();
        if (store)
            metrics.set('media_bridge_store_connected', store.state === 'ready' ? 1 : 0);
        const h = await health();
        metrics.set('media_bridge_outbox_pending', h.outbox.pending);
        metrics.set('media_bridge_outbox_oldest_pending_age_seconds', h.outbox.oldestPendingAgeSeconds ?? 0);
        metrics.set('media_bridge_outbox_dead_letters', h.outbox.deadLetters);
        metrics.setBacklog(h.backlog);
        metrics.set('media_bridge_upstream_in_flight', h.upstream.inFlight);
        metrics.set('media_bridge_upstream_paused', h.upstream.state === 'ok' || h.upstream.state === 'dry-run' ? 0 : 1);
        if ('known' in h.mediaObjects) {
            metrics.set('media_bridge_media_objects_known', h.mediaObjects.known);
            metrics.set('media_bridge_media_objects_failed', h.mediaObjects.failed);
        }
        return metrics.render();
    };
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

const EVENT_TYPES = ['media-played', 'media-played-percent', 'attention-span'];
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
        this.define('media_bridge_outbox_waiting', 'gauge', 'Events waiting to be forwarded, by event type.');
        this.define('media_bridge_outbox_backlog', 'gauge', '1 while the oldest waiting event has waited past HUBSPOT_BACKLOG_AFTER_MS (the backlog order applies).');
        this.define('media_bridge_send_rate_per_second', 'gauge', 'Events delivered per second over the last minute (every instance on a shared store).');
        this.define('media_bridge_outbox_drain_seconds', 'gauge', 'Projected time to send what waits at the current send rate (NaN when nothing was delivered lately).');
        this.define('media_bridge_events_superseded_total', 'counter', 'Quartiles dropped under backlog because a higher one of the same session replaced them (HUBSPOT_BACKLOG=coalesce).');
        this.define('media_bridge_upstream_in_flight', 'gauge', 'Requests to HubSpot in flight.');
        this.define('media_bridge_upstream_paused', 'gauge', '1 while sending is paused (backing off, daily limit, unauthorized).');
        this.define('media_bridge_store_connected', 'gauge', '1 while this instance is connected to its shared store (Redis).', true);
        this.define('media_bridge_media_object_requests_total', 'counter', 'Media-object calls to HubSpot (list, create), by outcome (HTTP status, timeout, network).');
        this.define('media_bridge_media_objects_known', 'gauge', 'Media objects the catalog knows the id of (with HUBSPOT_MEDIA_OBJECTS=create).', true);
        this.define('media_bridge_media_objects_failed', 'gauge', 'Media objects HubSpot refused to create (with HUBSPOT_MEDIA_OBJECTS=create).', true);
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
    /** The backlog gauges, from /healthz's report. */
    setBacklog(b) {
        for (const type of EVENT_TYPES)
            this.set('media_bridge_outbox_waiting', b.waiting[type] ?? 0, { type });
        this.set('media_bridge_outbox_backlog', b.active ? 1 : 0);
        this.set('media_bridge_send_rate_per_second', b.sendRatePerSecond);
        this.set('media_bridge_outbox_drain_seconds', b.drainSeconds ?? NaN);
        this.set('media_bridge_events_superseded_total', b.superseded);
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

function outcomeRecorder({ metrics, listeners, onListenerError, log }) {
    return function recordOutcome(o) {
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
    };
}
function upstreamOutcome(result) {
    const out = { latencyMs: result.latencyMs };
    if (result.status !== undefined)
        out.status = result.status;
    if (result.failure)
        out.failure = result.failure;
    return out;
}

/** A shelf in memory: what a MemoryOutbox, or an outbox that keeps no tokens, gets. */
function memoryShelf() {
    const kept = new Map();
    return {
        keptRefreshToken: (install) => kept.get(install),
        keepRefreshToken: (install, token) => void kept.set(install, token),
    };
}
class LocalTokenStore {
    shelf;
    held = new Map();
    queues = new Map();
    constructor(shelf = memoryShelf()) {
        this.shelf = shelf;
    }
    async read(install) {
        const held = this.held.get(install);
        if (held)
            return { ...held };
        const refreshToken = await this.shelf.keptRefreshToken(install);
        return refreshToken ? { accessToken: '', expiresAt: 0, refreshToken } : undefined;
    }
    /** Held in memory first: should the shelf fail, this process still has the newest. */
    async write(install, tokens) {
        const before = this.held.get(install)?.refreshToken;
        this.held.set(install, { ...tokens });
        if (tokens.refreshToken !== before)
            await this.shelf.keepRefreshToken(install, tokens.refreshToken);
    }
    locked(install, task) {
        const run = (this.queues.get(install) ?? Promise.resolve()).then(task);
        const tail = run.catch(() => { });
        this.queues.set(install, tail);
        void tail.then(() => {
            if (this.queues.get(install) === tail)
                this.queues.delete(install);
        });
        return run;
    }
}

/** How far back `OutboxStats.delivered` looks. */
const DELIVERED_WINDOW_MS = 60_000;
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

const METHODS = ['mediaCatalog', 'mediaObject', 'putMediaObjects', 'removeMediaObjects', 'setMediaListedAt', 'claimMediaObject'];
/** True when `store` implements the whole contract. */
function isPortalStore(store) {
    return typeof store === 'object' && store !== null && METHODS.every((m) => typeof store[m] === 'function');
}
/** The claim rule, shared by the stores that evaluate it in process. */
function mayClaim(record, claim, owner, now) {
    if (record?.objectId !== undefined)
        return false;
    return !claim || claim.owner === owner || claim.until <= now;
}

const keyOf = (mediaType, externalId) => `${mediaType}\u0000${externalId}`;
class MemoryPortalStore {
    objects = new Map();
    claims = new Map();
    listedAt = {};
    mediaCatalog() {
        return { objects: [...this.objects.values()].map(copy), listedAt: { ...this.listedAt } };
    }
    mediaObject(mediaType, externalId) {
        const r = this.objects.get(keyOf(mediaType, externalId));
        return r && copy(r);
    }
    putMediaObjects(records) {
        for (const r of records)
            this.objects.set(keyOf(r.mediaType, r.externalId), copy(r));
    }
    removeMediaObjects(keys) {
        for (const k of keys)
            this.objects.delete(keyOf(k.mediaType, k.externalId));
    }
    setMediaListedAt(mediaType, at) {
        this.listedAt[mediaType] = at;
    }
    claimMediaObject(mediaType, externalId, owner, now, until) {
        const key = keyOf(mediaType, externalId);
        if (!mayClaim(this.objects.get(key), this.claims.get(key), owner, now))
            return false;
        this.claims.set(key, { owner, until });
        return true;
    }
}
function copy(r) {
    return r.error ? { ...r, error: { ...r.error } } : { ...r };
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
    backlog;
    superseded = 0;
    sends = [];
    portal = new MemoryPortalStore();
    tokens = new LocalTokenStore();
    keepDeliveredMs;
    keepDeadMs;
    graceMs;
    constructor(options = {}) {
        this.keepDeliveredMs = options.keepDeliveredMs ?? DEFAULT_KEEP_DELIVERED_MS;
        this.keepDeadMs = options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS;
        this.graceMs = options.orderGraceMs ?? DEFAULT_ORDER_GRACE_MS;
        this.backlog = { ...DEFAULT_BACKLOG, ...options.backlog };
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
                tier: tierOf(event.type),
            };
            if (event.type === 'media-played-percent') {
                const s = this.session(entry.sessionId, now);
                entry.percent = event.playedPercent;
                entry.tier = tierOf(event.type, event.playedPercent, s.top);
                if (supersedes(event.playedPercent, s.top)) {
                    for (const e of this.pending.values())
                        if (e.sessionId === entry.sessionId && e.percent !== undefined && e.percent < event.playedPercent)
                            e.tier = TIER_SUPERSEDED;
                }
                if (s.top === undefined || event.playedPercent > s.top)
                    s.top = event.playedPercent;
            }
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
        const first = this.pending.values().next();
        const backlog = inBacklog(this.backlog, first.done ? undefined : first.value.acceptedAt, now);
        const candidates = backlog ? [...this.pending.values()].sort((a, b) => a.tier - b.tier || a.seq - b.seq) : this.pending.values();
        for (const entry of candidates) {
            if (out.length >= limit)
                break;
            if (this.claimed.has(entry.seq) || entry.notBefore > now)
                continue;
            if (dropsAsSuperseded(this.backlog, entry.tier, backlog)) {
                this.superseded++;
                this.settle(entry.seq, now, 'superseded');
                continue;
            }
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
    stats(now = Date.now()) {
        let dead = 0;
        const delivered = { count: 0, since: now };
        for (const e of this.byId.values()) {
            if (e.status === 'dead')
                dead++;
            if (e.status === 'sent' && e.doneAt > now - DELIVERED_WINDOW_MS) {
                delivered.count++;
                delivered.since = Math.min(delivered.since, e.doneAt);
            }
        }
        const waiting = {};
        for (const e of this.pending.values())
            waiting[e.type] = (waiting[e.type] ?? 0) + 1;
        const first = this.pending.values().next();
        return { pending: this.pending.size, oldestPendingAt: first.done ? undefined : first.value.acceptedAt, dead, waiting, delivered, superseded: this.superseded };
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
            const keep = e.status === 'sent' || e.status === 'superseded' ? this.keepDeliveredMs : e.status === 'dead' ? this.keepDeadMs : Infinity;
            if (e.doneAt !== undefined && now - e.doneAt >= keep)
                this.byId.delete(id);
        }
        for (const [session, s] of this.sessions) {
            if (s.pendingPlayed === 0 && now - s.lastAt >= this.keepDeliveredMs)
                this.sessions.delete(session);
        }
    }
    close() { }
    backlogPolicy() {
        return { ...this.backlog };
    }
    /** OAuth's tokens, in memory (./local-tokens.ts). */
    tokenStore() {
        return this.tokens;
    }
    // The portal store (./portal-store.ts): the media catalog.
    mediaCatalog() {
        return this.portal.mediaCatalog();
    }
    mediaObject(mediaType, externalId) {
        return this.portal.mediaObject(mediaType, externalId);
    }
    putMediaObjects(records) {
        this.portal.putMediaObjects(records);
    }
    removeMediaObjects(keys) {
        this.portal.removeMediaObjects(keys);
    }
    setMediaListedAt(mediaType, at) {
        this.portal.setMediaListedAt(mediaType, at);
    }
    claimMediaObject(mediaType, externalId, owner, now, until) {
        return this.portal.claimMediaObject(mediaType, externalId, owner, now, until);
    }
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
    const { notBefore: _notBefore, tier: _tier, percent: _percent, ...event } = entry;
    return { ...event };
}

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
/** HubSpot's error text is kept and shown; a credential echoed in it must not be. */
function scrubError(error, secrets) {
    const out = { ...error };
    for (const key of ['category', 'message', 'correlationId', 'policyName']) {
        const value = out[key];
        if (value !== undefined)
            out[key] = scrub(value, secrets);
    }
    return out;
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
function postEvent(req) {
    return callHubSpot({ ...req, method: 'POST', url: eventUrl(req.apiBase, req.type) });
}
/** Makes one request and reads its answer; never throws. */
async function callHubSpot(req) {
    const started = req.now();
    try {
        const res = await req.fetch(req.url, {
            method: req.method,
            headers: {
                authorization: `Bearer ${req.token}`,
                ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
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
 * The drain loop: takes events from the outbox and sends them to HubSpot as fast as the
 * upstream gate allows, in the outbox's order, applying the backoff decisions.
 *
 * One "pump" runs at a time. It takes as many slots from the gate as there are free
 * in-flight places, claims that many events, gives back the slots it has no event for, and
 * sends. It is run again when a send settles, when new events arrive (`kick`), and by a
 * timer when it has to wait (a slot coming back, a pause ending, a retry coming due). Every
 * send is tracked until it settles, so `stop()` can let them finish. The gate is this
 * process's own (LocalGate) or the one a shared store gives all instances; pauses go to it,
 * so one instance learning of the daily limit pauses them all. Media-object calls take their
 * slots from the same gate (SharedLimit), and an event whose media object is being made is
 * held aside (`hold`), claimed but without a slot, until the object exists.
 */
class Forwarder {
    o;
    inFlight = new Set();
    /** Claimed events held back by `hold`, oldest first. */
    parked = [];
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
    noting;
    constructor(options) {
        this.o = { maxInFlight: 8, idlePollMs: 1_000, now: Date.now, random: Math.random, ...options };
        this.reading = new Outage(this.o.log, 'forwarder: reading the outbox', this.o.now);
        this.returning = new Outage(this.o.log, 'forwarder: returning rate-limit slots', this.o.now);
        this.noting = new Outage(this.o.log, 'forwarder: noting a send in the store', this.o.now);
    }
    /** Lets the gate learn what was sent before, then drains in the background until `stop()`. */
    async start() {
        await this.restore();
        this.running = true;
        this.kick();
    }
    /** Once: the gate learns what the previous run sent (before anything, events or not, takes a slot). */
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
                if (this.inFlight.size === 0) {
                    if (this.parked.length === 0)
                        break;
                    // Held events go within their hold (a few seconds): look again shortly.
                    await new Promise((r) => setTimeout(r, 50));
                    continue;
                }
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
                await this.returnSlots(slots);
                await this.pauseFor('unauthorized', now + this.o.policy.authPauseMs);
                this.o.log.error('forwarder: no HubSpot access token', { error: String(error.message ?? error) });
                return;
            }
            const unparked = this.unpark(slots.length, now);
            let claimed = [];
            try {
                if (unparked.length < slots.length)
                    claimed = await this.o.outbox.claim(slots.length - unparked.length, now);
            }
            catch (error) {
                this.parked.unshift(...unparked); // still first in line, for the next round
                await this.returnSlots(slots);
                throw error;
            }
            const batch = [...unparked, ...claimed].filter((event) => !this.holdBack(event, now));
            // Whatever happens to the slots left over, the events claimed go out: nothing else would send them.
            await this.returnSlots(slots.slice(batch.length));
            for (let i = 0; i < batch.length; i++) {
                const slot = slots[i];
                try {
                    await gate.begin(slot, this.o.now());
                    this.noting.ok();
                }
                catch (error) {
                    // The gate counts the slot from `take` on; only a restart could forget this send.
                    this.noting.fail(error);
                }
                const send = this.send(batch[i], token, slot).finally(() => {
                    this.inFlight.delete(send);
                    this.kick();
                });
                this.inFlight.add(send);
            }
            if (unparked.length + claimed.length < slots.length)
                return this.wakeAt(now + this.o.idlePollMs);
        }
    }
    /** Gives back slots unused. One that cannot be (its store is down) lapses on its own, later. */
    async returnSlots(slots) {
        try {
            for (const slot of slots)
                await this.o.gate.release(slot);
            if (slots.length)
                this.returning.ok();
        }
        catch (error) {
            this.returning.fail(error);
        }
    }
    /** Parks `event` when `hold` says so; true when parked. */
    holdBack(event, now) {
        const until = this.o.hold?.until(event.event, now) ?? 0;
        if (until <= now)
            return false;
        this.parked.push(event);
        this.wakeAt(until);
        return true;
    }
    /** Up to `limit` parked events whose hold has ended, oldest first. */
    unpark(limit, now) {
        if (this.parked.length === 0)
            return [];
        const out = [];
        const still = [];
        for (const event of this.parked) {
            if (out.length < limit && (this.o.hold?.until(event.event, now) ?? 0) <= now)
                out.push(event);
            else
                still.push(event);
        }
        this.parked = still;
        return out;
    }
    async send(event, token, slot) {
        let wire = event.event;
        try {
            if (this.o.hold)
                wire = this.o.hold.prepare(event.event);
        }
        catch {
            /* sent as stored */
        }
        const result = await postEvent({
            fetch: this.o.fetch,
            apiBase: this.o.apiBase,
            type: event.type,
            body: hubspotBody(wire),
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
    scrubbed(error) {
        return scrubError(error, this.o.tokens.secrets());
    }
    /**
     * Pauses all sending (every instance, with a shared gate) until `until`. The media catalog
     * calls it too, on a 429 to an object call (see SharedLimit).
     */
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

/** HubSpot's rolling window (TEN_SECONDLY_ROLLING), in ms. */
const WINDOW_MS = 10_000;
/** Extra time a slot stays spent after its request completed, in ms (a 40th of a shorter window). */
const HOLD_MARGIN_MS = 250;
/**
 * How long after its request completed a slot comes back: a window plus a margin, in every
 * gate, so that all the requests HubSpot counts in one window held slots at once (see
 * upstream/rate-bucket.ts).
 */
function holdMs(windowMs = WINDOW_MS, marginMs) {
    // A window shortened for a time-scaled run (HUBSPOT_RATE_WINDOW_MS) gets its margin scaled too.
    return windowMs + (marginMs ?? Math.min(HOLD_MARGIN_MS, windowMs / 40));
}
/** A waiter counts as waiting this long after its last `take`: it must ask again within that. */
const WAITER_MS = 2_000;
/** How soon a take that left a slot to a waiter should look again. */
const WAITER_POLL_MS = 50;

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
        this.holdMs = holdMs(options.windowMs, options.marginMs);
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
    /** Named waiters, and until when each counts. */
    waiters = new Map();
    constructor(log, options) {
        this.log = log;
        this.limit = options.limit;
        this.timeoutMs = options.timeoutMs;
        this.bucket = new RateBucket({ limit: options.limit, windowMs: options.windowMs });
    }
    async start(now) {
        const starts = await this.log.sendsSince(now - this.bucket.holdMs - this.timeoutMs);
        this.bucket.restore(starts, this.timeoutMs, now);
    }
    take(wanted, now, waiter) {
        if (waiter !== undefined)
            this.waiters.set(waiter, now + WAITER_MS);
        const pause = this.pausedNow(now);
        if (pause)
            return { slots: [], waitMs: pause.until - now, pause };
        for (const [name, until] of this.waiters)
            if (until <= now)
                this.waiters.delete(name);
        const reserved = waiter === undefined ? this.waiters.size : 0;
        const slots = [];
        while (slots.length < wanted && this.bucket.available(now) > reserved && this.bucket.take(now))
            slots.push(String(++this.next));
        if (waiter !== undefined && slots.length)
            this.waiters.delete(waiter);
        if (slots.length === wanted)
            return { slots, waitMs: 0 };
        // Free slots left to waiters: they take them at once, so look again soon.
        const waitMs = reserved && this.bucket.available(now) > 0 ? WAITER_POLL_MS : this.bucket.nextFreeAt(now) - now;
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

/** Failures kept for /healthz. */
const SHOWN_FAILURES = 10;
function catalogHealth(snapshot, calls, pending) {
    let known = 0;
    let created = 0;
    const failed = [];
    for (const r of snapshot.known.values()) {
        if (r.objectId !== undefined)
            known++;
        if (r.source === 'created')
            created++;
        if (r.source === 'failed')
            failed.push(r);
    }
    const listed = {};
    let listing = false;
    for (const [type, l] of snapshot.listings) {
        if (l.listedAt !== undefined)
            listed[type] = new Date(l.listedAt).toISOString();
        if (l.running)
            listing = true;
    }
    failed.sort((a, b) => b.at - a.at);
    const out = {
        mode: 'create',
        state: calls.stopped ? 'stopped' : listing ? 'listing' : 'ok',
        known,
        created,
        failed: failed.length,
        pending,
        listed,
        failures: failed.slice(0, SHOWN_FAILURES).map((r) => ({ mediaType: r.mediaType, externalId: r.externalId, failedAt: new Date(r.at).toISOString(), ...r.error })),
    };
    if (calls.stopped)
        out.missingScopes = calls.stopped.scopes;
    if (calls.lastError)
        out.lastError = { ...calls.lastError, at: new Date(calls.lastError.at).toISOString() };
    return out;
}

const OBJECTS_PATH = '/media-bridge/2026-09/objects';
/** Objects per listing page. HubSpot's default is 20; 100 is the usual CRM maximum. */
const LIST_PAGE_LIMIT = 100;
/** The canonical URL of a YouTube or Vimeo video, as the tracker sends an embed's `mediaUrl`. */
const EMBEDDED = /^https:\/\/(www\.youtube\.com\/watch\?v=[\w-]+|vimeo\.com\/\d+)$/;
/** The catalog's key of a media: its type and external id. */
function mediaKey(mediaType, externalId) {
    return `${mediaType}\u0000${externalId}`;
}
/**
 * The object to create for the media an event names: its type; the title from `mediaName`,
 * else the file name of `mediaUrl`, else the external id; `oembedUrl` from the canonical URL
 * of a YouTube or Vimeo embed, else `fileUrl` from an http(s) `mediaUrl`; `detailsPageLink`
 * from the first page it was seen on.
 */
function newMediaObject(event, firstPageUrl) {
    const externalId = event.externalId;
    const body = { mediaType: event.mediaType, title: titleOf(event), externalId };
    if (EMBEDDED.test(event.mediaUrl ?? ''))
        body.oembedUrl = event.mediaUrl;
    else if (isHttp(event.mediaUrl))
        body.fileUrl = event.mediaUrl;
    if (isHttp(firstPageUrl))
        body.detailsPageLink = firstPageUrl;
    return body;
}
function titleOf(event) {
    const name = event.mediaName?.trim();
    if (name)
        return name;
    const file = isHttp(event.mediaUrl) ? fileNameOf(event.mediaUrl) : undefined;
    return file ?? event.externalId ?? 'Untitled media';
}
/** The last path segment of a URL, decoded ("intro%20cut.mp4" → "intro cut.mp4"). */
function fileNameOf(url) {
    let path;
    try {
        path = new URL(url).pathname;
    }
    catch {
        return undefined;
    }
    const last = path.split('/').filter(Boolean).pop();
    if (!last)
        return undefined;
    try {
        return decodeURIComponent(last).trim() || undefined;
    }
    catch {
        return last;
    }
}
function isHttp(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url);
}
/** An object id as an event's `mediaBridgeId`: an integer, or undefined when it is not one. */
function mediaBridgeIdOf(objectId) {
    if (!/^\d{1,16}$/.test(objectId))
        return undefined;
    const n = Number(objectId);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
/** A listing page: its objects and the cursor of the next page; undefined when malformed. */
function readListingPage(body) {
    if (!body || typeof body !== 'object')
        return undefined;
    const { results, paging } = body;
    if (!Array.isArray(results))
        return undefined;
    const objects = [];
    for (const r of results) {
        const o = readObject(r);
        if (o)
            objects.push(o);
    }
    const after = paging?.next?.after;
    return typeof after === 'string' && after !== '' ? { objects, after } : { objects };
}
/** A MediaBridgeObject's id, type and external id; undefined when it lacks an id. */
function readObject(body) {
    if (!body || typeof body !== 'object')
        return undefined;
    const b = body;
    const id = typeof b.id === 'number' ? String(b.id) : b.id;
    if (typeof id !== 'string' || id === '' || typeof b.mediaType !== 'string')
        return undefined;
    const o = { id, mediaType: b.mediaType };
    if (typeof b.externalId === 'string' && b.externalId !== '')
        o.externalId = b.externalId;
    return o;
}
/**
 * The scopes a 403 says are missing: HubSpot's `context.missingScopes` (or an error
 * detail's), else the scopes the call needs.
 */
function missingScopes(call, result) {
    const found = new Set();
    const collect = (context) => {
        const scopes = context?.missingScopes;
        if (Array.isArray(scopes))
            for (const s of scopes)
                if (typeof s === 'string' && /^[\w.-]{1,64}$/.test(s))
                    found.add(s);
    };
    const body = result.body;
    if (body && typeof body === 'object') {
        collect(body.context);
        if (Array.isArray(body.errors))
            for (const e of body.errors)
                collect(e?.context);
    }
    if (found.size)
        return [...found];
    return call === 'list' ? ['media_bridge.read'] : ['files', 'media_bridge.write'];
}

/** `GET /media-bridge/2026-09/objects/{mediaType}?limit=…&after=…`: one page. */
function listMediaObjects(req, mediaType, after, limit = LIST_PAGE_LIMIT) {
    const url = new URL(`${req.apiBase.replace(/\/+$/, '')}${OBJECTS_PATH}/${encodeURIComponent(mediaType)}`);
    url.searchParams.set('limit', String(limit));
    if (after !== undefined)
        url.searchParams.set('after', after);
    return callHubSpot({ ...req, method: 'GET', url: url.href });
}
/** `POST /media-bridge/2026-09/objects`. */
function createMediaObject(req, object) {
    return callHubSpot({ ...req, method: 'POST', url: `${req.apiBase.replace(/\/+$/, '')}${OBJECTS_PATH}`, body: JSON.stringify(object) });
}

/** A waiting request asks the gate again at least this often (it stays a waiter for WAITER_MS). */
const MAX_WAIT_MS = 1_000;
function sharedLimit(o) {
    const pollMs = o.pollMs ?? 50;
    const name = `objects-${Math.random().toString(36).slice(2, 10)}`;
    let waiting = 0;
    let calls = 0;
    return {
        get waiting() {
            return waiting;
        },
        async acquire(signal) {
            await o.upstream.restore();
            const waiter = `${name}-${++calls}`;
            let slot;
            waiting++;
            try {
                while (slot === undefined) {
                    signal.throwIfAborted();
                    const admission = await o.gate.take(1, o.now(), waiter);
                    slot = admission.slots[0];
                    if (slot === undefined)
                        await sleep(admission.waitMs === Infinity ? pollMs : Math.min(Math.max(admission.waitMs, 1), MAX_WAIT_MS), signal);
                }
            }
            finally {
                waiting--;
            }
            try {
                await o.gate.begin(slot, o.now());
            }
            catch (error) {
                await Promise.resolve(o.gate.release(slot)).catch(() => { });
                throw error;
            }
            finally {
                o.upstream.kick(); // events may have left this slot free for it: they look again
            }
            return slot;
        },
        async release(slot) {
            try {
                await o.gate.complete(slot, o.now());
            }
            catch {
                // A slot that cannot be returned (its store is down) lapses on its own, later.
            }
            o.upstream.kick();
        },
        pause(reason, until) {
            return o.upstream.pauseFor(reason === 'daily_limit' ? 'daily-limit' : 'backing-off', until);
        },
    };
}
/** Resolves after `ms`, or rejects at once when `signal` aborts. */
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(done, Math.max(0, ms));
        timer.unref?.();
        function done() {
            signal?.removeEventListener('abort', abort);
            resolve();
        }
        function abort() {
            clearTimeout(timer);
            reject(signal.reason);
        }
        signal?.addEventListener('abort', abort, { once: true });
    });
}

/** A creation claim lasts this long, renewed at each attempt. */
const CLAIM_MS = 60_000;
/** How often to look whether another proxy's creation has landed. */
const CLAIM_POLL_MS = 1_000;
/** Creates `p`'s object, unless another proxy holds the claim (then waits for its result). */
async function createObject(p, c) {
    const claim = async () => {
        for (;;) {
            const now = c.now();
            if (await c.store.claimMediaObject(p.mediaType, p.externalId, c.owner, now, now + CLAIM_MS))
                return true;
            const r = await c.store.mediaObject(p.mediaType, p.externalId);
            if (r?.objectId !== undefined) {
                await c.snapshot.learn([r]);
                return false;
            }
            await sleep(CLAIM_POLL_MS, c.signal);
        }
    };
    const outcome = await c.calls.call('create', p.mediaType, (req) => createMediaObject(req, newMediaObject(p.event, p.pageUrl)), claim);
    if (outcome.kind === 'stopped')
        return;
    const made = outcome.kind === 'ok' ? readObject(outcome.result.body) : undefined;
    if (made) {
        await c.snapshot.learn([{ mediaType: p.mediaType, externalId: p.externalId, objectId: made.id, source: 'created', at: c.now() }]);
        c.log.info('media catalog: created a media object', { mediaType: p.mediaType, externalId: p.externalId, objectId: made.id });
        return;
    }
    const error = outcome.kind === 'refused' ? outcome.error : { status: outcome.result.status, message: 'the answer carries no object id' };
    const at = c.now();
    c.calls.fail({ call: 'create', mediaType: p.mediaType, externalId: p.externalId, at, ...error });
    c.log.warn('media catalog: HubSpot refused to create a media object; its events go on without mediaBridgeId', { mediaType: p.mediaType, externalId: p.externalId, ...error });
    await c.snapshot.learn([{ mediaType: p.mediaType, externalId: p.externalId, source: 'failed', at, error }]);
}

/** A stale listing looks in the store again first, unless it was read this recently. */
const STORE_LOOK_MS = 60_000;
class CatalogListing {
    snapshot;
    calls;
    o;
    constructor(snapshot, calls, o) {
        this.snapshot = snapshot;
        this.calls = calls;
        this.o = o;
    }
    /** Resolves true once `type` has a listing younger than `refreshMs`, reading it if needed. */
    async fresh(type) {
        await this.snapshot.load();
        const l = this.snapshot.listing(type);
        if (this.listedLately(l))
            return true;
        if (l.refusedAt !== undefined && this.o.now() - l.refusedAt < this.o.refreshMs)
            return false;
        l.running ??= this.relist(type, l).finally(() => (l.running = undefined));
        return l.running;
    }
    listedLately(l) {
        return l.listedAt !== undefined && this.o.now() - l.listedAt < this.o.refreshMs;
    }
    /** Lists `type` again, unless the store shows a proxy sharing it did lately. */
    async relist(type, l) {
        if (this.o.now() - this.snapshot.readAt >= STORE_LOOK_MS) {
            await this.snapshot.readStore();
            if (this.listedLately(l))
                return true;
        }
        return this.list(type);
    }
    /** Reads every page of `type`'s listing into the catalog. */
    async list(type) {
        const { snapshot, calls } = this;
        const startedAt = this.o.now();
        const seen = new Set();
        let after;
        let limit = LIST_PAGE_LIMIT;
        for (let page = 1;; page++) {
            const outcome = await calls.call('list', type, (req) => listMediaObjects(req, type, after, limit));
            if (outcome.kind === 'stopped')
                return false;
            const read = outcome.kind === 'ok' ? readListingPage(outcome.result.body) : undefined;
            if (!read) {
                // Refused, or not a listing. HubSpot documents no maximum page size: try its default once.
                if (outcome.kind === 'refused' && limit !== 20) {
                    limit = 20;
                    page--;
                    continue;
                }
                const error = outcome.kind === 'refused' ? outcome.error : { status: outcome.result.status, message: 'the listing answer is not a page of objects' };
                calls.fail({ call: 'list', mediaType: type, at: this.o.now(), ...error });
                this.o.log.warn('media catalog: HubSpot refused the listing; no object of this type will be created', { mediaType: type, ...error });
                snapshot.listing(type).refusedAt = this.o.now();
                return false;
            }
            const records = [];
            for (const o of read.objects) {
                if (o.externalId === undefined || o.mediaType !== type)
                    continue;
                const key = mediaKey(type, o.externalId);
                if (seen.has(key))
                    continue; // two objects with one external id: the first listed wins
                seen.add(key);
                const mine = snapshot.known.get(key);
                records.push({ mediaType: type, externalId: o.externalId, objectId: o.id, source: mine?.objectId === o.id ? mine.source : 'listed', at: this.o.now() });
            }
            await snapshot.learn(records);
            this.o.log.debug('media catalog: read a listing page', { mediaType: type, page, objects: read.objects.length });
            if (read.after === undefined)
                break;
            after = read.after;
        }
        // Objects gone from HubSpot since they were learned are forgotten (not ones learned during this listing).
        const gone = [...snapshot.known.values()].filter((r) => r.mediaType === type && r.objectId !== undefined && r.at < startedAt && !seen.has(mediaKey(r.mediaType, r.externalId)));
        await snapshot.listed(type, this.o.now(), gone);
        this.o.log.info('media catalog: listed', { mediaType: type, objects: seen.size, forgotten: gone.length });
        return true;
    }
}

class CatalogSnapshot {
    store;
    log;
    now;
    onLearned;
    /** Every record, by `mediaKey`. */
    known = new Map();
    listings = new Map();
    /** When the store's catalog was last read. */
    readAt = -Infinity;
    loaded;
    constructor(store, log, now, 
    /** Told after records were learned and written, so their waiting events can go. */
    onLearned) {
        this.store = store;
        this.log = log;
        this.now = now;
        this.onLearned = onLearned;
    }
    /** Reads the store once, the first time anything needs the catalog. */
    load() {
        this.loaded ??= this.readStore();
        return this.loaded;
    }
    /** Takes in what the store holds: this proxy's catalog of a previous run, or what proxies sharing the store learned. */
    async readStore() {
        this.readAt = this.now();
        try {
            const snapshot = await this.store.mediaCatalog();
            for (const r of snapshot.objects) {
                const key = mediaKey(r.mediaType, r.externalId);
                const mine = this.known.get(key);
                if (!mine || mine.at <= r.at)
                    this.known.set(key, r);
            }
            for (const [type, at] of Object.entries(snapshot.listedAt)) {
                const l = this.listing(type);
                if (l.listedAt === undefined || l.listedAt < at)
                    l.listedAt = at;
            }
        }
        catch (error) {
            this.log.error('media catalog: reading the kept catalog failed; listing again', { error: String(error) });
        }
    }
    listing(type) {
        let l = this.listings.get(type);
        if (!l)
            this.listings.set(type, (l = {}));
        return l;
    }
    /** The media's `mediaBridgeId`, when its object is known. */
    idOf(key) {
        const objectId = this.known.get(key)?.objectId;
        return objectId === undefined ? undefined : mediaBridgeIdOf(objectId);
    }
    /** Adds records to the catalog and the store, and lets their waiting events go. */
    async learn(records) {
        if (!records.length)
            return;
        for (const r of records)
            this.known.set(mediaKey(r.mediaType, r.externalId), r);
        await this.keep(() => this.store.putMediaObjects(records));
        this.onLearned(records);
    }
    /** A complete listing of `type` ended at `listedAt`; `gone` are the objects it no longer has. */
    async listed(type, listedAt, gone) {
        for (const r of gone)
            this.known.delete(mediaKey(r.mediaType, r.externalId));
        this.listing(type).listedAt = listedAt;
        await this.keep(async () => {
            if (gone.length)
                await this.store.removeMediaObjects(gone);
            await this.store.setMediaListedAt(type, listedAt);
        });
    }
    /** A store write: a failure is logged, and the catalog in memory goes on. */
    async keep(write) {
        try {
            await write();
        }
        catch (error) {
            this.log.error('media catalog: writing to the store failed', { error: String(error) });
        }
    }
}

/** Object calls at once: few, so events keep most of the limit. */
const MAX_OBJECT_CALLS = 2;
class ObjectCalls {
    o;
    /** Set by a 403: object calls are off until restart. */
    stopped;
    lastError;
    rateLimitStreak = 0;
    calls = 0;
    callQueue = [];
    constructor(o) {
        this.o = o;
    }
    /**
     * One call, retried until it is answered for good. `beforeEach`, before every attempt,
     * may end it (`stopped`) by resolving false.
     */
    async call(call, mediaType, send, beforeEach) {
        const { policy, tokens, limit, signal } = this.o;
        for (let attempts = 0;; attempts++) {
            if (this.stopped || signal.aborted)
                return { kind: 'stopped' };
            if (beforeEach && !(await beforeEach()))
                return { kind: 'stopped' };
            await this.callSlot();
            let result;
            let token;
            try {
                try {
                    token = await tokens.get();
                }
                catch (error) {
                    this.o.log.error('media catalog: no HubSpot access token', { error: String(error.message ?? error) });
                    await sleep(policy.authPauseMs, signal);
                    continue;
                }
                const slot = await limit.acquire(signal);
                try {
                    result = await send({ fetch: this.o.fetch, apiBase: this.o.apiBase, token, timeoutMs: this.o.timeoutMs, now: this.o.now });
                }
                finally {
                    await limit.release(slot);
                }
            }
            finally {
                this.releaseSlot();
            }
            this.o.onCall?.(call, String(result.status ?? result.failure));
            const now = this.o.now();
            const decision = decide(result, { now, attempts, rateLimitStreak: this.rateLimitStreak, policy, random: this.o.random });
            if (decision.kind === 'delivered') {
                this.rateLimitStreak = 0;
                return { kind: 'ok', result };
            }
            const error = scrubError(decision.error, tokens.secrets());
            switch (decision.kind) {
                case 'dead':
                    return { kind: 'refused', error };
                case 'pause':
                    // The limit is the app's, so events pause too; `acquire` waits the pause out.
                    if (decision.reason === 'rate_limited')
                        this.rateLimitStreak++;
                    await limit.pause(decision.reason, decision.until);
                    break;
                case 'retry':
                    this.fail({ call, mediaType, at: now, ...error });
                    await sleep(decision.at - now, signal);
                    break;
                case 'unauthorized':
                    if (result.status === 403) {
                        this.stop(call, mediaType, result, error);
                        return { kind: 'stopped' };
                    }
                    if (!tokens.rejected(token))
                        await sleep(policy.authPauseMs, signal);
                    break;
            }
        }
    }
    /** The latest failure, for /healthz. */
    fail(failure) {
        this.lastError = failure;
    }
    /** A 403: the app lacks a scope. Logged once; object calls end until restart, events go on. */
    stop(call, mediaType, result, error) {
        if (this.stopped)
            return;
        const scopes = missingScopes(call, result);
        this.stopped = { call, scopes };
        this.fail({ call, mediaType, at: this.o.now(), ...error });
        this.o.log.error(`media catalog: HubSpot refused to ${call === 'list' ? 'list' : 'create'} media objects (403): the app lacks the ${scopes.join(' and ')} scope${scopes.length > 1 ? 's' : ''}. ` +
            'Media objects are off until restart; events are forwarded without mediaBridgeId. Add the scope to the app and install it again (media-bridge-proxy authorize --media-objects).', { status: result.status, missingScopes: scopes, ...error });
        this.o.onStop();
    }
    callSlot() {
        if (this.calls < MAX_OBJECT_CALLS) {
            this.calls++;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.callQueue.push(resolve));
    }
    releaseSlot() {
        const next = this.callQueue.shift();
        if (next)
            next();
        else
            this.calls--;
    }
}

/** How long a media's events wait for its object, from the first of them. */
const DEFAULT_OBJECT_WAIT_MS = 5_000;
/** How old a media type's listing may be before it is read again. */
const DEFAULT_CATALOG_REFRESH_MS = 24 * 3600_000;
/** The types the tracker reports, listed at start-up. */
const EAGER_TYPES = ['VIDEO', 'AUDIO'];
class MediaCatalog {
    o;
    pending = new Map();
    abort = new AbortController();
    tasks = new Set();
    /** Names this process in creation claims. */
    owner = `p-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
    snapshot;
    calls;
    listing;
    refreshTimer;
    constructor(options) {
        const o = (this.o = {
            now: Date.now,
            random: Math.random,
            ...options,
            waitMs: options.waitMs ?? DEFAULT_OBJECT_WAIT_MS,
            refreshMs: options.refreshMs ?? DEFAULT_CATALOG_REFRESH_MS,
        });
        this.snapshot = new CatalogSnapshot(o.store, o.log, o.now, (records) => this.learned(records));
        this.calls = new ObjectCalls({ ...o, signal: this.abort.signal, onStop: () => this.settleAll() });
        this.listing = new CatalogListing(this.snapshot, this.calls, o);
    }
    /** Reads the kept catalog, lists what is stale, and looks again hourly. */
    start() {
        for (const type of EAGER_TYPES)
            this.track(this.listing.fresh(type));
        this.refreshTimer = setInterval(() => {
            for (const [type, l] of this.snapshot.listings)
                if (l.listedAt !== undefined)
                    this.track(this.listing.fresh(type));
        }, Math.min(this.o.refreshMs, 3600_000));
        this.refreshTimer.unref?.();
    }
    /** An event was accepted: start finding or creating its media's object now. */
    notice(event) {
        if (this.calls.stopped || this.abort.signal.aborted || event.mediaBridgeId !== undefined || !event.externalId)
            return;
        const key = mediaKey(event.mediaType, event.externalId);
        const waiting = this.pending.get(key);
        if (waiting) {
            waiting.pageUrl ??= event.pageUrl;
            if (waiting.event.mediaName === undefined && event.mediaName !== undefined)
                waiting.event = { ...waiting.event, mediaName: event.mediaName };
            if (waiting.event.mediaUrl === undefined && event.mediaUrl !== undefined)
                waiting.event = { ...waiting.event, mediaUrl: event.mediaUrl };
            return;
        }
        const now = this.o.now();
        if (this.settledFor(this.snapshot.known.get(key), now))
            return;
        const p = { key, mediaType: event.mediaType, externalId: event.externalId, event, pageUrl: event.pageUrl, deadline: now + this.o.waitMs, settled: false };
        this.pending.set(key, p);
        this.track(this.findOrCreate(p));
    }
    /**
     * Until when the forwarder holds `event` back: while its media's object is being found or
     * made, at most `waitMs` after that media's first event; 0 when it may go now.
     */
    holdUntil(event, now) {
        if (event.mediaBridgeId !== undefined || !event.externalId)
            return 0;
        const key = mediaKey(event.mediaType, event.externalId);
        if (this.snapshot.idOf(key) !== undefined)
            return 0;
        this.notice(event); // an event stored before a restart
        const p = this.pending.get(key);
        return p && p.deadline > now ? p.deadline : 0;
    }
    /** The event as it goes to HubSpot: with its media's `mediaBridgeId` when the catalog has it. */
    withMediaBridgeId(event) {
        if (event.mediaBridgeId !== undefined || !event.externalId)
            return event;
        const id = this.snapshot.idOf(mediaKey(event.mediaType, event.externalId));
        return id === undefined ? event : { ...event, mediaBridgeId: id };
    }
    health() {
        return catalogHealth(this.snapshot, this.calls, this.pending.size);
    }
    /** Stops calling HubSpot, lets the waiting events go, and waits for the calls in flight. */
    async close() {
        clearInterval(this.refreshTimer);
        this.abort.abort(new Error('the media catalog is closed'));
        this.settleAll();
        while (this.tasks.size)
            await Promise.allSettled([...this.tasks]);
    }
    /** True when nothing is to be done for this record now: the object exists, or HubSpot refused it lately. */
    settledFor(r, now) {
        return r?.objectId !== undefined || (r?.source === 'failed' && now - r.at < this.o.refreshMs);
    }
    async findOrCreate(p) {
        try {
            const listed = await this.listing.fresh(p.mediaType);
            if (!listed || p.settled || this.settledFor(this.snapshot.known.get(p.key), this.o.now()))
                return;
            await createObject(p, { ...this.o, snapshot: this.snapshot, calls: this.calls, owner: this.owner, signal: this.abort.signal });
        }
        finally {
            this.settle(p);
        }
    }
    /** Records were learned: the events of those that have an object may go. */
    learned(records) {
        for (const r of records) {
            const p = this.pending.get(mediaKey(r.mediaType, r.externalId));
            if (p && r.objectId !== undefined)
                this.settle(p);
        }
    }
    settle(p) {
        if (p.settled)
            return;
        p.settled = true;
        if (this.pending.get(p.key) === p)
            this.pending.delete(p.key);
        this.o.onReady?.();
    }
    settleAll() {
        for (const p of this.pending.values())
            this.settle(p);
    }
    /** Runs a background task to its end; an abort at close is not an error. */
    track(task) {
        const tracked = task
            .catch((error) => {
            if (!this.abort.signal.aborted)
                this.o.log.error('media catalog: a task failed', { error: String(error) });
        })
            .finally(() => this.tasks.delete(tracked));
        this.tasks.add(tracked);
    }
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
/** The token endpoint of an API base. */
function tokenUrl(apiBase, path = '/oauth/v3/token') {
    return `${apiBase.replace(/\/+$/, '')}${path}`;
}
/**
 * One form-encoded POST to the token endpoint (v3 keeps secrets out of URLs). Resolves with
 * the status and the JSON answer; rejects only when no answer came.
 */
async function postTokenForm(url, form, fetch, timeoutMs = 10_000) {
    let res;
    try {
        res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: new URLSearchParams(form).toString(),
            signal: AbortSignal.timeout(timeoutMs),
            redirect: 'error',
        });
    }
    catch {
        throw new TokenRefreshError('the token endpoint could not be reached');
    }
    const json = (await res.json().catch(() => undefined));
    return { status: res.status, ok: res.ok, json: json && typeof json === 'object' ? json : undefined };
}
/**
 * The install a refresh token belongs to: a SHA-256 fingerprint of the client id and the
 * configured refresh token. A new token in the environment (the app installed again) is a
 * new install, so it is used as given instead of an old one's rotation kept in the store.
 */
async function installOf(clientId, configuredRefreshToken) {
    // WebCrypto: in Node 20, Workers, Deno and Bun alike.
    const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${clientId}\n${configuredRefreshToken}`));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
/**
 * An OAuth access token, refreshed before it expires; concurrent callers share one refresh.
 *
 * A refresh takes the store's lock, uses the tokens kept there if another instance has just
 * refreshed, and otherwise presents, in turn, the refresh token kept in the store, the one
 * this process last had, and the configured one, moving on only when HubSpot refuses one
 * (a 4xx: spent, or revoked). What HubSpot answers is kept in the store, rotated refresh
 * token included, before the lock is let go.
 */
function oauthToken(options) {
    const now = options.now ?? Date.now;
    const early = options.refreshEarlyMs ?? 5 * 60_000;
    const url = tokenUrl(options.apiBase, options.tokenPath);
    const store = options.store ?? new LocalTokenStore();
    let install;
    let refreshToken = options.refreshToken;
    let access;
    let refreshing;
    let lastForcedAt = -Infinity;
    /** The token HubSpot last refused: a store may still hold it, and it must not be used again. */
    let refused;
    const usable = (t) => t.accessToken !== '' && t.accessToken !== refused && now() < t.expiresAt - early;
    function adopt(t) {
        refreshToken = t.refreshToken;
        access = { token: t.accessToken, expiresAt: t.expiresAt };
        return t.accessToken;
    }
    async function refresh() {
        const id = await (install ??= installOf(options.clientId, options.refreshToken));
        const kept = await readKept(id);
        if (kept && usable(kept))
            return adopt(kept);
        return adopt(await store.locked(id, async () => {
            const latest = await readKept(id);
            if (latest && usable(latest))
                return latest; // another instance refreshed meanwhile
            const fresh = await grantFrom([latest?.refreshToken, refreshToken, options.refreshToken]);
            try {
                await store.write(id, fresh);
            }
            catch (error) {
                options.onKeepError?.(error);
            }
            return fresh;
        }));
    }
    async function readKept(id) {
        try {
            return await store.read(id);
        }
        catch (error) {
            options.onKeepError?.(error);
            return undefined;
        }
    }
    /** Tries each distinct candidate in turn until HubSpot takes one. */
    async function grantFrom(candidates) {
        const tried = new Set();
        let refusal;
        for (const candidate of candidates) {
            if (!candidate || tried.has(candidate))
                continue;
            tried.add(candidate);
            try {
                return await grant(candidate);
            }
            catch (error) {
                const status = error instanceof TokenRefreshError ? error.status : undefined;
                if (status === undefined || status < 400 || status >= 500)
                    throw error;
                refusal = error;
            }
        }
        throw refusal ?? new TokenRefreshError('no refresh token to present');
    }
    async function grant(refreshWith) {
        const form = { grant_type: 'refresh_token', client_id: options.clientId, client_secret: options.clientSecret, refresh_token: refreshWith };
        const answer = await postTokenForm(url, form, options.fetch, options.timeoutMs);
        const { json } = answer;
        if (!answer.ok || !json)
            throw new TokenRefreshError(`the token endpoint answered ${answer.status}`, answer.status);
        const token = json.access_token ?? json.accessToken;
        const expiresIn = Number(json.expires_in ?? json.expiresIn);
        if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
            throw new TokenRefreshError('the token endpoint answered without an access token', answer.status);
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
        secrets: () => [options.clientSecret, options.refreshToken, ...(refreshToken !== options.refreshToken ? [refreshToken] : []), ...(access ? [access.token] : [])],
    };
}

const PRUNE_EVERY_MS = 10 * 60_000;
/** How often the projected drain is checked against its 15 minutes. */
const WATCH_EVERY_MS = 10_000;
function createMediaBridgeProxy(options = {}) {
    const parts = baseParts(options);
    const { outbox, log, now } = parts;
    const gate = buildGate(parts);
    let catalog;
    const forwarder = buildForwarder(parts, gate, () => catalog);
    catalog = forwarder && buildCatalog(parts, gate, forwarder);
    const forwarding = forwarder !== undefined && options.forward !== false;
    if (forwarding)
        forwarder.start().catch((error) => log.error('the forwarder could not start', { error: String(error) }));
    const pruneTimer = startPruning(outbox, log, now);
    const ingest = createIntake({
        ...parts,
        allowedOrigins: options.allowedOrigins,
        hops: options.trustProxy === true ? 1 : Number(options.trustProxy || 0),
        clientRateLimit: options.clientRateLimit ?? 600,
        validation: options.validation,
        onStored(events, fresh, stored) {
            if (catalog)
                for (let i = 0; i < fresh.length; i++)
                    if (fresh[i])
                        catalog.notice(events[i]);
            if (stored && forwarding)
                forwarder.kick();
        },
    });
    const health = readHealth({ ...parts, forwarder, catalog: () => catalog, mediaObjects: options.mediaObjects, dryRun: !parts.tokens });
    const metrics = renderMetrics(parts.metrics, outbox, health);
    const watchTimer = forwarding ? startDrainWatch(health, log) : undefined;
    const serve = statusRoutes({ ...parts, health, renderMetrics: metrics });
    const paths = {
        events: options.paths?.events ?? '/media-events',
        health: options.paths?.health ?? '/healthz',
        metrics: options.paths?.metrics ?? '/metrics',
    };
    return {
        dryRun: !parts.tokens,
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
        on: (name, listener) => parts.listeners.on(name, listener),
        health,
        metrics,
        recent: async (limit = 50) => outbox.recent(limit),
        forwardPending: async () => {
            await forwarder?.drain();
        },
        async close() {
            clearInterval(pruneTimer);
            clearInterval(watchTimer);
            await catalog?.close(); // first: events waiting for an object go at once
            await forwarder?.stop();
            await outbox.close();
        },
    };
}
function baseParts(options) {
    const now = options.now ?? Date.now;
    const hub = options.hubspot ?? {};
    const apiBase = hub.apiBase ?? DEFAULT_API_BASE;
    const fetch = hub.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const outbox = options.outbox ?? new MemoryOutbox();
    const { tokens, log } = buildTokenSource(options, { hub, apiBase, fetch, outbox, now });
    return {
        options,
        hub,
        now,
        apiBase,
        fetch,
        rateLimit: hub.rateLimit ?? 90,
        timeoutMs: hub.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        outbox,
        tokens,
        log,
        metrics: new Metrics(),
        listeners: new Listeners(),
        onListenerError: (error) => log.error('a proxy listener threw', { error: String(error) }),
    };
}
/** The token source (none: a dry run), and the logger that scrubs its secrets. */
function buildTokenSource(options, p) {
    const { hub, outbox, now } = p;
    // OAuth's tokens live in the outbox's store when it can keep them.
    const store = outbox.tokenStore?.() ?? new LocalTokenStore();
    const onKeepError = (error) => log.error('keeping the rotated refresh token failed; it is used anyway', { error: String(error) });
    let tokens;
    if (hub.tokens)
        tokens = hub.tokens;
    else if (hub.oauth)
        tokens = oauthToken({ ...hub.oauth, apiBase: p.apiBase, fetch: p.fetch, now, store, onKeepError });
    else if (hub.accessToken)
        tokens = staticToken(hub.accessToken);
    const log = options.logger ?? createLogger({ level: options.logLevel, secrets: () => tokens?.secrets() ?? [], now });
    if (!outbox.tokenStore && hub.oauth)
        log.warn('this outbox keeps no OAuth tokens (Outbox.tokenStore): a refresh token HubSpot rotates is kept only in memory');
    return { tokens, log };
}
/**
 * Events and media-object calls go through one gate: one rate window, one send log, the
 * same pauses. A store shared by several instances gives them one; otherwise this process has its own.
 */
function buildGate({ outbox, rateLimit: limit, timeoutMs, options }) {
    const windowMs = options.hubspot?.rateWindowMs;
    return outbox.sharedGate?.({ limit, timeoutMs, windowMs }) ?? new LocalGate(outbox, { limit, timeoutMs, windowMs });
}
/** The forwarder, unless the proxy runs dry. With media objects on, events wait for their object. */
function buildForwarder(p, gate, catalog) {
    if (!p.tokens)
        return undefined;
    return new Forwarder({
        outbox: p.outbox,
        tokens: p.tokens,
        gate,
        fetch: p.fetch,
        apiBase: p.apiBase,
        timeoutMs: p.timeoutMs,
        maxInFlight: p.hub.maxInFlight ?? 8,
        policy: retryPolicy(p.hub),
        log: p.log,
        now: p.now,
        onOutcome: outcomeRecorder(p),
        hold: p.options.mediaObjects === 'create' ? { until: (e, at) => catalog()?.holdUntil(e, at) ?? 0, prepare: (e) => catalog()?.withMediaBridgeId(e) ?? e } : undefined,
    });
}
/** With media objects on: the catalog, kept in the outbox's store when it is a PortalStore, and started. */
function buildCatalog(p, gate, forwarder) {
    if (p.options.mediaObjects !== 'create' || !p.tokens)
        return undefined;
    const portal = isPortalStore(p.outbox) ? p.outbox : new MemoryPortalStore();
    if (portal !== p.outbox)
        p.log.warn('this outbox does not implement PortalStore: the media catalog is kept only in memory and listed again at each start');
    const catalog = new MediaCatalog({
        store: portal,
        tokens: p.tokens,
        limit: sharedLimit({ gate, upstream: forwarder, now: p.now }),
        fetch: p.fetch,
        apiBase: p.apiBase,
        timeoutMs: p.timeoutMs,
        policy: retryPolicy(p.hub),
        log: p.log,
        now: p.now,
        waitMs: p.options.mediaObjectWaitMs,
        refreshMs: p.options.mediaCatalogRefreshMs,
        onCall: (call, outcome) => p.metrics.inc('media_bridge_media_object_requests_total', { call, outcome }),
        onReady: () => forwarder.kick(),
    });
    catalog.start();
    return catalog;
}
function retryPolicy(hub) {
    return { ...DEFAULT_RETRY_POLICY, ...hub.retry };
}
/** Prunes the outbox now, then every PRUNE_EVERY_MS; the timer does not keep the process alive. */
function startPruning(outbox, log, now) {
    void Promise.resolve()
        .then(() => outbox.prune(now()))
        .catch(() => { });
    const timer = setInterval(() => {
        void Promise.resolve()
            .then(() => outbox.prune(now()))
            .catch((error) => log.error('pruning the outbox failed', { error: String(error) }));
    }, PRUNE_EVERY_MS);
    timer.unref?.();
    return timer;
}
/** Logs once when the projected drain passes 15 minutes, and once when it is back under (backlog-report.ts). */
function startDrainWatch(health, log) {
    const watch = new DrainWatch(log);
    const timer = setInterval(() => void health().then((h) => watch.observe(h.backlog), () => { }), WATCH_EVERY_MS);
    timer.unref?.();
    return timer;
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

/**
 * Every environment variable the server reads, in the order `--help` lists them. configFromEnv
 * reads a variable only through this table, its default included, so `--help`
 * (`serverHelp`) cannot leave one out or state another default.
 */
const SERVER_VARIABLES = {
    PORT: { fallback: '8787', about: 'port to listen on (0: any free one)' },
    HOST: { fallback: '127.0.0.1', about: 'address to listen on' },
    HUBSPOT_ACCESS_TOKEN: { about: 'a private-app or other static token; with no credentials at all, a dry run' },
    HUBSPOT_CLIENT_ID: { about: 'OAuth instead of a token: the app\'s client id (all three, or none)' },
    HUBSPOT_CLIENT_SECRET: { about: 'OAuth: the app\'s client secret' },
    HUBSPOT_REFRESH_TOKEN: { about: 'OAuth: the refresh token `media-bridge-proxy authorize` prints' },
    HUBSPOT_MEDIA_OBJECTS: { fallback: 'off', about: 'create: keep the portal\'s media objects, create the missing ones' },
    HUBSPOT_API_BASE: { fallback: 'https://api.hubapi.com', about: 'HubSpot\'s API base URL' },
    HUBSPOT_RATE_LIMIT: { fallback: '90', about: 'requests to HubSpot per window (HUBSPOT_RATE_WINDOW_MS)' },
    HUBSPOT_RATE_WINDOW_MS: { fallback: '10000', about: 'the window the rate limit counts in: HubSpot\'s 10 s (shorter only for a time-scaled simulation)' },
    HUBSPOT_TIMEOUT_MS: { fallback: '10000', about: 'how long one request to HubSpot may take before it is retried' },
    HUBSPOT_RETRY_BASE_MS: { fallback: '1000', about: 'first retry delay after a failure, and first pause after a 429' },
    HUBSPOT_BACKLOG: { fallback: 'priority', about: 'the order under backlog: priority, coalesce (drops superseded quartiles) or fifo (docs/capacity.md)' },
    HUBSPOT_BACKLOG_AFTER_MS: { fallback: String(DEFAULT_BACKLOG_AFTER_MS), about: 'how long the oldest event waits before the queue is in backlog' },
    ALLOWED_ORIGINS: { about: 'comma-separated origins allowed to post; unset: the same origin only' },
    TRUST_PROXY: { fallback: 'off', about: 'on, or the number of proxies in front: read X-Forwarded-For and -Host' },
    CLIENT_RATE_LIMIT: { fallback: '600', about: 'ingest requests per minute per client IP; 0 turns it off' },
    MEDIA_BRIDGE_DATA_DIR: { fallback: './.media-bridge', about: 'directory of the SQLite outbox (unused with REDIS_URL)' },
    REDIS_URL: { about: 'redis:// or rediss:// URL: keep the outbox in Redis, shared by every instance' },
    MEDIA_BRIDGE_QUEUE: { fallback: 'media-bridge', about: 'the queue\'s name in Redis (with REDIS_URL)' },
    LOG_LEVEL: { fallback: 'info', about: 'debug, info, warn or error' },
};
/** `media-bridge-proxy --help`: the commands, then every variable of SERVER_VARIABLES. */
function serverHelp() {
    const rows = Object.entries(SERVER_VARIABLES).map(([name, v]) => [name, v.fallback ?? '-', v.about]);
    const width = (i) => Math.max(...rows.map((r) => r[i].length));
    const [nameWidth, fallbackWidth] = [width(0), width(1)];
    const lines = rows.map(([name, fallback, about]) => `  ${name.padEnd(nameWidth)}  ${fallback.padEnd(fallbackWidth)}  ${about}`);
    return `Usage: media-bridge-proxy              the proxy server, configured by the environment below
       media-bridge-proxy authorize    HubSpot's OAuth install flow: gets the refresh token (--help for more)
       media-bridge-proxy --help       this text

Environment (name, default, meaning):
${lines.join('\n')}

Settings in full: docs/proxy.md in the package; several instances on Redis: docs/redis.md.
`;
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
    const apiBase = httpBase(env, 'HUBSPOT_API_BASE', fallback('HUBSPOT_API_BASE'));
    const logLevel = text(env, 'LOG_LEVEL');
    if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
        throw new Error('LOG_LEVEL must be debug, info, warn or error');
    const retryBase = integer(env, 'HUBSPOT_RETRY_BASE_MS', 1);
    const mediaObjects = text(env, 'HUBSPOT_MEDIA_OBJECTS').toLowerCase();
    if (mediaObjects !== 'off' && mediaObjects !== 'create')
        throw new Error('HUBSPOT_MEDIA_OBJECTS must be off or create');
    const redis = redisConfig(env);
    return {
        port: integer(env, 'PORT', 0, 65535),
        host: text(env, 'HOST'),
        dataDir: text(env, 'MEDIA_BRIDGE_DATA_DIR'),
        ...(redis ? { redis } : {}),
        logLevel,
        // The backlog's settings (docs/capacity.md).
        backlog: {
            mode: parseBacklogMode(text(env, 'HUBSPOT_BACKLOG')),
            afterMs: integer(env, 'HUBSPOT_BACKLOG_AFTER_MS', 1),
        },
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
                apiBase,
                rateLimit: integer(env, 'HUBSPOT_RATE_LIMIT', 1),
                rateWindowMs: integer(env, 'HUBSPOT_RATE_WINDOW_MS', 10),
                timeoutMs: integer(env, 'HUBSPOT_TIMEOUT_MS', 1),
                retry: { baseMs: retryBase, rollingPauseMs: retryBase },
            },
            allowedOrigins: (value(env, 'ALLOWED_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
            trustProxy: trustProxy(text(env, 'TRUST_PROXY')),
            clientRateLimit: integer(env, 'CLIENT_RATE_LIMIT', 0),
            mediaObjects,
        },
    };
}
/** An http(s) base URL from `name`, without its trailing slashes. */
function httpBase(env, name, otherwise) {
    let url;
    try {
        url = new URL(env[name]?.trim() || otherwise);
    }
    catch {
        throw new Error(`${name} must be an http(s) URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new Error(`${name} must be an http(s) URL`);
    return url.href.replace(/\/+$/, '');
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
    const name = queue ?? fallback('MEDIA_BRIDGE_QUEUE');
    // BullMQ puts the queue name in its keys, where a colon would read as a separator.
    if (!/^[A-Za-z0-9_.{}-]{1,100}$/.test(name)) {
        throw new Error('MEDIA_BRIDGE_QUEUE must be 1 to 100 letters, digits, or - _ . { }');
    }
    return { url: raw, queue: name };
}
/** The variable's value, trimmed; undefined when unset or blank. */
function value(env, name) {
    const v = env[name]?.trim();
    return v ? v : undefined;
}
/** The variable's default, as SERVER_VARIABLES states it. */
function fallback(name) {
    const v = SERVER_VARIABLES[name];
    if (v.fallback === undefined)
        throw new Error(`${name} has no default`);
    return v.fallback;
}
/** The variable's value, or its default. */
function text(env, name) {
    return value(env, name) ?? fallback(name);
}
function integer(env, name, min, max = Number.MAX_SAFE_INTEGER) {
    const n = Number(text(env, name));
    if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return n;
}
/** Off unless set: "true"/"on"/"yes" mean one proxy in front, a number says how many. */
function trustProxy(raw) {
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

export { mediaBridgeMiddleware as A, oauthToken as B, serverHelp as C, DEFAULT_ORDER_GRACE_MS as D, silentLogger as E, staticToken as F, validateBody as G, LocalTokenStore as L, MemoryOutbox as M, SERVER_VARIABLES as S, TIER_TOP_QUARTILE as T, WAITER_MS as W, holdMs as a, WAITER_POLL_MS as b, createLogger as c, DEFAULT_KEEP_DELIVERED_MS as d, DEFAULT_KEEP_DEAD_MS as e, DEFAULT_BACKLOG as f, TIER_SUPERSEDED as g, httpBase as h, tierOf as i, dropsAsSuperseded as j, inBacklog as k, DELIVERED_WINDOW_MS as l, mayClaim as m, supersedes as n, orderAllows as o, postTokenForm as p, MemoryPortalStore as q, TokenRefreshError as r, scrub as s, tokenUrl as t, configFromEnv as u, createFetchHandler as v, createMediaBridgeProxy as w, createNodeHandler as x, installOf as y, isPortalStore as z };
