import { describe, expect, it } from 'vitest';
import { asksForShortcuts, callShortcutOf, holdsToTalk, shortcutLabel } from '../../web/lib/call-shortcuts.ts';

/** A key press: `key` as typed, `code` the physical key, and the modifiers held. */
function press(key: string, modifiers: { ctrl?: boolean; meta?: boolean; alt?: boolean; shift?: boolean } = {}, code = `Key${key.toUpperCase()}`) {
  return { key, code, ctrlKey: !!modifiers.ctrl, metaKey: !!modifiers.meta, altKey: !!modifiers.alt, shiftKey: !!modifiers.shift };
}

describe('call shortcuts', () => {
  describe('happy path', () => {
    it('reads Ctrl+D, Ctrl+E, Ctrl+Alt+H and Ctrl+Alt+C, and ⌘ for Ctrl on a Mac', () => {
      expect(callShortcutOf(press('d', { ctrl: true }))).toBe('mic');
      expect(callShortcutOf(press('e', { meta: true }))).toBe('camera');
      expect(callShortcutOf(press('h', { ctrl: true, alt: true }))).toBe('hand');
      expect(callShortcutOf(press('h', { meta: true, ctrl: true }))).toBe('hand');
      expect(callShortcutOf(press('c', { ctrl: true, alt: true }))).toBe('chat');
      expect(callShortcutOf(press('c', { meta: true, ctrl: true }))).toBe('chat');
    });

    it('writes each shortcut for the keyboard at hand', () => {
      const labels = (mac: boolean) => (['mic', 'camera', 'hand', 'chat'] as const).map((shortcut) => shortcutLabel(shortcut, mac));
      expect(labels(false)).toEqual(['Ctrl+D', 'Ctrl+E', 'Ctrl+Alt+H', 'Ctrl+Alt+C']);
      expect(labels(true)).toEqual(['⌘+D', '⌘+E', '⌘+Ctrl+H', '⌘+Ctrl+C']);
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
      // Ctrl+C copies.
      expect(callShortcutOf(press('c', { ctrl: true }))).toBeNull();
      // AltGr, which Windows reports as Ctrl+Alt, types a letter.
      const altGr = { ...press('ć', { ctrl: true, alt: true }, 'KeyC'), getModifierState: (key: string) => key === 'AltGraph' };
      expect(callShortcutOf(altGr)).toBeNull();
      // ⌘+Option+H hides the other apps on a Mac.
      expect(callShortcutOf(press('h', { meta: true, alt: true }))).toBeNull();
      expect(callShortcutOf(press('d', { ctrl: true, alt: true }))).toBeNull();
      expect(callShortcutOf(press('d', { ctrl: true, shift: true }))).toBeNull();
    });

    it('opens the list of shortcuts on ? outside a text field, and on Ctrl+/ or ⌘+/ anywhere', () => {
      document.body.innerHTML = '<main><button>Mute</button><input><textarea></textarea><input type="range"></main>';
      const on = (selector: string, event: ReturnType<typeof press>) => asksForShortcuts({ ...event, target: document.querySelector(selector) });
      const question = press('?', { shift: true }, 'Slash');
      expect(on('main', question)).toBe(true);
      expect(on('button', question)).toBe(true);
      expect(on('input[type="range"]', question)).toBe(true);
      // Typed in the chat, it is a question mark.
      expect(on('input', question)).toBe(false);
      expect(on('textarea', question)).toBe(false);
      expect(on('textarea', press('/', { ctrl: true }, 'Slash'))).toBe(true);
      expect(on('main', press('/', { meta: true }, 'Slash'))).toBe(true);
      expect(on('main', press('/', {}, 'Slash'))).toBe(false);
      expect(on('main', press('/', { ctrl: true, alt: true }, 'Slash'))).toBe(false);
    });
  });
});
