import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepScreenAwake } from '../../web/lib/screen-awake.ts';

/** A browser's wake lock that grants every request, and the page's visibility, as `keepScreenAwake` sees them. */
function stubWakeLock() {
  const taken: Array<{ released: boolean; release: () => Promise<void> }> = [];
  const request = vi.fn(async () => {
    const sentinel = { released: false, release: async () => void (sentinel.released = true) };
    taken.push(sentinel);
    return sentinel;
  });
  vi.stubGlobal('navigator', { wakeLock: { request } });
  const show = (state: 'visible' | 'hidden') => {
    Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  };
  return { taken, request, show };
}

afterEach(() => vi.unstubAllGlobals());

describe('keeping the screen on through the call', () => {
  describe('happy path', () => {
    it('holds the screen on, asks again when the page shows after the browser let go, and lets go at the end', async () => {
      const { taken, request, show } = stubWakeLock();
      show('visible');
      const stop = keepScreenAwake();
      await vi.waitFor(() => expect(taken).toHaveLength(1));

      // Hidden, the browser releases the lock by itself; shown again, the page asks anew.
      show('hidden');
      taken[0]!.released = true;
      show('visible');
      await vi.waitFor(() => expect(taken).toHaveLength(2));
      // Shown while still held: no second lock.
      show('visible');
      expect(request).toHaveBeenCalledTimes(2);

      stop();
      expect(taken.map((sentinel) => sentinel.released)).toEqual([true, true]);
    });
  });

  describe('edge cases', () => {
    it('does nothing where the browser has no wake lock, or refuses it', async () => {
      vi.stubGlobal('navigator', {});
      expect(() => keepScreenAwake()()).not.toThrow();
      vi.stubGlobal('navigator', { wakeLock: { request: () => Promise.reject(new DOMException('battery saver', 'NotAllowedError')) } });
      const stop = keepScreenAwake();
      await Promise.resolve();
      expect(() => stop()).not.toThrow();
    });
  });
});
