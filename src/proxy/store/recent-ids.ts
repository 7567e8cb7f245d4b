/**
 * A bounded memory of the latest event ids: answers "seen this id lately?" in O(1) on the
 * ingest path, so a retried beacon is dropped without touching storage. It forgets the
 * oldest ids first; the store's own unique index is what catches duplicates older than that.
 *
 * The ids also sit in a ring, oldest at `next`: evicting by asking a Set for its first value
 * would cost O(deleted) in V8, whose ordered hash tables keep deleted entries as holes to
 * skip until the next rehash, and that grows with every eviction.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(private readonly capacity = 100_000) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Remembers `id`; false when it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    // The slot's id is the oldest: forget it. (If it was deleted and added again since, it is
    // forgotten a little early; the store's unique index still catches that duplicate.)
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }

  /** Forgets `id` (its write failed, so a resend must not be taken for a duplicate). */
  delete(id: string): void {
    this.ids.delete(id);
  }

  /** How many ids it remembers now. */
  get size(): number {
    return this.ids.size;
  }
}
