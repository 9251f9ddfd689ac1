/**
 * What the rest of the page knows of background effects (web/lib/background-effects.ts, loaded
 * once a person picks one): whether the browser can, which camera and which background are
 * behind a track, and how a camera is opened with the background chosen.
 */
import type { Background } from './backgrounds.ts';
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
 * Whether this browser can change the camera's background: frames go through the model by
 * insertable streams, which Firefox does not have for video.
 */
export const canChangeBackground = typeof insertable.MediaStreamTrackProcessor === 'function' && typeof insertable.MediaStreamTrackGenerator === 'function';

/** A background other than the room as it is. */
export type BackgroundEffect = Exclude<Background, 'none'>;

/** Makes a track of a camera's picture with its background changed. */
export type ChangeBackground = (camera: MediaStreamTrack, background: BackgroundEffect) => Promise<MediaStreamTrack>;

/** The camera track and the background behind each track made by an effect. */
const made = new WeakMap<MediaStreamTrack, { camera: MediaStreamTrack; background: BackgroundEffect }>();

/** Notes that `track` is `camera`'s picture with `background`. */
export function madeFrom(track: MediaStreamTrack, camera: MediaStreamTrack, background: BackgroundEffect): void {
  made.set(track, { camera, background });
}

/** The camera's own track behind `track` (one with its background changed), or `track` itself. */
export function cameraOf(track: MediaStreamTrack): MediaStreamTrack {
  return made.get(track)?.camera ?? track;
}

/** The background `track` shows: `none` for a camera's own track. */
export function backgroundOf(track: MediaStreamTrack): Background {
  return made.get(track)?.background ?? 'none';
}

/** Changes a camera's background, the effects' code fetched first (the first time). */
export const changeBackground: ChangeBackground = async (camera, background) => (await import('./background-effects.ts')).backgroundTrack(camera, background);

/**
 * `stream` with its camera's background changed when the person chose so (remembered) and it
 * can run here: a camera is opened with its effect, so its first frame has it too (the pre-join
 * preview, a call started from the lobby, a camera turned on mid-call). Where the effect fails
 * to start, `stream` is left as it is (the Devices panel says so once it tries again).
 */
export async function backgroundIfChosen(
  stream: MediaStream,
  chosen: Background = canChangeBackground ? new RememberedDevices().background : 'none',
  change: ChangeBackground = changeBackground,
): Promise<MediaStream> {
  const camera = stream.getVideoTracks()[0];
  if (chosen === 'none' || camera === undefined) return stream;
  try {
    const changed = await change(camera, chosen);
    stream.removeTrack(camera);
    stream.addTrack(changed);
  } catch {
    // Sent as it is; DeviceChoice tries again and says so.
  }
  return stream;
}
