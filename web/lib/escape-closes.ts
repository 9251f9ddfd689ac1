/**
 * An attachment for a panel: Escape pressed anywhere inside it calls `close`, unless something
 * inside (an open menu, say) handled the key first. The panel's own × does the same, so the
 * key is a shortcut, never the only way.
 */
export function escapeCloses(close: () => void) {
  return (panel: HTMLElement): (() => void) => {
    const onkeydown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      close();
    };
    panel.addEventListener('keydown', onkeydown);
    return () => panel.removeEventListener('keydown', onkeydown);
  };
}
