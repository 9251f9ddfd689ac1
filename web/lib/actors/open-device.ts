import { MediaAccessError } from '../../../machines/call/media-access-error.ts';
import { microphoneConstraints } from '../remembered-devices.ts';

/** A kind of input device a person can pick. */
export type InputKind = 'audioinput' | 'videoinput';

/**
 * Opens one input device and returns its track, for `ui.useTrack`: the camera or microphone a
 * person picked, or the one that takes over from an unplugged device (`deviceId` undefined:
 * the browser's default), a microphone with its original sound if chosen. Errors become a
 * MediaAccessError with a stable code.
 */
export async function openDevice(kind: InputKind, deviceId: string | undefined, originalSound = false): Promise<MediaStreamTrack> {
  const camera = deviceId === undefined ? true : { deviceId: { exact: deviceId } };
  const constraints = kind === 'videoinput' ? camera : microphoneConstraints(deviceId, originalSound);
  try {
    const stream = await navigator.mediaDevices.getUserMedia(kind === 'videoinput' ? { video: constraints } : { audio: constraints });
    const [track] = stream.getTracks();
    if (!track) throw new Error('The device gave no track.');
    return track;
  } catch (error) {
    const denied = error instanceof DOMException && error.name === 'NotAllowedError';
    throw new MediaAccessError(denied ? 'media-denied' : 'media-unavailable', error instanceof Error ? error.message : String(error), { cause: error });
  }
}
