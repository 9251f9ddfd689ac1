import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { ExpectStatic } from 'vitest';
import type { RoomEmitted } from '../../machines/room-machine.ts';
import { serverMessageSchemas, type ServerMessage } from '../../protocol/messages.ts';
import { RoomReplay, roomPaths, type RoomPath } from './room-model.ts';
import { TestClient } from './test-client.ts';

/**
 * The room model against the real server (tests/server/room-model.test.ts, and spread over
 * the instances of a cluster in tests/server/cluster-room-model.test.ts): every shortest path
 * of the room machine is played with real sockets, the machine replayed alongside, and after
 * every step each client must have received exactly the frames the machine emitted for its
 * connection (types, peer ids and payloads; random ids are mapped, not compared).
 */

/** Grace period of the server that plays paths with an expiry: short, since each expiry waits it out. */
export const shortGraceMs = 2_000;
/** Grace period of the server that plays the other paths: no seat may expire while they run. */
export const longGraceMs = 60_000;
/** Longest wait for the server to reach the state the model is in. */
const settleTimeoutMs = 5_000;

/** Paths that are no prefix of another: every check of a prefix also runs on the longer path. */
function maximal(paths: RoomPath[]): RoomPath[] {
  const keys = paths.map((path) => JSON.stringify(path.moves).slice(0, -1));
  return paths.filter((_, i) => !keys.some((key, j) => j !== i && key.length > keys[i]!.length && key.startsWith(keys[i]!)));
}

/**
 * Whether `path` lets a grace period run out, and every time with no other seat held: real
 * losses a few milliseconds apart expire a few milliseconds apart, too close to check one
 * without the other. The machine test covers several held seats on a simulated clock.
 */
function expiresAlone(path: RoomPath): boolean {
  const replay = new RoomReplay(path.capacity);
  let expires = false;
  for (const move of path.moves) {
    if (move.kind === 'expire') {
      if (replay.notes.lostOrder.length > 1) return false;
      expires = true;
    }
    replay.step(move);
  }
  return expires;
}

// A returning seat needs a server that lost the room: tests/server/seats.test.ts plays those over real restarts.
export const all = [2, 3].flatMap((capacity) => maximal(roomPaths({ kind: 'shortest', capacity }).filter((path) => !path.moves.some((move) => move.kind === 'return'))));
export const expiring = all.filter(expiresAlone);
export const lasting = all.filter((path) => !path.moves.some((move) => move.kind === 'expire'));

/** A room as both the server and the model hold it, ids left out: state, then each seat and its queue length. */
function shape(value: unknown, members: ReadonlyArray<{ connection: string | null; queue: readonly unknown[] }>): string {
  return `${String(value)}: ${members.map((member) => (member.connection === null ? `held(${member.queue.length})` : 'on')).join(' ')}`;
}

