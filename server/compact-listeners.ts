import type { EventEmitter } from 'node:events';

/**
 * Gives `emitter` a fresh listener table holding the same listeners in the same order, without
 * those of the events in `drop`.
 *
 * An emitter's table is a plain object, and removing the last listener of an event deletes a
 * property from it. A few deletes turn it into a hash table that never shrinks. After an upgrade
 * the TCP socket's table held about 830 bytes, and the ws socket's about 250, for a handful
 * of listeners (docs/performance.md). `removeAllListeners()` replaces the table with an empty
 * object, and adding the listeners back keeps each listener array exactly as long as needed.
 * `rawListeners` keeps `once` wrappers, so a `once` listener still fires once.
 */
export function compactListeners(emitter: EventEmitter, drop: readonly string[] = []): void {
  const kept = emitter
    .eventNames()
    .filter((event) => typeof event !== 'string' || !drop.includes(event))
    .map((event) => [event, emitter.rawListeners(event) as ((...args: unknown[]) => void)[]] as const);
  emitter.removeAllListeners();
  for (const [event, listeners] of kept) for (const listener of listeners) emitter.on(event, listener);
}
