/** Whether this browser can show one element on the whole screen (iPhone Safari cannot). */
export function canFullscreen(): boolean {
  return typeof document !== 'undefined' && document.fullscreenEnabled === true;
}

/** Shows `element` on the whole screen; if anything already is, goes back instead. */
export function toggleFullscreen(element: HTMLElement | undefined): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else if (element && canFullscreen()) void element.requestFullscreen().catch(() => {});
}
