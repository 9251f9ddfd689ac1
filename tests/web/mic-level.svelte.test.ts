import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MicLevel, meterReading, type Listener } from '../../web/lib/mic-level.svelte.ts';

/** Listens to a test microphone: each track below brings its own listener. */
const listen = (track: MediaStreamTrack): Listener => (track as FakeTrack).listener();

type FakeTrack = MediaStreamTrack & { listener(): Listener };

/** A live microphone track whose loudness the test sets, and whose `enabled` flag is the mute. */
function microphone() {
  let loudness = 0;
  let listening = false;
  const track = {
    kind: 'audio',
    readyState: 'live',
    enabled: true,
    listener: (): Listener => {
      listening = true;
      return { loudness: () => loudness, stop: () => (listening = false) };
    },
  } as unknown as FakeTrack;
  return {
    track,
    get listening() {
      return listening;
    },
    /** Sound at this loudness (RMS, 0..1) from now on. */
    sound(level: number) {
      loudness = level;
    },
  };
}

/** A level listening to a new test microphone, and that microphone. */
function listening() {
  const mic = microphone();
  const level = new MicLevel(listen);
  level.watch(mic.track);
  return { mic, level };
}

describe('your microphone level', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('happy path', () => {
    it('fills the meter with your voice and lights your tile while you speak, and a moment after', () => {
      const { mic, level } = listening();

      mic.sound(0.1);
      vi.advanceTimersByTime(100);
      expect(level.level).toBeCloseTo(meterReading(0.1));
      expect(level.level).toBeGreaterThan(0.5);
      expect(level.speaking).toBe(true);

      mic.sound(0);
      vi.advanceTimersByTime(300);
      expect(level.level).toBe(0);
      expect(level.speaking).toBe(true);
      vi.advanceTimersByTime(400);
      expect(level.speaking).toBe(false);
      level.stop();
    });

    it('tells a word from a sentence', () => {
      const { mic, level } = listening();

      mic.sound(0.1);
      vi.advanceTimersByTime(300);
      expect(level.talking).toBe(true);
      expect(level.talkingSteadily).toBe(false);
      // A second after the first loud reading.
      vi.advanceTimersByTime(700);
      expect(level.talkingSteadily).toBe(false);
      vi.advanceTimersByTime(100);
      expect(level.talkingSteadily).toBe(true);

      // Two seconds of quiet, and both are over.
      mic.sound(0);
      vi.advanceTimersByTime(2_000);
      expect(level.talking).toBe(false);
      expect(level.talkingSteadily).toBe(false);
      level.stop();
    });
  });

  describe('edge cases', () => {
    it('judges a sentence by time, on a busy page that reads less often than asked', () => {
      // The page's clock runs on its own here: each reading comes 300 ms after the last, not 100.
      vi.useRealTimers();
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      let now = 0;
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const reading = (count: number) => {
        for (let index = 0; index < count; index++) {
          now += 300;
          vi.advanceTimersByTime(100);
        }
      };
      const { mic, level } = listening();
      mic.sound(0.1);
      reading(5);
      expect(level.talkingSteadily).toBe(true);

      // A pause between sentences, and a short word after it: not yet.
      mic.sound(0);
      reading(7);
      expect(level.talkingSteadily).toBe(false);
      mic.sound(0.1);
      reading(2);
      expect(level.talkingSteadily).toBe(false);
      // Loud through half the readings of the last two seconds, for a second: a sentence again.
      mic.sound(0);
      reading(1);
      mic.sound(0.1);
      reading(2);
      expect(level.talkingSteadily).toBe(true);
      level.stop();
      vi.restoreAllMocks();
    });

    it('does not count a cough or a click as talking', () => {
      const { mic, level } = listening();
      mic.sound(0.3);
      vi.advanceTimersByTime(200);
      mic.sound(0.001);
      vi.advanceTimersByTime(1_000);
      expect(level.talking).toBe(false);
      expect(level.level).toBe(0);
      level.stop();
    });

    it('counts only what was said since the microphone was last switched on or off', () => {
      const { mic, level } = listening();
      mic.sound(0.1);
      vi.advanceTimersByTime(500);
      expect(level.talking).toBe(true);

      // Muting mid-sentence: the sentence before the mute is not speech into a muted microphone.
      mic.track.enabled = false;
      vi.advanceTimersByTime(100);
      expect(level.talking).toBe(false);
      // Still talking into it: now it counts, and the meter still moves, but nobody hears you:
      // your tile is not lit, and however long you go on, it is not a sentence said to them.
      vi.advanceTimersByTime(200);
      expect(level.talking).toBe(true);
      expect(level.level).toBeGreaterThan(0.5);
      vi.advanceTimersByTime(2_000);
      expect([level.speaking, level.talkingSteadily]).toEqual([false, false]);

      mic.track.enabled = true;
      vi.advanceTimersByTime(1_100);
      expect([level.speaking, level.talkingSteadily]).toEqual([true, true]);
      level.stop();
    });

    it('stops listening when told, when the track changes, and never listens to an ended one', () => {
      const { mic, level } = listening();
      mic.sound(0.1);
      vi.advanceTimersByTime(1_000);

      const other = microphone();
      level.watch(other.track);
      expect(mic.listening).toBe(false);
      expect(other.listening).toBe(true);
      expect([level.level, level.speaking, level.talking, level.talkingSteadily]).toEqual([0, false, false, false]);

      level.stop();
      expect(other.listening).toBe(false);
      const ended = microphone();
      (ended.track as { readyState: string }).readyState = 'ended';
      level.watch(ended.track);
      expect(ended.listening).toBe(false);
      level.watch(undefined);
      vi.advanceTimersByTime(1_000);
      expect(level.level).toBe(0);
    });

    it('reads silence as an empty meter and anything at full scale as a full one', () => {
      expect(meterReading(0)).toBe(0);
      expect(meterReading(0.0005)).toBe(0);
      expect(meterReading(1)).toBe(1);
      expect(meterReading(0.01)).toBeCloseTo(0.4);
    });
  });
});
