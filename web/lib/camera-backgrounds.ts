/**
 * What the rest of the page knows of background blur (web/lib/background-blur.ts, loaded once
 * a person turns it on): whether the browser can, which camera is behind a blurred track, and
 * how a camera is blurred as it is opened.
 */
import { RememberedDevices } from './remembered-devices.ts';

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

/** Blurs a camera's background, the blur's code fetched first (the first time). */
export async function blurCamera(camera: MediaStreamTrack): Promise<MediaStreamTrack> {
  return (await import('./background-blur.ts')).blurredTrack(camera);
}

/**
 * `stream` with its camera blurred when the person chose blur (remembered) and it can run
 * here: a camera is opened blurred, so its first frame is too (the pre-join preview, a call
 * started from the lobby, a camera turned on mid-call). Where blur fails to start, `stream` is
 * left as it is (the Devices panel says so once it tries again).
 */
export async function blurIfChosen(stream: MediaStream, chosen = canBlurBackground && new RememberedDevices().backgroundBlur, blur = blurCamera): Promise<MediaStream> {
  const camera = stream.getVideoTracks()[0];
  if (!chosen || camera === undefined) return stream;
  try {
    const blurred = await blur(camera);
    stream.removeTrack(camera);
    stream.addTrack(blurred);
  } catch {
    // Sent as it is; DeviceChoice tries again and says so.
  }
  return stream;
}
