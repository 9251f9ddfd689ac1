/**
 * The page's one AudioContext, for the chimes and for hearing your own microphone (its meter,
 * your tile's outline), made on first use. Each AudioContext is a rendering thread in the
 * browser's audio service, running for as long as the context lives, and making one holds the
 * main thread for 10-20 ms (several times that on a slow machine): one per page.
 */
let context: AudioContext | undefined;
/** The speaker the person picked for the call, `''` for the system's default. */
let speaker = '';

/** An AudioContext that can choose its output device (Chromium; Firefox cannot yet). */
type SinkableContext = AudioContext & { setSinkId(sinkId: string): Promise<void> };

/** Whether the page's own sounds can play on the speaker the person picked, as the call does. */
export const pageAudioFollowsSpeaker = typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;

/** The page's AudioContext, made now if it is the first call; `undefined` where there is no WebAudio. */
export function pageAudio(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  if (context === undefined) {
    context = new AudioContext();
    if (speaker !== '') playOn(context, speaker);
  }
  return context;
}

/**
 * Plays the page's own sounds (the chimes, the speaker test) on the speaker picked for the
 * call, where the browser can; elsewhere they stay on the system's default.
 */
export function usePageSpeaker(speakerId: string): void {
  if (speakerId === speaker) return;
  speaker = speakerId;
  if (context !== undefined) playOn(context, speakerId);
}

function playOn(context: AudioContext, speakerId: string): void {
  // An unplugged speaker refuses: the sound stays where it was, as the call's does.
  if (pageAudioFollowsSpeaker) (context as SinkableContext).setSinkId(speakerId).catch(() => {});
}

/**
 * Browsers start an AudioContext suspended until the person interacts with the page (autoplay
 * policy): the page calls this on a click or key press. Makes no context of its own.
 */
export function resumePageAudio(): void {
  if (context?.state === 'suspended') void context.resume();
}
