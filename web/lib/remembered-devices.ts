import type { MediaRequest } from '../../machines/call/types.ts';
import { isBackground, type Background } from './backgrounds.ts';
import { defaultStorage } from './remembered-name.svelte.ts';

/** The `localStorage` key of the devices a person picked, and of their sound and background choices. */
const devicesKey = 'parley.devices';

/**
 * The microphone's sound as it is, without the browser's echo cancellation, noise suppression
 * and gain control: for music, which those treat as noise (Zoom's "original sound"). Without
 * headphones the others then hear themselves back.
 */
const unprocessed = { echoCancellation: false, noiseSuppression: false, autoGainControl: false } as const;

/** What getUserMedia is asked for a microphone: `deviceId` (or the default), processed or not. */
export function microphoneConstraints(deviceId: string | undefined, originalSound: boolean): boolean | MediaTrackConstraints {
  const device = deviceId === undefined ? {} : { deviceId: { exact: deviceId } };
  return deviceId === undefined && !originalSound ? true : { ...device, ...(originalSound ? unprocessed : {}) };
}

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

  /** Whether the microphone's original sound was chosen (`microphoneConstraints`). */
  get originalSound(): boolean {
    return this.#all().originalSound === true;
  }

  set originalSound(on: boolean) {
    this.#write({ ...this.#all(), originalSound: on });
  }

  /** What stands behind the person in their camera's picture (web/lib/background-effects.ts). */
  get background(): Background {
    const all = this.#all();
    if (isBackground(all.background)) return all.background;
    // Remembered before pictures were offered.
    return all.backgroundBlur === true ? 'blur' : 'none';
  }

  set background(background: Background) {
    const { backgroundBlur: _before, ...all } = this.#all();
    this.#write({ ...all, background });
  }

  /** Remembers the device picked; `''` goes back to the default. */
  set(kind: DeviceKind, deviceId: string): void {
    this.#write({ ...this.#all(), [kind]: deviceId });
  }

  #write(all: Record<string, unknown>): void {
    try {
      this.storage?.setItem(devicesKey, JSON.stringify(all));
    } catch {
      // Storage full or refused: the choice still holds for this call.
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
 * exact id (Chromium passes over an `ideal` microphone id and opens the default), and the
 * microphone's original sound if that was chosen.
 */
export function constraintsFor(request: MediaRequest, remembered: RememberedDevices): MediaStreamConstraints {
  const camera = remembered.get('videoinput');
  return {
    audio: request.audio && microphoneConstraints(remembered.get('audioinput'), remembered.originalSound),
    video: request.video && (camera === undefined ? true : { deviceId: { exact: camera } }),
  };
}

/**
 * Opens the camera and microphone `request` asks for: the ones picked last time, or the
 * browser's defaults where one of those is gone or busy (a headset unplugged since), with the
 * sound chosen either way. A refusal is not asked again.
 */
export async function openPickedMedia(request: MediaRequest, mediaDevices: Pick<MediaDevices, 'getUserMedia'>, remembered = new RememberedDevices()): Promise<MediaStream> {
  const defaults = { audio: request.audio && microphoneConstraints(undefined, remembered.originalSound), video: request.video };
  const picked = constraintsFor(request, remembered);
  if (JSON.stringify(picked) === JSON.stringify(defaults)) return mediaDevices.getUserMedia(defaults);
  try {
    return await mediaDevices.getUserMedia(picked);
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'NotAllowedError') throw error;
    return mediaDevices.getUserMedia(defaults);
  }
}
