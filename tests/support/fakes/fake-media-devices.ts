import { fromPromise } from 'xstate';
import type { MediaRequest } from '../../../machines/call/types.ts';
import { MediaAccessError } from '../../../machines/call/media-access-error.ts';
import { createFakeStream, type FakeStream } from './fake-media.ts';

/** How one device answers: present, absent, or refused by the person. */
export type DeviceState = 'present' | 'missing' | 'denied';

/** A getUserMedia stand-in: a promise actor that answers from the configured devices. */
export interface FakeMediaDevices {
  /** Provide as `acquireMedia`. */
  logic: ReturnType<typeof fromPromise<MediaStream, MediaRequest>>;
  /** Every request made, in order. */
  requests: MediaRequest[];
  /** Every stream handed out, in order. */
  streams: FakeStream[];
  /** Requests not answered yet (only with `hold: true`): call `release()` to answer them. */
  release(): void;
  /** Changes how the devices answer from now on, as a person allowing the camera in the browser's settings. */
  change(camera: DeviceState, mic: DeviceState): void;
}

/**
 * Builds fake media devices. A request fails like a browser's getUserMedia: unavailable if any
 * requested device is missing, else refused if any is denied. With `hold`, answers wait for
 * `release()`; a stream answered after the request was abandoned is stopped, as the real
 * actor does.
 */
export function createFakeMediaDevices(given: { camera: DeviceState; mic: DeviceState; hold?: boolean }): FakeMediaDevices {
  const devices = { ...given };
  const requests: MediaRequest[] = [];
  const streams: FakeStream[] = [];
  const held: Array<() => void> = [];

  const answer = (request: MediaRequest): FakeStream => {
    const wanted = [request.video ? devices.camera : 'present', request.audio ? devices.mic : 'present'];
    // Like Chrome: a missing device fails the request before anyone is asked for permission.
    if (wanted.includes('missing')) throw new MediaAccessError('media-unavailable', 'Requested device not found.');
    if (wanted.includes('denied')) throw new MediaAccessError('media-denied', 'Permission denied.');
    const stream = createFakeStream(`local-${streams.length + 1}`, request);
    streams.push(stream);
    return stream;
  };

  const logic = fromPromise<MediaStream, MediaRequest>(({ input, signal }) => {
    requests.push(input);
    return new Promise<MediaStream>((resolve, reject) => {
      const settle = () => {
        try {
          const stream = answer(input);
          if (signal.aborted) for (const track of stream.getTracks()) track.stop();
          resolve(stream.asMediaStream());
        } catch (error) {
          reject(error);
        }
      };
      if (devices.hold) held.push(settle);
      else settle();
    });
  });

  return {
    logic,
    requests,
    streams,
    release: () => {
      for (const settle of held.splice(0)) settle();
    },
    change: (camera, mic) => {
      devices.camera = camera;
      devices.mic = mic;
    },
  };
}
