/**
 * Low-level socket helpers for the load generator: open a `ws` client with the settings every
 * protocol shares, and read setup frames in order without losing any that arrive together.
 */
import WebSocket from 'ws';

/** Largest frame a bench client accepts; the servers' own limits are lower. */
const clientMaxPayload = 1024 * 1024;

/** An open client socket and the inbox that has held its frames since before it opened. */
export interface OpenedSocket {
  socket: WebSocket;
  inbox: FrameInbox;
}

/**
 * Opens a client socket and resolves once it is open (or rejects within `timeoutMs`). The
 * inbox listens from the start: a server's first frame can arrive in the same read as the
 * upgrade response, before any code awaiting the open could attach a listener.
 */
export function openSocket(url: string, timeoutMs = 10_000): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: clientMaxPayload });
    const inbox = new FrameInbox(socket);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`connect to ${url} timed out`));
    }, timeoutMs);
    socket.once('open', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      // A later socket error must not crash the load generator; the close that follows is enough.
      socket.on('error', () => {});
      resolve({ socket, inbox });
    });
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', onError);
  });
}

/**
 * Buffers a socket's text frames as parsed JSON so that setup steps can await them one by
 * one; frames that arrive in the same TCP read are kept, never dropped between awaits.
 */
export class FrameInbox {
  private readonly frames: Array<Record<string, unknown>> = [];
  private wake: (() => void) | undefined;
  private readonly onMessage = (data: WebSocket.RawData): void => {
    this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    this.wake?.();
  };
  private readonly onClose = (): void => this.wake?.();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', this.onMessage);
    socket.on('close', this.onClose);
  }

  /** The next frame whose `type` is `type` (earlier frames of other types are skipped). */
  async next(type: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.frames.length > 0) {
        const frame = this.frames.shift()!;
        if (frame.type === type) return frame;
        if (frame.type === 'error' || frame.type === 'ERROR') {
          throw new Error(`expected ${type}, got ${JSON.stringify(frame)}`);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState !== WebSocket.OPEN) {
        throw new Error(`no ${type} frame within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Stops buffering; the socket's frames go only to whoever listens next. */
  detach(): void {
    this.socket.off('message', this.onMessage);
    this.socket.off('close', this.onClose);
  }
}

/** Closes sockets cleanly and waits (bounded) for them to finish closing. */
export async function closeSockets(sockets: readonly WebSocket[], timeoutMs = 5_000): Promise<void> {
  const closing = sockets.map(
    (socket) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(1000);
      }),
  );
  const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  await Promise.race([Promise.all(closing), timer]);
  for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < count) {
      const index = nextIndex++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
