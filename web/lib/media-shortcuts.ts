/**
 * Keyboard shortcuts for the microphone and camera, as people know them from other call apps
 * (Google Meet): Ctrl+D mutes, Ctrl+E switches the camera (⌘ on a Mac). Shown in the buttons'
 * tooltips and `aria-keyshortcuts`.
 */
export const mediaShortcuts = {
  mic: { key: 'd', label: 'Ctrl+D', aria: 'Control+D' },
  camera: { key: 'e', label: 'Ctrl+E', aria: 'Control+E' },
} as const;

/** Which toggle a key press asks for, if any. */
export function mediaShortcutOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): 'mic' | 'camera' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return null;
  const key = event.key.toLowerCase();
  if (key === mediaShortcuts.mic.key) return 'mic';
  if (key === mediaShortcuts.camera.key) return 'camera';
  return null;
}
