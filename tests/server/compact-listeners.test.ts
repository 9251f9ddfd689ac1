import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compactListeners } from '../../server/compact-listeners.ts';

/** Calls of each listener of `emitter`'s `event`, by name, in the order they ran. */
function heard(emitter: EventEmitter, event: string): string[] {
  const calls: string[] = [];
  for (const name of ['first', 'second', 'third']) emitter.on(event, () => calls.push(name));
  return calls;
}

describe('compactListeners', () => {
  for (const [table, make] of [
    ['renew', () => new EventEmitter()],
    ['keep', () => new PassThrough()],
  ] as const) {
    describe(`with table '${table}'`, () => {
      it('keeps every listener in its order, and a once listener fires once', () => {
        const emitter = make();
        const calls = heard(emitter, 'data');
        emitter.once('close', () => calls.push('once'));
        emitter.on('close', () => calls.push('close'));
        compactListeners(emitter, table);
        emitter.emit('data');
        emitter.emit('close');
        emitter.emit('close');
        expect(calls).toEqual(['first', 'second', 'third', 'once', 'close', 'close']);
        expect(emitter.listenerCount('close')).toBe(1);
      });

      it('drops the listeners of the events it is told to drop, and only those', () => {
        const emitter = make();
        const calls = heard(emitter, 'data');
        emitter.on('error', () => calls.push('error'));
        emitter.on('error', () => calls.push('error again'));
        compactListeners(emitter, table, ['error']);
        expect(emitter.listenerCount('error')).toBe(0);
        emitter.emit('data');
        expect(calls).toEqual(['first', 'second', 'third']);
      });
    });
  }
});
