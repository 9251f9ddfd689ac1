import type { RoomActor, RoomRegistry } from '../plugins/rooms.ts';
import type { RoomLocation } from '../signaling/signaling-context.ts';
import type { ClusterSeats } from './cluster-seats.ts';
import type { RedisLink } from './redis-link.ts';

/** Timings of room leases (docs/scaling.md). */
export interface LeaseTimings {
  /** How long a room's owner key lives unless renewed. */
  leaseMs: number;
  /** How long a room's seats stay in Redis unless rewritten: a held seat must outlive its owner. */
  seatsMs: number;
}

/** The default lease: renewed every second, so a dead owner is noticed within 3 s at the latest. */
export const defaultLeaseMs = 3_000;

interface OwnershipLog {
  warn(object: object, message: string): void;
}

/** The seats of a room as Redis keeps them. */
interface SeatsRecord {
  capacity: number;
  peers: string[];
  /** When the owner wrote them, ms since the epoch. */
  at: number;
}

function parseSeats(text: string): SeatsRecord | undefined {
  try {
    const value = JSON.parse(text) as SeatsRecord;
    return Array.isArray(value.peers) && value.peers.every((peer) => typeof peer === 'string') && Number.isFinite(value.at) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which instance owns which room. Every room this instance runs has a lease in Redis, renewed
 * every `leaseMs / 3` together with its seats; a room that ends is deleted from Redis. A room
 * whose owner died is claimed (compare-and-set on the dead owner) by the first instance a
 * returning seat reaches; a lease found taken by another instance means this one lost the room.
 */
export class RoomOwnership {
  private renewal: NodeJS.Timeout | undefined;
  private handingOver = false;

  constructor(
    private readonly link: RedisLink,
    private readonly rooms: RoomRegistry,
    private readonly seats: ClusterSeats,
    private readonly timings: LeaseTimings,
    private readonly log: OwnershipLog,
    /** Another instance owns `roomId` now: this one must let go of it. */
    private readonly lost: (roomId: string, room: RoomActor) => void,
  ) {
    rooms.watch((roomId, room) => this.watch(roomId, room));
  }

  /** Starts renewing the leases of every room of this instance. */
  start(): void {
    this.renewal = setInterval(() => {
      for (const [roomId, room] of this.rooms.entries()) this.write(roomId, room);
    }, Math.max(1, Math.floor(this.timings.leaseMs / 3)));
  }

  /**
   * Hands every room of this instance over (shutdown): renewals stop and the leases are
   * dropped, the seats kept, so clients that resume elsewhere take their rooms over at once.
   */
  async handOver(): Promise<void> {
    clearInterval(this.renewal);
    this.handingOver = true;
    const releases = [...this.rooms.entries()].map(([roomId]) => this.link.release(roomId, true).catch(() => undefined));
    await Promise.all(releases);
  }

  async claimNew(roomId: string, capacity: number, peerId: string): Promise<boolean> {
    const seats = JSON.stringify({ capacity, peers: [peerId], at: Date.now() } satisfies SeatsRecord);
    return this.link.hold(roomId, this.timings.leaseMs, seats, this.timings.seatsMs).catch(() => false);
  }

  async locate(roomId: string, mayClaim: boolean): Promise<RoomLocation> {
    try {
      // A few rounds at most: each lost compare-and-set means another instance just moved.
      for (let round = 0; round < 3; round++) {
        const owner = await this.link.ownerOf(roomId);
        const mine = owner === this.link.instanceId;
        if (owner !== null && !mine && (await this.link.alive(owner))) return { kind: 'owner', instance: owner };
        if (!mayClaim) return { kind: 'none' };
        const claim = await this.link.claim(roomId, owner ?? '', this.timings.leaseMs);
        if (claim.outcome === 'none') return { kind: 'none' };
        if (claim.outcome === 'owner') continue;
        const record = parseSeats(claim.value);
        if (record === undefined) return { kind: 'none' };
        // Taken over again by this instance (a second returning seat): the first window stands.
        if (!mine || this.rooms.get(roomId) === undefined) this.seats.tookOver(roomId, record.peers, record.at, Date.now());
        return { kind: 'claimed' };
      }
      return { kind: 'none' };
    } catch {
      return { kind: 'unavailable' };
    }
  }

  release(roomId: string): void {
    this.seats.forget(roomId);
    this.link.release(roomId).catch(() => undefined);
  }

  private watch(roomId: string, room: RoomActor): void {
    let peers = '';
    room.subscribe({
      next: (snapshot) => {
        const now = snapshot.context.members.map((member) => member.peerId).join(',');
        if (now === peers || snapshot.status !== 'active') return;
        peers = now;
        this.write(roomId, room);
      },
      complete: () => {
        if (!this.handingOver && this.rooms.get(roomId) === undefined) this.release(roomId);
      },
    });
  }

  /** Renews the lease of `roomId` with its seats now, and the seats that may still come back. */
  private write(roomId: string, room: RoomActor): void {
    const { capacity, members } = room.getSnapshot().context;
    const present = members.map((member) => member.peerId);
    const awaited = this.seats.awaited(roomId, Date.now()).filter((peer) => !present.includes(peer));
    const seats = JSON.stringify({ capacity, peers: [...present, ...awaited], at: Date.now() } satisfies SeatsRecord);
    if (this.handingOver) return;
    this.link.hold(roomId, this.timings.leaseMs, seats, this.timings.seatsMs).then(
      (held) => {
        if (held || this.rooms.get(roomId) !== room) return;
        this.log.warn({ room: roomId.slice(0, 8) }, 'another instance took this room over');
        this.lost(roomId, room);
      },
      () => undefined,
    );
  }
}
