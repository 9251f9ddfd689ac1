import { fromPromise } from 'xstate';
import type { MediaRequest } from '../../../machines/call/types.ts';
import { MediaAccessError } from '../../../machines/call/media-access-error.ts';
import { backgroundIfChosen } from '../camera-backgrounds.ts';
import { openPickedMedia } from '../remembered-devices.ts';

/** getUserMedia errors that mean "no such device (usable)": the call machine then tries less. */
const unavailableNames: ReadonlySet<string> = new Set([
  'NotFoundError',
  'OverconstrainedError',
  // The device exists but another application holds it (common with cameras on Windows).
  'NotReadableError',
  'AbortError',
]);

/** getUserMedia errors that mean the person, a policy or an insecure origin said no. */
const deniedNames: ReadonlySet<string> = new Set(['NotAllowedError', 'SecurityError']);

/** Turns what getUserMedia (or getDisplayMedia) threw into a MediaAccessError with a stable code. */
export function toMediaAccessError(error: unknown): MediaAccessError {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (deniedNames.has(name)) return new MediaAccessError('media-denied', message, { cause: error });
  if (unavailableNames.has(name)) return new MediaAccessError('media-unavailable', message, { cause: error });
  return new MediaAccessError('media-unavailable', message || 'The camera or microphone could not be used.', { cause: error });
}

/**
 * The call machine's `acquireMedia`: one getUserMedia call for the devices asked for (the
 * camera and microphone picked last time, where they are still there), the camera's
 * background blurred or replaced when the person chose so (`backgroundIfChosen`). The
 * fallbacks (both, then microphone only, then camera only) are the machine's; this only maps
 * errors. A stream that arrives after the request was abandoned (the person hung up while
 * the browser was asking) is stopped at once, so the camera light goes off.
 */
export const acquireMedia = fromPromise<MediaStream, MediaRequest>(async ({ input, signal }) => {
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers expose mediaDevices only on secure origins (https, or localhost).
    throw new MediaAccessError('media-unavailable', 'Camera and microphone need a secure (https) page.');
  }
  let stream: MediaStream;
  try {
    stream = await openPickedMedia(input, navigator.mediaDevices);
  } catch (error) {
    throw toMediaAccessError(error);
  }
  stream = await backgroundIfChosen(stream);
  if (signal.aborted) for (const track of stream.getTracks()) track.stop();
  return stream;
});
