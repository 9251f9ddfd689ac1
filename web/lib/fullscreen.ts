/** Whether this browser can show one element on the whole screen (iPhone Safari cannot). */
export function canFullscreen(): boolean {
  return typeof document !== 'undefined' && document.fullscreenEnabled === true;
}

/** Shows `element` on the whole screen; if anything already is, goes back instead. */
export function toggleFullscreen(element: HTMLElement | undefined): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else if (element && canFullscreen()) void element.requestFullscreen().catch(() => {});
}

/**
 * What a double click on a tile does: shows it on the whole screen, or goes back. One on a
 * control inside the tile (a button pressed twice quickly, a slider dragged) is the control's.
 */
export function onDoubleClickFullscreen(element: () => HTMLElement | undefined): (event: MouseEvent) => void {
  return (event) => {
    const target = event.target as Partial<Element> | null;
    if (typeof target?.closest === 'function' && target.closest('button, input, select, a[href]')) return;
    toggleFullscreen(element());
  };
}
