import WebSocket from 'ws';
import { encode } from '../../protocol/encode.ts';
import type { ClientMessage, ServerMessage } from '../../protocol/messages.ts';

type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** How a test client's socket ended. */
export interface Closed {
  code: number;
  reason: string;
}

/**
 * A protocol client for tests and benchmarks: a real `ws` socket that records every frame
 * the server sends and lets a test wait for the next one of a given type.
 */
export class TestClient {
  readonly socket: WebSocket;
  /** Every server message received so far, in order. */
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<Closed>;
  private cursor = 0;
  private waiters: Array<() => void> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: String(reason) });
      });
    });
  }

  /** Opens a socket to `url` (ws://host:port/ws) and resolves once it is open. */
  static async connect(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Connects and consumes the `welcome` frame. */
  static async ready(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const client = await TestClient.connect(url, options);
    await client.next('welcome');
    return client;
  }

  send(message: ClientMessage): void {
    this.socket.send(encode(message));
  }

  /** Sends any text, well-formed or not. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /**
   * Resolves with the next unread message; with `type`, skips to the next one of that type
   * (skipped messages count as read). Rejects if none comes within `timeoutMs`.
   */
  async next<T extends ServerMessage['type']>(type?: T, timeoutMs = 5_000): Promise<ServerMessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const message = this.received[this.cursor++]!;
        if (type === undefined || message.type === type) return message as ServerMessageOf<T>;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${type ?? 'message'} within ${timeoutMs} ms (got ${JSON.stringify(this.received.slice(-3))})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Messages received but not yet read by `next()`. */
  unread(): ServerMessage[] {
    return this.received.slice(this.cursor);
  }

  /** Closes cleanly, as a browser tab does, and waits for the close to finish. */
  async close(): Promise<Closed> {
    this.socket.close(1000);
    return this.closed;
  }

  /** Drops the TCP connection without a close frame, as a lost network does. */
  async drop(): Promise<Closed> {
    this.socket.terminate();
    return this.closed;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
