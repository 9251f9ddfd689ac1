import { Writable } from 'node:stream';
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import WebSocket from 'ws';
import { afterEach, expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.ts';
import { serverMessageSchemas, type JoinedMessage, type ServerMessage } from '../../protocol/messages.ts';
import { TestClient } from '../support/test-client.ts';
import { loopbackLimits } from '../support/loopback-limits.ts';

const checkers = Object.fromEntries(
  Object.entries(serverMessageSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
) as Record<string, { Check(value: unknown): boolean }>;

/** Fails unless every frame a client got is a well-formed server message of protocol v1. */
export function expectWellFormed(messages: readonly ServerMessage[]): void {
  for (const message of messages) {
    expect(checkers[message.type]?.Check(message), JSON.stringify(message)).toBe(true);
  }
}

/** Resolves once `condition()` holds, checking after every turn of the event loop. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A running server for one test, with clients that are checked and closed afterwards. */
export interface TestServer {
  app: FastifyInstance;
  /** ws://127.0.0.1:<port>/ws */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Connects a client and consumes its `welcome`. */
  connect(): Promise<TestClient>;
  /** Connects a client and creates a room. */
  create(capacity?: number): Promise<{ client: TestClient; joined: JoinedMessage }>;
  /** Connects a client and joins `roomId` (resuming with `resume` if given). */
  join(roomId: string, resume?: string): Promise<{ client: TestClient; joined: JoinedMessage }>;
  /** `app.signaling.stats()`. */
  stats(): { rooms: number; connections: number; members: number };
  /** Closes the app (once; the test's cleanup then leaves it alone). */
  close(): Promise<void>;
}

const running: Array<{ close: () => Promise<void>; clients: TestClient[] }> = [];

afterEach(async () => {
  for (const { close, clients } of running.splice(0)) {
    for (const client of clients) {
      expectWellFormed(client.received);
      client.socket.terminate();
    }
    await close();
  }
});

/**
 * Starts `buildApp` on an ephemeral loopback port with settings that keep tests quick (a long
 * grace period unless a test needs it short, so a lost peer never expires by accident).
 */
export async function startServer(options: AppOptions = {}): Promise<TestServer> {
  const app = await buildApp({ resumeGraceMs: 60_000, pingIntervalMs: 60_000, ...loopbackLimits, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const clients: TestClient[] = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= app.close());
  running.push({ close, clients });
  const url = `ws://127.0.0.1:${port}/ws`;
  const connect = async (): Promise<TestClient> => {
    const client = await TestClient.ready(url);
    clients.push(client);
    return client;
  };
  return {
    app,
    url,
    origin: `http://127.0.0.1:${port}`,
    connect,
    async create(capacity) {
      const client = await connect();
      client.send(capacity === undefined ? { type: 'create' } : { type: 'create', capacity });
      return { client, joined: await client.next('joined') };
    },
    async join(roomId, resume) {
      const client = await connect();
      client.send(resume === undefined ? { type: 'join', roomId } : { type: 'join', roomId, resume });
      return { client, joined: await client.next('joined') };
    },
    stats: () => app.signaling.stats(),
    close,
  };
}

/** Pings and waits for the pong: every frame the server sent this client before is then in. */
export async function settle(client: TestClient): Promise<void> {
  client.send({ type: 'ping' });
  await client.next('pong');
}

/**
 * A raw socket that never answers WebSocket pings (`autoPong: false`), as a peer whose network
 * silently went away: it still reads frames, which it collects as parsed messages.
 */
export async function silentSocket(url: string): Promise<{ socket: WebSocket; received: ServerMessage[]; closed: Promise<number> }> {
  const socket = new WebSocket(url, { autoPong: false });
  const received: ServerMessage[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as ServerMessage));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received, closed };
}

/** The outcome of one WebSocket upgrade: the HTTP status, and the open socket on 101. */
export interface Upgrade {
  status: number;
  socket: WebSocket | undefined;
}

/**
 * Attempts an upgrade to `url` with extra request `headers` (Origin, X-Forwarded-For) and
 * resolves with the server's answer; an admitted socket stays open until the test's cleanup.
 */
export async function upgrade(url: string, headers: Record<string, string> = {}): Promise<Upgrade> {
  const socket = new WebSocket(url, { headers });
  opened.push(socket);
  return new Promise<Upgrade>((resolve, reject) => {
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, socket: undefined });
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

const opened: WebSocket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.terminate();
});

/** A logger destination that keeps every line, parsed, for tests of what the server logs. */
export function captureLog(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

/**
 * A client whose reading can be stopped, as one that stopped reading what it is sent: its
 * TCP socket (`raw`) is paused while the server keeps sending.
 */
export async function pausableClient(url: string): Promise<{ client: TestClient; raw: Socket }> {
  let raw: Socket | undefined;
  const client = await TestClient.ready(url, {
    createConnection: ((options: NetConnectOpts) => (raw = createConnection(options))) as typeof createConnection,
  });
  opened.push(client.socket);
  return { client, raw: raw! };
}

/** How many seats of room `roomId` are held for a lost peer. */
export function heldSeats(server: TestServer, roomId: string): number {
  return server.app.rooms.get(roomId)?.getSnapshot().context.members.filter((member) => member.connection === null).length ?? 0;
}

/**
 * The server's own ends of the sockets `app` accepts from now on, as ws holds them, while they
 * are open (the server does not keep ws's own set of clients: its close listener costs memory).
 */
export function openSockets(app: FastifyInstance): ReadonlySet<WebSocket> {
  const sockets = new Set<WebSocket>();
  app.websocketServer.on('connection', (socket: WebSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}
