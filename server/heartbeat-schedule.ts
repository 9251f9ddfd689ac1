/**
 * Spreads a periodic task over an interval: every member is due once per round of `slices`
 * ticks, and members are dealt round-robin into the slices, so each tick handles about
 * 1/`slices` of them. The heartbeat uses it so 20,000 sockets are not pinged in one tick (a
 * stall of hundreds of milliseconds every interval). Pure: the caller runs the ticks.
 */
export class HeartbeatSchedule<T> {
  private readonly slices: Array<Set<T>>;
  private readonly sliceOf = new Map<T, Set<T>>();
  private dealt = 0;
  private tick = 0;

  constructor(slices: number) {
    this.slices = Array.from({ length: slices }, () => new Set<T>());
  }

  /** Adds `member`; it is first due within one round. */
  add(member: T): void {
    const slice = this.slices[this.dealt++ % this.slices.length]!;
    slice.add(member);
    this.sliceOf.set(member, slice);
  }

  /** Removes `member`; it is never due again. */
  delete(member: T): void {
    this.sliceOf.get(member)?.delete(member);
    this.sliceOf.delete(member);
  }

  /** The members due at this tick (a live set: iterate over a copy to delete while handling it). */
  next(): ReadonlySet<T> {
    return this.slices[this.tick++ % this.slices.length]!;
  }

  /** How many members are scheduled. */
  get size(): number {
    return this.sliceOf.size;
  }
}
