/**
 * What the rest of the page knows of background blur (web/lib/background-blur.ts, loaded once
 * a person turns it on): whether the browser can, and which camera is behind a blurred track.
 */

/** Insertable streams for video (Chromium): a track's frames as a stream, and a track from a stream. */
export interface TrackProcessor {
  readable: ReadableStream<VideoFrame>;
}
export interface TrackGenerator extends MediaStreamTrack {
  writable: WritableStream<VideoFrame>;
}
export const insertable = globalThis as unknown as {
  MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack }) => TrackProcessor;
  MediaStreamTrackGenerator?: new (init: { kind: 'video' }) => TrackGenerator;
};

/**
 * Whether this browser can blur the camera's background: frames go through the model by
 * insertable streams, which Firefox does not have for video.
 */
export const canBlurBackground = typeof insertable.MediaStreamTrackProcessor === 'function' && typeof insertable.MediaStreamTrackGenerator === 'function';

/** The camera track behind each blurred track. */
const cameras = new WeakMap<MediaStreamTrack, MediaStreamTrack>();

/** Notes that `blurred` is made from `camera`. */
export function blurredFrom(blurred: MediaStreamTrack, camera: MediaStreamTrack): void {
  cameras.set(blurred, camera);
}

/** The camera's own track behind `track` (a blurred one), or `track` itself. */
export function cameraOf(track: MediaStreamTrack): MediaStreamTrack {
  return cameras.get(track) ?? track;
}
