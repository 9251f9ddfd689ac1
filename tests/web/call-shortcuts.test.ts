import { describe, expect, it } from 'vitest';
import { callShortcutOf, holdsToTalk } from '../../web/lib/call-shortcuts.ts';

/** A key press: `key` as typed, `code` the physical key, and the modifiers held. */
function press(key: string, modifiers: { ctrl?: boolean; meta?: boolean; alt?: boolean; shift?: boolean } = {}, code = `Key${key.toUpperCase()}`) {
  return { key, code, ctrlKey: !!modifiers.ctrl, metaKey: !!modifiers.meta, altKey: !!modifiers.alt, shiftKey: !!modifiers.shift };
}

describe('call shortcuts', () => {
  describe('happy path', () => {
    it('reads Ctrl+D, Ctrl+E and Ctrl+Alt+H, and ⌘ for Ctrl on a Mac', () => {
      expect(callShortcutOf(press('d', { ctrl: true }))).toBe('mic');
      expect(callShortcutOf(press('e', { meta: true }))).toBe('camera');
      expect(callShortcutOf(press('h', { ctrl: true, alt: true }))).toBe('hand');
      expect(callShortcutOf(press('h', { meta: true, ctrl: true }))).toBe('hand');
    });
  });

  describe('edge cases', () => {
    it('holds Space to talk only where Space does nothing else', () => {
      document.body.innerHTML = '<main><p>Ana</p><button>Mute</button><textarea></textarea><div contenteditable="false"><span>x</span></div></main>';
      const on = (selector: string, modifiers: { ctrl?: boolean; shift?: boolean } = {}) => holdsToTalk({ ...press(' ', modifiers, 'Space'), target: document.querySelector(selector) });
      expect(on('p')).toBe(true);
      expect(on('main')).toBe(true);
      expect(holdsToTalk({ ...press(' ', {}, 'Space'), target: document.body })).toBe(true);
      expect(on('span')).toBe(true);
      // A focused button or the chat's field keeps its Space.
      expect(on('button')).toBe(false);
      expect(on('textarea')).toBe(false);
      // Space with a modifier, or another key, is not it.
      expect(on('p', { shift: true })).toBe(false);
      expect(on('p', { ctrl: true })).toBe(false);
      expect(holdsToTalk({ ...press('d'), target: document.body })).toBe(false);
    });

    it('finds the hand by its physical key where Option types another character', () => {
      expect(callShortcutOf(press('˙', { meta: true, ctrl: true }, 'KeyH'))).toBe('hand');
    });

    it('leaves every other press to the page and the browser', () => {
      expect(callShortcutOf(press('d'))).toBeNull();
      expect(callShortcutOf(press('h', { ctrl: true }))).toBeNull();
      // ⌘+Option+H hides the other apps on a Mac.
      expect(callShortcutOf(press('h', { meta: true, alt: true }))).toBeNull();
      expect(callShortcutOf(press('d', { ctrl: true, alt: true }))).toBeNull();
      expect(callShortcutOf(press('d', { ctrl: true, shift: true }))).toBeNull();
    });
  });
});
