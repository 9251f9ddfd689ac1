import { fromCallback } from 'xstate';
import type { CallEvent, MediaSource } from '../../../machines/call/types.ts';
import { backgroundIfChosen } from '../camera-backgrounds.ts';
import { openPickedMedia } from '../remembered-devices.ts';
import { toMediaAccessError } from './acquire-media.ts';

/**
 * A screen to share, with its sound where the browser offers it (Chromium: "Also share tab
 * audio" for a tab playing a video). Never the call's own tab, nor the whole system's sound on
 * Windows: both hold the others' voices, which would come back to them.
 */
const screenOptions: ScreenOptions = { video: true, audio: true, selfBrowserSurface: 'exclude', systemAudio: 'exclude' };

/** The Screen Capture options TypeScript's DOM types do not have yet. */
type ScreenOptions = DisplayMediaStreamOptions & { selfBrowserSurface?: 'include' | 'exclude'; systemAudio?: 'include' | 'exclude' };

/** Asks for a screen with its sound, and without it where the browser refuses the sound's options. */
async function askForScreen(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getDisplayMedia(screenOptions);
  } catch (error) {
    // Options or sound this browser does not take. A refusal (NotAllowedError) is the person's answer.
    const unsupported = error instanceof TypeError || (error instanceof DOMException && error.name === 'NotSupportedError');
    if (!unsupported) throw error;
    return navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  }
}

/** Asks the browser for `source`: the camera alone (the one picked last time, with the background chosen), or a screen (window, tab) to share. */
function ask(source: MediaSource): Promise<MediaStream> {
  if (source === 'screen') return askForScreen();
  return openPickedMedia({ video: true, audio: false }, navigator.mediaDevices).then((stream) => backgroundIfChosen(stream));
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
