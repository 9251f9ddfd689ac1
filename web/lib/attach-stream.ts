import type { Attachment } from 'svelte/attachments';

/** What `attachStream` reports about playback. */
export interface StreamPlayback {
  /**
   * Called when the browser refused to play the stream with sound before the person
   * interacted with the page (autoplay policy); the video then plays muted instead.
   */
  onAutoplayBlocked?: () => void;
}

/**
 * Shows a MediaStream in a `<video>`: `<video {@attach attachStream(stream)}>`. Re-runs when
 * the stream changes and detaches it when the element goes away, so a closed peer's tracks
 * are not kept alive by a forgotten `srcObject`.
 */
export function attachStream(stream: MediaStream | null | undefined, playback: StreamPlayback = {}): Attachment<HTMLVideoElement> {
  return (video) => {
    if (!stream) return;
    video.srcObject = stream;
    video.play().catch((error: unknown) => {
      // Autoplay with sound can be refused until the person clicks (Chromium's autoplay policy,
      // https://developer.chrome.com/blog/autoplay). Play muted and let the page offer a button.
      if (error instanceof DOMException && error.name === 'NotAllowedError' && !video.muted) {
        video.muted = true;
        playback.onAutoplayBlocked?.();
        video.play().catch(() => {});
      }
      // AbortError: the stream was replaced or the element removed while starting; nothing to do.
    });
    return () => {
      video.srcObject = null;
    };
  };
}
