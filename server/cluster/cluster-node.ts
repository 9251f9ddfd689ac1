import { closeCodes } from '../../protocol/limits.ts';
import type { ClientMessage } from '../../protocol/messages.ts';
import type { RoomActor } from '../plugins/rooms.ts';
import { frames, type Connection } from '../signaling/connection.ts';
import type { ClusterRouting, RoomLocation, SignalingContext } from '../signaling/signaling-context.ts';
import type { ClusterParts } from './cluster-plugin.ts';
import { RemoteSockets } from './remote-sockets.ts';
import { defaultLeaseMs, RoomOwnership } from './room-ownership.ts';

/** How often an instance checks that the instances it exchanges sockets with are alive. */
const peerCheckMs = 1_000;

interface NodeLog {
  warn(object: object, message: string): void;
}

/**
 * One instance of a cluster, as the signaling endpoint sees it: room ownership in Redis
 * (room-ownership.ts) and sockets piped between instances (remote-sockets.ts).
 */
export class ClusterNode implements ClusterRouting {
  private readonly ownership: RoomOwnership;
  private readonly remote: RemoteSockets;
  private readonly checks: NodeJS.Timeout;

  constructor(parts: ClusterParts, private readonly context: SignalingContext, log: NodeLog) {
    const { config, rooms } = context;
    const timings = { leaseMs: defaultLeaseMs, seatsMs: config.resumeGraceMs + defaultLeaseMs };
    this.ownership = new RoomOwnership(parts.link, rooms, parts.seats, timings, log, (roomId, room) => this.letGo(roomId, room));
    this.remote = new RemoteSockets(parts.link, context, config.rateLimit);
    parts.onMessage = (message) => this.remote.receive(message);
    this.ownership.start();
    this.checks = setInterval(() => void this.remote.checkPeers(), peerCheckMs);
  }

  claimNew(roomId: string, capacity: number, peerId: string): Promise<boolean> {
    return this.ownership.claimNew(roomId, capacity, peerId);
  }

  locate(roomId: string, mayClaim: boolean): Promise<RoomLocation> {
    return this.ownership.locate(roomId, mayClaim);
  }

  pipe(connection: Connection, instance: string): void {
    this.remote.pipe(connection, instance);
  }

  forward(connection: Connection, message: ClientMessage, size: number): void {
    this.remote.forward(connection, message, size);
  }

  ended(connection: Connection, code: number): void {
    this.remote.ended(connection, code);
  }

  release(roomId: string): void {
    this.ownership.release(roomId);
  }

  /** Shutdown: stops the checks and hands every room over before the sockets are told. */
  async handOver(): Promise<void> {
    clearInterval(this.checks);
    await this.ownership.handOver();
  }

  /** Another instance took `roomId` over: its sockets here resume there (1012). */
  private letGo(roomId: string, room: RoomActor): void {
    const { sessions, rooms } = this.context;
    for (const member of room.getSnapshot().context.members) {
      const connection = member.connection === null ? undefined : sessions.connections.get(member.connection);
      if (connection === undefined) continue;
      connection.room = undefined;
      sessions.send(connection, frames.shuttingDown);
      sessions.end(connection, closeCodes.serviceRestart, 'lost');
    }
    rooms.evict(roomId);
  }
}
