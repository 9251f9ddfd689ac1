import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallClock, clockDuration, clockText } from '../../web/lib/call-clock.svelte.ts';

afterEach(() => vi.useRealTimers());

describe('how long you have been in the call', () => {
  describe('happy path', () => {
    it('counts whole seconds from the start, and stops when told', () => {
      vi.useFakeTimers();
      const clock = new CallClock(() => Date.now());
      const stop = clock.start();
      expect(clock.seconds).toBe(0);
      vi.advanceTimersByTime(999);
      expect(clock.seconds).toBe(0);
      vi.advanceTimersByTime(61_001);
      expect(clock.seconds).toBe(62);
      stop();
      vi.advanceTimersByTime(5_000);
      expect(clock.seconds).toBe(62);
    });

    it('reads like a clock, and as a duration for the machine', () => {
      expect([0, 5, 59, 60, 754, 3_599, 3_600, 3_723, 36_000].map(clockText)).toEqual(['0:00', '0:05', '0:59', '1:00', '12:34', '59:59', '1:00:00', '1:02:03', '10:00:00']);
      expect([0, 5, 754, 3_723].map(clockDuration)).toEqual(['PT0S', 'PT5S', 'PT12M34S', 'PT1H2M3S']);
    });
  });

  describe('edge cases', () => {
    it('shows the right time after a throttled timer (a hidden tab) skipped ticks', () => {
      vi.useFakeTimers();
      let now = 0;
      const clock = new CallClock(() => now);
      const stop = clock.start();
      // The timer fires once although 40 seconds went by.
      now = 40_500;
      vi.advanceTimersByTime(1_000);
      expect(clock.seconds).toBe(40);
      stop();
    });
  });
});
