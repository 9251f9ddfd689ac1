/**
 * A fixed-size list that keeps the newest items: pushing past `capacity` overwrites the
 * oldest one. Pushing costs the same however long the call runs, and memory stays bounded.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  readonly #items: T[] = [];
  #next = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Adds an item, dropping the oldest when full. */
  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    this.#dropped += 1;
  }

  /** How many items were overwritten since the buffer was created or cleared. */
  get dropped(): number {
    return this.#dropped;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The items, oldest first (a copy). */
  toArray(): T[] {
    return [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }

  clear(): void {
    this.#items.length = 0;
    this.#next = 0;
    this.#dropped = 0;
  }
}
