import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StageLayout, StageSpeaker, takeStageMs } from '../../web/lib/stage-layout.svelte.ts';

/** A `localStorage` of its own for each test. */
function storage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

describe('the stage layout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('happy path', () => {
    it('starts as a grid, and remembers speaker view for the next call', () => {
      const kept = storage();
      const now = new StageLayout(kept);
      expect(now.speakerView).toBe(false);
      now.toggle();
      expect(new StageLayout(kept).speakerView).toBe(true);
      now.toggle();
      expect(new StageLayout(kept).speakerView).toBe(false);
    });

    it('gives the stage to the first speaker at once, and to the next once they have spoken a while', () => {
      const stage = new StageSpeaker();
      stage.hear('bo');
      expect(stage.id).toBe('bo');
      stage.hear('cy');
      vi.advanceTimersByTime(takeStageMs - 1);
      expect(stage.id, 'Cy has not held the floor yet').toBe('bo');
      vi.advanceTimersByTime(1);
      expect(stage.id).toBe('cy');
    });
  });

  describe('edge cases', () => {
    it('keeps the stage through silence, and through a word in passing', () => {
      const stage = new StageSpeaker();
      stage.hear('bo');
      stage.hear(null);
      vi.advanceTimersByTime(10 * takeStageMs);
      expect(stage.id, 'everyone quiet').toBe('bo');
      stage.hear('cy');
      vi.advanceTimersByTime(takeStageMs / 2);
      stage.hear('bo');
      vi.advanceTimersByTime(10 * takeStageMs);
      expect(stage.id, 'Cy said a word while Bo went on').toBe('bo');
      stage.hear('cy');
      stage.stop();
      vi.advanceTimersByTime(10 * takeStageMs);
      expect(stage.id, 'stopped').toBe('bo');
    });

    it('does not restart the wait at the pauses between someone\'s words', () => {
      const stage = new StageSpeaker();
      stage.hear('bo');
      for (let word = 0; word < 3; word++) {
        stage.hear('cy');
        vi.advanceTimersByTime(takeStageMs / 4);
        stage.hear(null);
        vi.advanceTimersByTime(takeStageMs / 4);
      }
      expect(stage.id).toBe('cy');
    });

    it('holds the layout for this call where storage is refused', () => {
      const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
      const layout = new StageLayout(refusing);
      expect(layout.speakerView).toBe(false);
      layout.toggle();
      expect(layout.speakerView).toBe(true);
    });
  });
});
