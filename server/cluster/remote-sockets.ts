import type { ClientMessage } from '../../protocol/messages.ts';
import { closeCodes } from '../../protocol/limits.ts';
import { RateLimiter } from '../rate-limiter.ts';
import type { RateLimitConfig } from '../config.ts';
import { frames, type ClientSocket, type Connection } from '../signaling/connection.ts';
import type { SignalingContext } from '../signaling/signaling-context.ts';
import type { RedisLink } from './redis-link.ts';

/**
 * What instances tell each other about sockets, on the receiver's channel. From the instance
 * that holds a socket to the owner of its room: a client message (`msg`), the socket's close
 * (`end`). Back: a frame to send (`frame`), a close the owner decided (`close`).
 */
type Wire =
  | { k: 'msg'; c: string; i: string; a: string; m: ClientMessage; s: number }
  | { k: 'end'; c: string; code: number; e: 'leave' | 'lost' | null }
  | { k: 'frame'; c: string; f: string }
  | { k: 'close'; c: string; code: number }
  /** From an owner to a holder: which of these sockets do you still hold? Answered with `end` for the others. */
  | { k: 'check'; c: ''; i: string; cs: string[] };

/** Every how many peer checks an owner asks holders which of their sockets are still open. */
const reconcileEvery = 10;

function isWire(value: unknown): value is Wire {
  if (typeof value !== 'object' || value === null) return false;
  const wire = value as Record<string, unknown>;
  return typeof wire.k === 'string' && typeof wire.c === 'string';
}

/** A client's socket held by another instance, as the owner of its room sees it. */
class RemoteSocket implements ClientSocket {
  readonly bufferedAmount = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly holder: string,
    private readonly connection: string,
    private readonly lost: () => void,
  ) {}

  send(frame: string | Buffer): void {
    this.link.send(this.holder, { k: 'frame', c: this.connection, f: typeof frame === 'string' ? frame : frame.toString() } satisfies Wire);
  }

  close(code: number): void {
    this.link.send(this.holder, { k: 'close', c: this.connection, code } satisfies Wire);
  }

  /** Cut without waiting for the holder: the seat is held, as for a lost connection. */
  terminate(): void {
    this.close(closeCodes.serviceRestart);
    this.lost();
  }
}

/**
 * Sockets that cross instances. An instance that holds a client's socket but not its room is
 * a pipe: every message goes to the room's owner, which keeps a `Connection` for the socket
 * and runs the ordinary signaling code on it; frames and closes come back the same way.
 * Each instance checks every second that the instances it pipes to or for are alive.
 */
export class RemoteSockets {
  private checking = false;
  private checks = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly context: SignalingContext,
    private readonly rateLimit: RateLimitConfig,
  ) {}

  pipe(connection: Connection, instance: string): void {
    connection.owner = instance;
    clearTimeout(connection.idle);
    connection.idle = undefined;
  }

  forward(connection: Connection, message: ClientMessage, size: number): void {
    const wire: Wire = { k: 'msg', c: connection.id, i: this.link.instanceId, a: connection.address, m: message, s: size };
    this.link.send(connection.owner!, wire);
  }

  ended(connection: Connection, code: number): void {
    this.link.send(connection.owner!, { k: 'end', c: connection.id, code, e: connection.ending ?? null } satisfies Wire);
  }

  /** Handles what another instance sent about a socket. */
  receive(value: unknown): void {
    if (!isWire(value)) return;
    const { sessions } = this.context;
    const connection = sessions.connections.get(value.c);
    switch (value.k) {
      case 'msg': {
        const remote = connection ?? (typeof value.i === 'string' ? this.adopt(value.c, value.i, String(value.a)) : undefined);
        if (remote?.holder === undefined || remote.ending !== undefined) return;
        if (remote.backlog !== undefined) remote.backlog.push({ message: value.m, size: value.s });
        else this.context.handle(remote, value.m, value.s);
        return;
      }
      case 'end':
        if (connection?.holder === undefined) return;
        connection.ending ??= value.e ?? undefined;
        this.context.closed(connection, value.code);
        return;
      case 'frame':
        if (connection !== undefined && connection.holder === undefined) sessions.send(connection, value.f);
        return;
      case 'close':
        if (connection !== undefined && connection.holder === undefined) sessions.end(connection, value.code, 'leave');
        return;
      case 'check':
        // An `end` lost while Redis was away would leave the owner a socket that is long gone.
        for (const id of Array.isArray(value.cs) ? value.cs : []) {
          if (sessions.connections.get(id)?.owner === value.i) continue;
          this.link.send(value.i, { k: 'end', c: id, code: 1006, e: null } satisfies Wire);
        }
        return;
    }
  }

  /**
   * Sockets piped to an instance that died are closed with 1012 (their clients resume, and the
   * room is taken over); sockets of a dead holder count as lost connections (seats held).
   */
  async checkPeers(): Promise<void> {
    if (this.checking || !this.link.connected) return;
    this.checking = true;
    try {
      const { sessions } = this.context;
      const peers = new Set<string>();
      for (const connection of sessions.connections.values()) {
        const peer = connection.owner ?? connection.holder;
        if (peer !== undefined) peers.add(peer);
      }
      const reconcile = ++this.checks % reconcileEvery === 0;
      for (const peer of peers) {
        if (await this.link.alive(peer)) {
          if (reconcile) this.askHolder(peer);
          continue;
        }
        for (const connection of [...sessions.connections.values()]) {
          if (connection.owner === peer) {
            sessions.send(connection, frames.shuttingDown);
            sessions.end(connection, closeCodes.serviceRestart, 'lost');
          } else if (connection.holder === peer) {
            this.context.closed(connection, 1006);
          }
        }
      }
    } catch {
      // Redis went away meanwhile: checked again next time.
    } finally {
      this.checking = false;
    }
  }

  /** Asks instance `holder` which of the sockets it holds for rooms here are still open. */
  private askHolder(holder: string): void {
    const ids = [...this.context.sessions.connections.values()].filter((connection) => connection.holder === holder).map((connection) => connection.id);
    if (ids.length > 0) this.link.send(holder, { k: 'check', c: '', i: this.link.instanceId, cs: ids } satisfies Wire);
  }

  /** A `Connection` on this instance for a socket that instance `holder` holds. */
  private adopt(id: string, holder: string, address: string): Connection {
    const connection: Connection = {
      id,
      socket: new RemoteSocket(this.link, holder, id, () => this.context.closed(connection, 1006)),
      address,
      idle: undefined,
      limiter: new RateLimiter(this.rateLimit, performance.now()),
      room: undefined,
      ending: undefined,
      backlog: undefined,
      owner: undefined,
      holder,
    };
    this.context.sessions.connections.set(id, connection);
    return connection;
  }
}
