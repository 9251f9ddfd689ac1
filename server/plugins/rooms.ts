import fp from 'fastify-plugin';
import { createActor, type InspectionEvent } from 'xstate';
import { roomMachine, type RoomEmitted, type RoomInput } from '../../machines/room-machine.ts';
import { RoomHost, type RoomActor, type RoomState } from '../room-host.ts';
import { ids } from '../ids.ts';
import type { ServerConfig } from '../config.ts';

export type { RoomActor } from '../room-host.ts';

/** Carries out what a room emits; `room` is the actor that emitted it. */
export type RoomSink = (event: RoomEmitted, room: RoomActor) => void;

/** How room ids appear in logs at info level: a prefix too short to join with. */
export function roomLabel(roomId: string): string {
  return roomId.slice(0, 8);
}

interface RoomLog {
  debug(object: object, message: string): void;
}

/**
 * The live rooms by id. A room is added when created and removed as soon as its actor reaches
 * the final state, so a lookup never finds a closed room.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, RoomActor>();
  private readonly machine: typeof roomMachine;
  private inspect: ((event: InspectionEvent) => void) | undefined;
  private readonly watchers: ((roomId: string, room: RoomActor) => void)[] = [];
  private queued = 0;
  /** Seats resumed and held seats expired since the server started, for /metrics. */
  readonly counts = { resumes: 0, graceExpiries: 0 };

  constructor(
    config: Pick<ServerConfig, 'resumeGraceMs'>,
    private readonly log: RoomLog,
  ) {
    this.machine = roomMachine.provide({ delays: { resumeGrace: config.resumeGraceMs } });
  }

  /**
   * Starts a room with its creator; everything the room emits, from its first event on, goes
   * to `sink`. A new room gets a fresh id; a room re-established after a restart (`restored`)
   * keeps the id it had. Rooms run in a `RoomHost`; while rooms are inspected, in an xstate
   * actor, whose inspection stream the inspector reads.
   */
  create(input: Omit<RoomInput, 'roomId'> & { roomId?: string }, sink: RoomSink): RoomActor {
    const roomId = input.roomId ?? ids.room();
    const room = this.inspect === undefined ? new RoomHost(this.machine, { ...input, roomId }, sink) : this.inspectedRoom({ ...input, roomId }, sink);
    this.rooms.set(roomId, room);
    room.subscribe(new RoomAccount(this, roomId));
    this.log.debug({ room: roomLabel(roomId), capacity: input.capacity }, 'room created');
    for (const watcher of this.watchers) watcher(roomId, room);
    room.start();
    return room;
  }

  private inspectedRoom(input: RoomInput, sink: RoomSink): RoomActor {
    const room = createActor(this.machine, { input, inspect: this.inspect });
    room.on('*', (event) => sink(event, room));
    return room;
  }

  /** Makes rooms created from now on inspectable (the development flag INSPECT_ROOMS). */
  observe(inspect: (event: InspectionEvent) => void): void {
    this.inspect = inspect;
  }

  /** Calls `watcher` with every room created from now on, before it starts (cluster mode keeps them in Redis). */
  watch(watcher: (roomId: string, room: RoomActor) => void): void {
    this.watchers.push(watcher);
  }

  /** The live rooms with their ids. */
  entries(): IterableIterator<[string, RoomActor]> {
    return this.rooms.entries();
  }

  /** A room's held-seat queues grew (or shrank) by `bytes` (its `RoomAccount` says so). */
  addQueued(bytes: number): void {
    this.queued += bytes;
  }

  /** Forgets room `roomId` once it has ended (its `RoomAccount` says so). */
  ended(roomId: string): void {
    this.rooms.delete(roomId);
    this.log.debug({ room: roomLabel(roomId) }, 'room closed');
  }

  /** Stops room `roomId` and forgets it at once (another instance of a cluster took it over). */
  evict(roomId: string): void {
    const room = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    room?.stop();
  }

  /** The live room named `roomId`; any other string (malformed ones too) finds nothing. */
  get(roomId: string): RoomActor | undefined {
    return this.rooms.get(roomId);
  }

  /** How many rooms are live. */
  get size(): number {
    return this.rooms.size;
  }

  /** Bytes queued for held seats across every room (bounded by HELD_QUEUE_BYTES). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Seats held for a lost peer across every room. */
  heldCount(): number {
    let held = 0;
    for (const room of this.rooms.values()) for (const member of room.getSnapshot().context.members) if (member.connection === null) held++;
    return held;
  }

  /** Seats taken across every room, held seats of lost peers included. */
  memberCount(): number {
    let members = 0;
    for (const room of this.rooms.values()) members += room.getSnapshot().context.members.length;
    return members;
  }

  /** Stops every room (and with it every pending grace timer); used on shutdown. */
  stopAll(): void {
    for (const room of this.rooms.values()) room.stop();
    this.rooms.clear();
  }
}

/**
 * Keeps the registry's counts in step with one room: the bytes it queues for held seats, and
 * whether each held seat was resumed or expired; forgets the room once it ended. A class, so a
 * room costs one small object here instead of two closures and their scope.
 */
class RoomAccount {
  private queued = 0;
  private held: string[] = [];

  constructor(
    private readonly registry: RoomRegistry,
    private readonly roomId: string,
  ) {}

  next(state: RoomState): void {
    const { members } = state.context;
    let now = 0;
    for (const member of members) now += member.queuedBytes;
    this.registry.addQueued(now - this.queued);
    this.queued = now;
    // A held seat leaves the held state either resumed (still a member) or expired (gone).
    for (const peerId of this.held) {
      const member = members.find((candidate) => candidate.peerId === peerId);
      if (member === undefined) this.registry.counts.graceExpiries++;
      else if (member.connection !== null) this.registry.counts.resumes++;
    }
    this.held = members.filter((member) => member.connection === null).map((member) => member.peerId);
  }

  complete(): void {
    this.registry.addQueued(-this.queued);
    this.queued = 0;
    this.registry.ended(this.roomId);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The live rooms of this server. */
    rooms: RoomRegistry;
  }
}

/** Holds the room registry; stops every room when the app closes. */
export const roomsPlugin = fp(
  async (app) => {
    const registry = new RoomRegistry(app.config, app.log);
    app.decorate('rooms', registry);
    app.addHook('onClose', async () => registry.stopAll());
  },
  { name: 'parley-rooms', dependencies: ['parley-config'] },
);
