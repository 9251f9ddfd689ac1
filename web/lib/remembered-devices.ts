import type { MediaRequest } from '../../machines/call/types.ts';
import { defaultStorage } from './remembered-name.svelte.ts';

/** The `localStorage` key of the devices a person picked. */
const devicesKey = 'parley.devices';

/** What a person picks: a camera, a microphone or a speaker. */
export type DeviceKind = 'videoinput' | 'audioinput' | 'audiooutput';

/**
 * The camera, microphone and speaker a person picked, remembered so the next call starts with
 * them, as other call apps do. Device ids are the browser's own, kept per site; an id that is
 * no longer there (a headset unplugged) is not found, and the browser's default is used.
 */
export class RememberedDevices {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = defaultStorage()) {}

  /** The device of `kind` picked last, or `undefined` for the browser's default. */
  get(kind: DeviceKind): string | undefined {
    const id = this.#all()[kind];
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  /** Remembers the device picked; `''` goes back to the default. */
  set(kind: DeviceKind, deviceId: string): void {
    try {
      this.storage?.setItem(devicesKey, JSON.stringify({ ...this.#all(), [kind]: deviceId }));
    } catch {
      // Storage full or refused: the pick still holds for this call.
    }
  }

  #all(): Record<string, unknown> {
    try {
      const all: unknown = JSON.parse(this.storage?.getItem(devicesKey) ?? '{}');
      return typeof all === 'object' && all !== null ? (all as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
}

/**
 * What getUserMedia is asked for `request`: the camera and microphone picked last time, by
 * exact id (Chromium passes over an `ideal` microphone id and opens the default).
 */
export function constraintsFor(request: MediaRequest, remembered: RememberedDevices): MediaStreamConstraints {
  const device = (wanted: boolean, kind: DeviceKind): boolean | MediaTrackConstraints => {
    const id = remembered.get(kind);
    return wanted && id !== undefined ? { deviceId: { exact: id } } : wanted;
  };
  return { audio: device(request.audio, 'audioinput'), video: device(request.video, 'videoinput') };
}

/**
 * Opens the camera and microphone `request` asks for: the ones picked last time, or the
 * browser's defaults where one of those is gone or busy (a headset unplugged since). A refusal
 * is not asked again.
 */
export async function openPickedMedia(request: MediaRequest, mediaDevices: Pick<MediaDevices, 'getUserMedia'>, remembered = new RememberedDevices()): Promise<MediaStream> {
  const defaults = { audio: request.audio, video: request.video };
  const picked = constraintsFor(request, remembered);
  if (picked.audio === defaults.audio && picked.video === defaults.video) return mediaDevices.getUserMedia(defaults);
  try {
    return await mediaDevices.getUserMedia(picked);
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'NotAllowedError') throw error;
    return mediaDevices.getUserMedia(defaults);
  }
}
