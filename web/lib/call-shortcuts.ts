/**
 * Keyboard shortcuts for the call's switches, as people know them from other call apps (Google
 * Meet): Ctrl+D mutes, Ctrl+E switches the camera (⌘ for Ctrl on a Mac), Ctrl+Alt+H raises or
 * lowers your hand and Ctrl+Alt+C opens or closes the chat (⌘+Ctrl on a Mac, where ⌘+Option+H
 * hides the other apps). Shown in the
 * buttons' tooltips and `aria-keyshortcuts`. Holding Space while muted talks (`holdsToTalk`);
 * `?` or Ctrl+/ lists them all (`asksForShortcuts`).
 */
export const callShortcuts = {
  mic: { key: 'd', label: 'Ctrl+D', mac: '⌘+D', aria: 'Control+D Meta+D' },
  camera: { key: 'e', label: 'Ctrl+E', mac: '⌘+E', aria: 'Control+E Meta+E' },
  hand: { key: 'h', label: 'Ctrl+Alt+H', mac: '⌘+Ctrl+H', aria: 'Control+Alt+H Meta+Control+H' },
  chat: { key: 'c', label: 'Ctrl+Alt+C', mac: '⌘+Ctrl+C', aria: 'Control+Alt+C Meta+Control+C' },
} as const;

/** A switch with a shortcut. */
export type CallShortcut = keyof typeof callShortcuts;

/** Whether the page runs on a Mac (or an iPad with a keyboard), where ⌘ stands for Ctrl. */
export function onMac(): boolean {
  if (typeof navigator === 'undefined') return false;
  const platform = (navigator as Navigator & { userAgentData?: { platform: string } }).userAgentData?.platform ?? navigator.platform;
  return /mac|iphone|ipad/i.test(platform);
}

/** How a switch's shortcut is written for the person's keyboard. */
export function shortcutLabel(shortcut: CallShortcut, mac = onMac()): string {
  return mac ? callShortcuts[shortcut].mac : callShortcuts[shortcut].label;
}

type Press = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'> & Partial<Pick<KeyboardEvent, 'getModifierState'>>;

/**
 * Which switch a key press asks for, if any. It reads the physical key (`code`) too: with
 * Option on a Mac a letter types another character (Option+H is `˙`).
 */
export function callShortcutOf(event: Press): CallShortcut | null {
  // AltGr reads as Ctrl+Alt on Windows, and types letters (ć is AltGr+C on a Polish keyboard).
  if (event.shiftKey || event.getModifierState?.('AltGraph')) return null;
  const is = (letter: string) => event.key.toLowerCase() === letter || event.code === `Key${letter.toUpperCase()}`;
  // Two modifiers: Ctrl+Alt, or ⌘+Ctrl.
  if (event.ctrlKey && event.altKey !== event.metaKey) {
    if (is(callShortcuts.hand.key)) return 'hand';
    if (is(callShortcuts.chat.key)) return 'chat';
    return null;
  }
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

/** Where a typed character is text: a text field (not a slider or a checkbox), a select, an editable area. */
const textTakers = ['', 'text', 'search', 'url', 'email', 'tel', 'password', 'number']
  .map((type) => (type === '' ? 'input:not([type])' : `input[type="${type}"]`))
  .concat('textarea', 'select', '[contenteditable]:not([contenteditable="false"])')
  .join(', ');

/**
 * Whether a key press asks for the list of shortcuts: `?` typed anywhere but in a text field
 * (as on GitHub or Gmail), or Ctrl+/ (⌘+/), as in Meet, which works in a field too.
 */
export function asksForShortcuts(event: Press & { target: EventTarget | null }): boolean {
  if (event.altKey) return false;
  if (event.ctrlKey || event.metaKey) return event.key === '/' || event.code === 'Slash';
  const target = event.target as Partial<Element> | null;
  return event.key === '?' && (typeof target?.closest !== 'function' || target.closest(textTakers) === null);
}
