import { offerSessionActions } from './media-session.ts';

/** Whether this browser can float a video above other windows (Firefox offers its own button on the video instead). */
export function canPictureInPicture(): boolean {
  return typeof document !== 'undefined' && document.pictureInPictureEnabled === true;
}

/**
 * Floats `video` above other windows; if it already floats, brings it back into the page. A
 * video whose first frame has not told its size yet (the browser refuses those) floats once it has.
 */
export function togglePictureInPicture(video: HTMLVideoElement | null | undefined): void {
  if (!video) return;
  if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => {});
  else if (!canPictureInPicture()) return;
  else if (video.readyState >= HTMLMediaElement.HAVE_METADATA) void video.requestPictureInPicture().catch(() => {});
  else video.addEventListener('loadedmetadata', () => void video.requestPictureInPicture().catch(() => {}), { once: true });
}

/**
 * The call's video worth floating when you look away: a shared screen first, else whoever
 * speaks loudest, else the first person connected whose camera is on.
 */
export function videoToFloat(root: ParentNode): HTMLVideoElement | null {
  return (
    root.querySelector<HTMLVideoElement>('video[data-kind="screen"]') ??
    root.querySelector<HTMLVideoElement>('[data-testid="remote-tile"].active[data-state="connected"] video:not(.hidden)') ??
    root.querySelector<HTMLVideoElement>('[data-testid="remote-tile"][data-state="connected"] video:not(.hidden)')
  );
}

/**
 * Lets the browser float the call by itself when you switch to another tab or window
 * (Chromium's automatic picture-in-picture for pages using the camera or microphone): when it
 * asks, `pick` says which video. Returns what withdraws the offer. A browser without the
 * action ignores it.
 */
export function offerAutoPictureInPicture(pick: () => HTMLVideoElement | null): () => void {
  if (!canPictureInPicture()) return () => {};
  return offerSessionActions({ enterpictureinpicture: () => void pick()?.requestPictureInPicture().catch(() => {}) });
}
