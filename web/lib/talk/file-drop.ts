import type { Attachment } from 'svelte/attachments';

/** Whether a drag carries files (not text or a link dragged from the page). */
function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') === true;
}

/**
 * Files dropped on an element are sent (`send`), as in Slack or Teams: dragged over it, the
 * element carries `data-dropping`, so it can show where to let go. A drag of text or a link is
 * left to the browser.
 */
export function dropFiles(send: (file: File) => void): Attachment<HTMLElement> {
  return (element) => {
    // Enter and leave fire for each child the pointer crosses: count them.
    let depth = 0;
    const mark = (over: boolean) => element.toggleAttribute('data-dropping', over);
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      mark(true);
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) mark(false);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      // Accepting the drop: without it the browser opens the file in place of the call.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      mark(false);
      for (const file of event.dataTransfer?.files ?? []) send(file);
    };
    const listeners = { dragenter: enter, dragleave: leave, dragover: over, drop } as const;
    for (const [type, listener] of Object.entries(listeners)) element.addEventListener(type, listener as EventListener);
    return () => {
      for (const [type, listener] of Object.entries(listeners)) element.removeEventListener(type, listener as EventListener);
    };
  };
}

/** The files pasted into a field (a screenshot copied to the clipboard), taken from the paste; none leaves the paste as it was. */
export function pastedFiles(event: ClipboardEvent): File[] {
  const files = [...(event.clipboardData?.files ?? [])];
  if (files.length > 0) event.preventDefault();
  return files;
}
