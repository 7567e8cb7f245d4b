/**
 * A bounded memory of the latest event ids: answers "seen this id lately?" in O(1) on the
 * ingest path, so a retried beacon is dropped without touching storage. It forgets the
 * oldest ids first; the store's own unique index is what catches duplicates older than that.
 *
 * The ids also sit in a ring, oldest at `next`: evicting by asking a Set for its first value
 * would cost O(deleted) in V8, whose ordered hash tables keep deleted entries as holes to
 * skip until the next rehash, and that grows with every eviction.
 */
export declare class RecentIds {
    private readonly capacity;
    private readonly ids;
    private readonly ring;
    private next;
    constructor(capacity?: number);
    /** Remembers `id`; false when it was already remembered. */
    add(id: string): boolean;
    /** Forgets `id` (its write failed, so a resend must not be taken for a duplicate). */
    delete(id: string): void;
    /** How many ids it remembers now. */
    get size(): number;
}
