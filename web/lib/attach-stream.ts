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

/** Plays a `<video>` on the speaker picked where the browser can (Chromium's `setSinkId`); `''` is the system default. */
export function playOn(sinkId: string): Attachment<HTMLVideoElement> {
  return (video) => {
    const sink = video as HTMLVideoElement & { setSinkId?: (id: string) => Promise<void> };
    sink.setSinkId?.(sinkId).catch(() => {});
  };
}

/** Plays a `<video>`'s sound at `level`, from 0 (silent) to 1 (as sent). */
export function playAt(level: number): Attachment<HTMLVideoElement> {
  return (video) => {
    video.volume = level;
  };
}

/** The "Turn sound on" button's click: plays the video with sound, muted again if the browser still refuses. Resolves whether it plays aloud. */
export async function playAloud(video: HTMLVideoElement): Promise<boolean> {
  video.muted = false;
  try {
    await video.play();
    return true;
  } catch {
    video.muted = true;
    return false;
  }
}
