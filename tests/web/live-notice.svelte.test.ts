import { describe, expect, it } from 'vitest';
import { LiveNotice } from '../../web/lib/live-notice.svelte.ts';

describe('a live notice', () => {
  describe('happy path', () => {
    it('holds the words said last', () => {
      const notice = new LiveNotice();
      notice.say('Bo raised their hand');
      notice.say('Cy raised their hand');
      expect(notice.text).toBe('Cy raised their hand');
    });
  });

  describe('edge cases', () => {
    it('changes its text when the same words are said again, so they are read again', () => {
      const notice = new LiveNotice();
      const texts = ['Bo raised their hand', 'Bo raised their hand', 'Bo raised their hand'].map((words) => (notice.say(words), notice.text));
      expect(new Set(texts).size).toBe(2);
      expect(texts[0]).not.toBe(texts[1]);
      expect(texts[1]).not.toBe(texts[2]);
      expect(texts.map((text) => text.trim())).toEqual(['Bo raised their hand', 'Bo raised their hand', 'Bo raised their hand']);
    });
  });
});
