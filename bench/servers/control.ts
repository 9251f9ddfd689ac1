/**
 * The benchmark's control channel inside a server child: announces the listening port to the
 * parent, answers memory requests after a full GC (the child runs with --expose-gc), writes
 * heap snapshots on request (to see what a client costs), and exits
 * cleanly on SIGTERM or when the parent goes away, so a `--cpu-prof` profile gets written and
 * no server outlives the benchmark. Used only by the bench entry files, never by the product.
 */

import { writeHeapSnapshot } from 'node:v8';

/** What a server entry hands to the control channel. */
export interface ControlledServer {
  port: number;
  /** Closes the server; the child exits when it resolves (or after a short grace). */
  close: () => Promise<void>;
}

/** Collects garbage as fully as V8 allows before a measurement. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  // Twice: the first pass can leave weakly held objects and finalizers for the second.
  gc();
  gc();
}

/** Wires a started server to the parent process. */
export function serveControl(server: ControlledServer): void {
  const send = (message: object): void => {
    if (process.connected) process.send!(message);
  };
  process.on('message', (message: { type?: string; file?: string }) => {
    if (message.type === 'heap-snapshot' && typeof message.file === 'string') {
      collectGarbage();
      send({ type: 'heap-snapshot', file: writeHeapSnapshot(message.file) });
      return;
    }
    if (message.type === 'memory') {
      collectGarbage();
      const usage = process.memoryUsage();
      send({
        type: 'memory',
        rss: usage.rss,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        arrayBuffers: usage.arrayBuffers,
      });
    }
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const exit = (): never => process.exit(0);
    setTimeout(exit, 2_000).unref();
    server.close().then(exit, exit);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', port: server.port });
}
