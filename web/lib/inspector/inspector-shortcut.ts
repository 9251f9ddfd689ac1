/**
 * The keyboard shortcut that opens and closes the handshake inspector, as `aria-keyshortcuts`
 * spells it. Alt+I: Ctrl/Cmd+Shift+I opens the browser's developer tools, and a plain key or
 * Shift+? would fire while typing a room link.
 */
export const inspectorShortcut = 'Alt+I';

/**
 * Whether a key press is the inspector's shortcut. It reads the physical key (`code`) too:
 * on a Mac, Option+I types a dead key (`key` is `Dead` or `ˆ`), not `i`.
 */
export function isInspectorShortcut(event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'key' | 'code'>): boolean {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  return event.code === 'KeyI' || event.key.toLowerCase() === 'i';
}
