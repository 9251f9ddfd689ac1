/**
 * Keyboard shortcuts for the call's switches, as people know them from other call apps (Google
 * Meet): Ctrl+D mutes, Ctrl+E switches the camera (⌘ for Ctrl on a Mac), Ctrl+Alt+H raises or
 * lowers your hand (⌘+Ctrl+H on a Mac, where ⌘+Option+H hides the other apps). Shown in the
 * buttons' tooltips and `aria-keyshortcuts`. Holding Space while muted talks (`holdsToTalk`).
 */
export const callShortcuts = {
  mic: { key: 'd', label: 'Ctrl+D', aria: 'Control+D' },
  camera: { key: 'e', label: 'Ctrl+E', aria: 'Control+E' },
  hand: { key: 'h', label: 'Ctrl+Alt+H', aria: 'Control+Alt+H Meta+Control+H' },
} as const;

/** A switch with a shortcut. */
export type CallShortcut = keyof typeof callShortcuts;

type Press = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/**
 * Which switch a key press asks for, if any. It reads the physical key (`code`) too: with
 * Option on a Mac a letter types another character (Option+H is `˙`).
 */
export function callShortcutOf(event: Press): CallShortcut | null {
  if (event.shiftKey) return null;
  const is = (letter: string) => event.key.toLowerCase() === letter || event.code === `Key${letter.toUpperCase()}`;
  // Two modifiers: Ctrl+Alt, or ⌘+Ctrl.
  if (event.ctrlKey && event.altKey !== event.metaKey) return is(callShortcuts.hand.key) ? 'hand' : null;
  if ((event.ctrlKey || event.metaKey) && !event.altKey) {
    if (is(callShortcuts.mic.key)) return 'mic';
    if (is(callShortcuts.camera.key)) return 'camera';
  }
  return null;
}

/** What Space does where it lands: types a space, presses a button, picks an option, follows a link. */
const spaceTakers = 'input, textarea, select, button, a[href], summary, [contenteditable]:not([contenteditable="false"]), [role="button"], [role="checkbox"], [role="switch"], [role="option"], [role="menuitem"]';

/**
 * Whether a key event is the Space bar held to talk while muted, as in Zoom and Meet: Space
 * alone, not on something Space already works on (a field, a button), so typing in the chat or
 * pressing a focused button stays what it was.
 */
export function holdsToTalk(event: Press & { target: EventTarget | null }): boolean {
  if (event.code !== 'Space' || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false;
  const target = event.target as Partial<Element> | null;
  return typeof target?.closest !== 'function' || target.closest(spaceTakers) === null;
}