/** Resolves once the server's room `roomId` has `expected` shape; waits on the room actor's own updates. */
function roomReaches(app: FastifyInstance, roomId: string, expected: string): Promise<void> {
  const room = app.rooms.get(roomId);
  const current = (): string => {
    const snapshot = room?.getSnapshot();
    return snapshot === undefined || snapshot.status === 'done' ? shape('closed', []) : shape(snapshot.value, snapshot.context.members);
  };
  if (current() === expected) return Promise.resolve();
  // A closed room never changes again: no use waiting for it to match.
  if (room === undefined || room.getSnapshot().status === 'done') return Promise.reject(new Error(`server room is closed, model is "${expected}"`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server room is "${current()}", model is "${expected}"`)), settleTimeoutMs);
    const check = (): void => {
      if (current() !== expected) return;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve();
    };
    const subscription = room.subscribe({ next: check, complete: check });
  });
}

/** A received frame with the fields that do not depend on randomness. */
function comparable(message: ServerMessage): unknown {
  if (message.type === 'joined') return { type: message.type, roomId: message.roomId, peerId: message.peerId, peers: message.peers, capacity: message.capacity };
  if (message.type === 'error') return { type: message.type, code: message.code, ref: message.ref };
  return message;
}

/**
 * One path played against a running server, with the room machine replayed alongside. The
 * creator connects to `urls[0]` (served by `app`, which then holds the room); the n-th socket
 * the path opens connects to `urls[n % urls.length]`.
 */
export class PathRun {
  private readonly model: RoomReplay;
  private readonly clients = new Map<string, TestClient>();
  private readonly read = new Map<TestClient, number>();
  /** Model peer ids and resume tokens to the server's. */
  private readonly peers = new Map<string, string>();
  private readonly tokens = new Map<string, string>();
  private roomId = '';

  constructor(
    private readonly expect: ExpectStatic,
    private readonly app: FastifyInstance,
    private readonly urls: readonly string[],
    private readonly capacity: number,
  ) {
    this.model = new RoomReplay(capacity);
  }

  async create(): Promise<void> {
    const client = await this.connect('c1');
    client.send({ type: 'create', capacity: this.capacity });
    this.roomId = (await client.next('joined')).roomId;
    await this.check('create', this.model.created);
  }

  async step(path: RoomPath, index: number): Promise<void> {
    const { event, emitted } = this.model.step(path.moves[index]!);
    const client = 'connection' in event ? this.clients.get(event.connection) : undefined;
    switch (event.type) {
      case 'client.join': {
        const joiner = await this.connect(event.connection);
        const resume = event.resume === undefined ? {} : { resume: this.tokens.get(event.resume) ?? event.resume };
        joiner.send({ type: 'join', roomId: this.roomId, ...resume });
        await this.flush(joiner);
        break;
      }
      case 'client.signal':
        client!.send({ type: 'signal', to: this.peers.get(event.to) ?? event.to, data: event.data });
        await this.flush(client!);
        break;
      case 'client.leave':
        client!.send({ type: 'leave' });
        await this.flush(client!);
        break;
      case 'socket.closed':
        await client!.close();
        break;
      case 'socket.lost':
        await client!.drop();
        break;
      case 'grace.expired':
        break; // the server's own timer; the wait below is for its effect
    }
    const { value, context } = this.model.snapshot;
    await roomReaches(this.app, this.roomId, shape(value, context.members));
    await this.check(path.labels[index]!.type, emitted);
  }

  /** Closes every socket the path opened. */
  end(): void {
    for (const client of this.clients.values()) client.socket.terminate();
  }

  private async connect(connection: string): Promise<TestClient> {
    const client = await TestClient.ready(this.urls[this.clients.size % this.urls.length]!);
    this.clients.set(connection, client);
    this.read.set(client, client.received.length);
    return client;
  }

  /** Pings and waits for the pong: everything the server sent `client` before is then in. */
  private async flush(client: TestClient): Promise<void> {
    client.send({ type: 'ping' });
    await client.next('pong');
  }

  /** Compares what every client received since the last step with what the model emitted for it. */
  private async check(label: string, emitted: readonly RoomEmitted[]): Promise<void> {
    for (const item of emitted) {
      if (item.type === 'close') this.expect((await this.clients.get(item.connection)!.closed).code, label).toBe(item.code);
    }
    const open = [...this.clients.values()].filter((client) => client.socket.readyState === client.socket.OPEN);
    await Promise.all(open.map((client) => this.flush(client)));
    const received = new Map<string, ServerMessage[]>();
    for (const [connection, client] of this.clients) {
      const fresh = client.received.slice(this.read.get(client)).filter((message) => message.type !== 'pong');
      this.read.set(client, client.received.length);
      for (const message of fresh) this.expect(Value.Check(serverMessageSchemas[message.type], message), JSON.stringify(message).slice(0, 200)).toBe(true);
      received.set(connection, fresh);
    }
    // Learn the server's ids for the seats the model just filled.
    for (const item of emitted) {
      if (item.type !== 'member.joined') continue;
      const joined = received.get(item.connection)?.find((message) => message.type === 'joined');
      if (joined === undefined) continue;
      if (!this.peers.has(item.peerId)) this.peers.set(item.peerId, joined.peerId);
      this.tokens.set(item.token, joined.resume);
    }
    const expected = new Map<string, unknown[]>([...this.clients.keys()].map((connection) => [connection, []]));
    for (const item of emitted) {
      if (item.type === 'send') expected.get(item.connection)!.push(comparable(this.serverIds(JSON.parse(item.frame) as ServerMessage)));
      if (item.type === 'member.joined') {
        const { peerId, peers, capacity } = item;
        expected.get(item.connection)!.push(comparable(this.serverIds({ type: 'joined', roomId: this.roomId, peerId, peers, capacity, resume: '', iceServers: [] })));
      }
    }
    const actual = new Map([...received].map(([connection, messages]) => [connection, messages.map(comparable)]));
    this.expect(Object.fromEntries(actual), `after ${label}`).toEqual(Object.fromEntries(expected));
  }

  /** `message` with the model's peer ids replaced by the server's. */
  private serverIds(message: ServerMessage): ServerMessage {
    const id = (peerId: string): string => this.peers.get(peerId) ?? peerId;
    switch (message.type) {
      case 'joined':
        return { ...message, peerId: id(message.peerId), peers: message.peers.map(id) };
      case 'peer-joined':
      case 'peer-left':
        return { ...message, peerId: id(message.peerId) };
      case 'signal':
        return { ...message, from: id(message.from) };
      default:
        return message;
    }
  }
}


/** Plays `path` against the server(s): the room lives on `app`, sockets spread over `urls`. */
export async function play(expect: ExpectStatic, app: FastifyInstance, urls: readonly string[], path: RoomPath): Promise<void> {
  const run = new PathRun(expect, app, urls, path.capacity);
  try {
    await run.create();
    for (let index = 0; index < path.moves.length; index++) await run.step(path, index);
  } finally {
    run.end();
  }
}
