import WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import { serverMessageSchemas, type ServerMessage } from '../../protocol/messages.ts';

type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** How a socket ended, as its client saw it. */
export interface Ending {
  code: number;
  reason: string;
}

/** Options of a probe's socket. */
export interface ProbeOptions {
  /** Answer WebSocket-level pings (the default, as every browser does); `false` plays a dead network. */
  autoPong?: boolean;
  /** How long `next()` waits for a frame by default. */
  timeoutMs?: number;
}

/** What a frame must be to be a protocol v1 server message; `undefined` when it is one. */
function violationOf(text: string, isBinary: boolean): string | undefined {
  if (isBinary) return 'a binary frame';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'a frame that is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a frame that is not a JSON object';
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(serverMessageSchemas, type)) return 'a frame of no server message type';
  const schema = serverMessageSchemas[type as ServerMessage['type']];
  return Value.Check(schema, value) ? undefined : `a malformed "${type}" frame`;
}

/**
 * A protocol client written from docs/protocol.md alone: a plain `ws` socket that checks every
 * server frame strictly against protocol/messages.ts as it arrives (text, one JSON object, a
 * known type, the schema of that type) and lets a test read frames one by one, in order,
 * without skipping any. Broken frames are kept in `violations` and fail `next()`.
 */
export class ProtocolProbe {
  readonly socket: WebSocket;
  /** Every server frame so far, parsed, in arrival order. */
  readonly frames: ServerMessage[] = [];
  /** Every server frame so far as its raw text. */
  readonly texts: string[] = [];
  /** Frames that broke the protocol, described with their text. */
  readonly violations: string[] = [];
  readonly closed: Promise<Ending>;
  private ending: Ending | undefined;
  private cursor = 0;
  private waiters = new Set<() => void>();
  private readonly timeoutMs: number;

  private constructor(socket: WebSocket, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    socket.on('message', (data, isBinary) => {
      const text = String(data);
      const violation = violationOf(text, isBinary);
      if (violation !== undefined) this.violations.push(`${violation}: ${text.slice(0, 200)}`);
      else {
        this.texts.push(text);
        this.frames.push(JSON.parse(text) as ServerMessage);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.ending = { code, reason: String(reason) };
        this.wake();
        resolve(this.ending);
      });
    });
    // A refused or reset connection also ends in 'close'; the error itself needs no handling.
    socket.on('error', () => undefined);
  }

  /** Opens a socket to `url` and resolves once it is open; reads nothing yet. */
  static async open(url: string, options: ProbeOptions = {}): Promise<ProtocolProbe> {
    const socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const probe = new ProtocolProbe(socket, options.timeoutMs ?? 5_000);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('close', () => reject(new Error(`could not open ${url}`)));
    });
    return probe;
  }

  /** Opens a socket and reads its first frame, which must be `welcome` for protocol 1. */
  static async welcomed(url: string, options: ProbeOptions = {}): Promise<ProtocolProbe> {
    const probe = await ProtocolProbe.open(url, options);
    await probe.expect('welcome');
    return probe;
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a value as one JSON text frame, whatever its shape. */
  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /** Sends `text` as a text frame, as-is. */
  sendText(text: string): void {
    this.socket.send(text);
  }

  /** Sends `bytes` as a binary frame. */
  sendBinary(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends `bytes` in a text frame without checking they are UTF-8. */
  sendTextBytes(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: false });
  }

  /** The next unread frame. Rejects on a violation, or if none comes in time or the socket closes. */
  async next(timeoutMs = this.timeoutMs): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.violations.length > 0) throw new Error(`server broke the protocol: ${this.violations.join('; ')}`);
      if (this.cursor < this.frames.length) return this.frames[this.cursor++]!;
      const left = deadline - Date.now();
      if (this.ending !== undefined) throw new Error(`socket closed (${this.ending.code}) before the next frame`);
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms after ${JSON.stringify(this.frames.slice(-3))}`);
      await this.sleepUntilWoken(left);
    }
  }

  /** The next unread frame, which must be of `type` (nothing is skipped). */
  async expect<T extends ServerMessage['type']>(type: T, timeoutMs?: number): Promise<MessageOf<T>> {
    const message = await this.next(timeoutMs);
    if (message.type !== type) throw new Error(`expected "${type}", got ${JSON.stringify(message)}`);
    return message as MessageOf<T>;
  }

  /** The next frame, which must be an `error` with `code`; returns it for checks of `ref`. */
  async expectError(code: string): Promise<MessageOf<'error'>> {
    const message = await this.expect('error');
    if (message.code !== code) throw new Error(`expected error "${code}", got ${JSON.stringify(message)}`);
    return message;
  }

  /**
   * Sends `ping` and returns every unread frame that came before its `pong` (which it reads):
   * the server answers in order, so these are all it sent this socket until then.
   */
  async settle(): Promise<ServerMessage[]> {
    this.send({ type: 'ping' });
    const before: ServerMessage[] = [];
    for (;;) {
      const message = await this.next();
      if (message.type === 'pong') return before;
      before.push(message);
    }
  }

  /** Resolves with the socket's ending, failing if it does not end in time. */
  async ended(timeoutMs = this.timeoutMs): Promise<Ending> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Frames received but not read yet. */
  unread(): ServerMessage[] {
    return this.frames.slice(this.cursor);
  }

  /** Closes with a close frame, as a browser closing its tab, and waits for the end. */
  async close(code = 1000): Promise<Ending> {
    if (this.ending === undefined) this.socket.close(code);
    return this.closed;
  }

  /** Drops the connection without a close frame, as a lost network does. */
  async drop(): Promise<Ending> {
    this.socket.terminate();
    return this.closed;
  }

  private async sleepUntilWoken(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
