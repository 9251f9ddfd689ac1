/**
 * The page's one AudioContext, for the join/leave chimes, made on first use. Each AudioContext
 * is a rendering thread in the browser's audio service, running for as long as the context
 * lives, and making one holds the main thread for 10-20 ms (several times that on a slow
 * machine): one per page, and none until a chime plays.
 */
let context: AudioContext | undefined;

/** The page's AudioContext, made now if it is the first call; `undefined` where there is no WebAudio. */
export function pageAudio(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  context ??= new AudioContext();
  return context;
}

/**
 * Browsers start an AudioContext suspended until the person interacts with the page (autoplay
 * policy): the page calls this on a click or key press. Makes no context of its own.
 */
export function resumePageAudio(): void {
  if (context?.state === 'suspended') void context.resume();
}
