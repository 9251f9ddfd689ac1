import type { EventEmitter } from 'node:events';

/**
 * Gives `emitter` listener arrays exactly as long as needed, holding the same listeners in the
 * same order, without those of the events in `drop`. `rawListeners` keeps `once` wrappers, so
 * a `once` listener still fires once.
 *
 * An event with two or more listeners keeps them in an array, and removing some never shrinks
 * it (a third listener grows it to 19 slots). What else to do depends on the table that holds
 * the arrays (docs/performance.md):
 * - `renew`, for plain emitters such as ws's socket: their table is a hash table from the
 *   start, and it never shrinks either, so `removeAllListeners()` replaces it with an empty one.
 * - `keep`, for Node's streams such as the TCP socket: their table starts with a fixed shape,
 *   and removing an event's last listener only empties its entry. A new table would be a hash
 *   table, 256 bytes instead of 40, so only the arrays are rebuilt.
 */
export function compactListeners(emitter: EventEmitter, table: 'renew' | 'keep', drop: readonly string[] = []): void {
  const events = emitter.eventNames().map((event) => ({
    event,
    listeners: emitter.rawListeners(event) as ((...args: unknown[]) => void)[],
    dropped: typeof event === 'string' && drop.includes(event),
  }));
  if (table === 'renew') emitter.removeAllListeners();
  for (const { event, listeners, dropped } of events) {
    if (table === 'keep') {
      if (!dropped && listeners.length < 2) continue;
      for (const listener of listeners) emitter.removeListener(event, listener);
    }
    if (!dropped) for (const listener of listeners) emitter.on(event, listener);
  }
}
