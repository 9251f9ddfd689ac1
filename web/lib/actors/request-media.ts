import { fromCallback } from 'xstate';
import type { CallEvent, MediaSource } from '../../../machines/call/types.ts';
import { openPickedMedia } from '../remembered-devices.ts';
import { toMediaAccessError } from './acquire-media.ts';

/** Asks the browser for `source`: the camera alone (the one picked last time), or a screen (window, tab) to share. */
function ask(source: MediaSource): Promise<MediaStream> {
  if (source === 'screen') return navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  return openPickedMedia({ video: true, audio: false }, navigator.mediaDevices);
}

/**
 * The call machine's `requestMedia`: a camera turned on mid-call, or a screen to share
 * (`getDisplayMedia`). Reports `media.added` or `media.refused`; a stream that arrives after
 * the call stopped asking (the person hung up meanwhile) is stopped at once.
 */
export const requestMedia = fromCallback<CallEvent, { source: MediaSource }>(({ input, sendBack }) => {
  let stopped = false;
  ask(input.source).then(
    (stream) => {
      if (stopped) for (const track of stream.getTracks()) track.stop();
      else sendBack({ type: 'media.added', source: input.source, stream });
    },
    (error: unknown) => {
      const refusal = toMediaAccessError(error);
      if (!stopped) sendBack({ type: 'media.refused', source: input.source, code: refusal.code, message: refusal.message });
    },
  );
  return () => {
    stopped = true;
  };
});
