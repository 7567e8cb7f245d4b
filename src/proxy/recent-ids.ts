/**
 * A bounded memory of the latest event ids: answers "seen this id lately?" in O(1) on the
 * ingest path, so a retried beacon is dropped without touching storage. It forgets the
 * oldest ids first; the store's own unique index is what catches duplicates older than that.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** Remembers `id`; false when it was already remembered. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order, so its first value is the oldest.
      this.ids.delete(this.ids.values().next().value as string);
    }
    return true;
  }

  /** Forgets `id` (its write failed, so a resend must not be taken for a duplicate). */
  delete(id: string): void {
    this.ids.delete(id);
  }
}
