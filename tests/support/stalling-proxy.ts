import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of one port, for one browser's traffic: `stall()` stops
 * every byte both ways without closing anything, as a network that went silent would (TCP
 * holds what is sent meanwhile, nothing is lost or reset), and `restore()` lets it flow again.
 * Connections opened while stalled hang the same way until then.
 */
export class StallingProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private stalled = false;

  private constructor(private readonly server: Server) {}

  /** Starts a proxy to `127.0.0.1:target` on a free port. */
  static async start(target: number): Promise<StallingProxy> {
    const server = createServer();
    const proxy = new StallingProxy(server);
    server.on('connection', (client) => proxy.forward(client, connect(target, '127.0.0.1')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `http://127.0.0.1:<port>`: open the page here to go through the proxy. */
  get origin(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** From now on, nothing passes either way. */
  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Everything held flows again. */
  restore(): void {
    this.stalled = false;
    for (const [client, upstream] of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  /** Closes the proxy and every connection through it. */
  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, upstream: Socket): void {
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    // Written by hand rather than with pipe(): pipe() resumes a paused source on 'drain'.
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
    if (this.stalled) {
      client.pause();
      upstream.pause();
    }
  }
}
