/** What one client address holds and has spent; dropped once it holds and owes nothing. */
interface AddressEntry {
  sockets: number;
  /** Room creations left in the bucket, refilled at `roomsPerMinute`. */
  creates: number;
  updatedAt: number;
  /** When a refusal of this address was last logged (`-Infinity`: never). */
  refusalLoggedAt: number;
}

/** The per-address limits an `AddressBook` keeps. */
export interface AddressLimits {
  maxSocketsPerIp: number;
  roomsPerMinute: number;
}

/** How long one address's refusals stay quiet in the log after one was logged. */
const refusalLogQuietMs = 60_000;

/**
 * Per client address: open sockets and a token bucket of room creations (docs/protocol.md, Limits
 * at the edge). Pure: the caller passes the time. Entries are dropped by `sweep` once their
 * address holds no socket and its bucket is full, so a flood of addresses leaves nothing behind.
 */
export class AddressBook {
  private readonly entries = new Map<string, AddressEntry>();

  constructor(private readonly limits: AddressLimits) {}

  /** Whether `address` may open one more socket. */
  hasRoom(address: string): boolean {
    return (this.entries.get(address)?.sockets ?? 0) < this.limits.maxSocketsPerIp;
  }

  /** Counts a socket opened by `address`. */
  open(address: string, now: number): void {
    this.entry(address, now).sockets++;
  }

  /** Counts a socket of `address` closed. */
  close(address: string): void {
    const entry = this.entries.get(address);
    if (entry !== undefined) entry.sockets = Math.max(0, entry.sockets - 1);
  }

  /** Takes one room creation from `address`'s bucket; false when it is empty. */
  takeCreate(address: string, now: number): boolean {
    const entry = this.entry(address, now);
    const perMs = this.limits.roomsPerMinute / 60_000;
    entry.creates = Math.min(this.limits.roomsPerMinute, entry.creates + (now - entry.updatedAt) * perMs);
    entry.updatedAt = now;
    if (entry.creates < 1) return false;
    entry.creates -= 1;
    return true;
  }

  /**
   * Whether a refusal of `address` should be logged now: the first one is, then none for a
   * minute, so a flood of refused attempts writes one line, not thousands.
   */
  shouldLogRefusal(address: string, now: number): boolean {
    const entry = this.entry(address, now);
    if (now - entry.refusalLoggedAt < refusalLogQuietMs) return false;
    entry.refusalLoggedAt = now;
    return true;
  }

  /** Forgets addresses that hold no socket, have a full bucket and no recent logged refusal. */
  sweep(now: number): void {
    const perMs = this.limits.roomsPerMinute / 60_000;
    for (const [address, entry] of this.entries) {
      const refilled = entry.creates + (now - entry.updatedAt) * perMs >= this.limits.roomsPerMinute;
      if (entry.sockets === 0 && refilled && now - entry.refusalLoggedAt >= refusalLogQuietMs) this.entries.delete(address);
    }
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.entries.size;
  }

  private entry(address: string, now: number): AddressEntry {
    let entry = this.entries.get(address);
    if (entry === undefined) {
      entry = { sockets: 0, creates: this.limits.roomsPerMinute, updatedAt: now, refusalLoggedAt: -Infinity };
      this.entries.set(address, entry);
    }
    return entry;
  }
}
