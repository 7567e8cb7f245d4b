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

export { DEFAULT_ORDER_GRACE_MS as D, MemoryOutbox as M, DEFAULT_KEEP_DELIVERED_MS as a, DEFAULT_KEEP_DEAD_MS as b };
