/**
 * Spreads a periodic task over an interval: every member is due once per round of `slices`
 * ticks, and members are dealt round-robin into the slices, so each tick handles about
 * 1/`slices` of them. The heartbeat uses it so 20,000 sockets are not pinged in one tick (a
 * stall of hundreds of milliseconds every interval). Each member carries a value (the
 * heartbeat's state of a socket), kept in its slice: one map entry per member, no index beside
 * it (finding a member asks each slice, a handful of hash lookups). Pure: the caller runs the ticks.
 */
export class HeartbeatSchedule<T, V> {
  private readonly slices: Array<Map<T, V>>;
  private dealt = 0;
  private tick = 0;

  constructor(slices: number) {
    this.slices = Array.from({ length: slices }, () => new Map<T, V>());
  }

  /** Adds `member` with `value`; it is first due within one round. */
  add(member: T, value: V): void {
    this.slices[this.dealt++ % this.slices.length]!.set(member, value);
  }

  /** The value of `member`, while it is scheduled. */
  get(member: T): V | undefined {
    for (const slice of this.slices) {
      const value = slice.get(member);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Removes `member`; it is never due again. */
  delete(member: T): void {
    for (const slice of this.slices) if (slice.delete(member)) return;
  }

  /** The members due at this tick with their values (live: iterate over a copy to delete while handling it). */
  next(): ReadonlyMap<T, V> {
    return this.slices[this.tick++ % this.slices.length]!;
  }

  /** How many members are scheduled. */
  get size(): number {
    let size = 0;
    for (const slice of this.slices) size += slice.size;
    return size;
  }
}
