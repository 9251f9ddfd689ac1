/**
 * The call's switches where the browser shows them outside the page. Chromium puts a
 * microphone, a camera and a hang-up button in the picture-in-picture window of a page that
 * offers these Media Session actions, as for Meet; it also calls `enterpictureinpicture` to
 * float the call by itself (`offerAutoPictureInPicture`). A browser without an action ignores it.
 */

/** The actions the call offers (newer than TypeScript's DOM types). */
export type SessionAction = 'togglemicrophone' | 'togglecamera' | 'hangup' | 'enterpictureinpicture';

/** The browser's Media Session, where there is one. */
function mediaSession(): MediaSession | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.mediaSession;
}

/** Offers each action to the browser; returns what withdraws the offers. Actions the browser does not know are left out. */
export function offerSessionActions(handlers: Partial<Record<SessionAction, () => void>>): () => void {
  const session = mediaSession();
  if (session === undefined) return () => {};
  const offered: SessionAction[] = [];
  for (const [action, handler] of Object.entries(handlers) as [SessionAction, () => void][]) {
    try {
      session.setActionHandler(action as MediaSessionAction, handler);
      offered.push(action);
    } catch {
      // An action this browser does not have.
    }
  }
  return () => {
    for (const action of offered) {
      try {
        session.setActionHandler(action as MediaSessionAction, null);
      } catch {
        // The browser took the action away meanwhile: nothing to withdraw.
      }
    }
  };
}

/** Tells the browser whether the microphone and camera are on, so its buttons show them as they are. */
export function showSessionSwitches(micOn: boolean, cameraOn: boolean): void {
  const session = mediaSession();
  // Older browsers have neither method; some return a promise that may reject.
  void Promise.resolve(session?.setMicrophoneActive?.(micOn)).catch(() => {});
  void Promise.resolve(session?.setCameraActive?.(cameraOn)).catch(() => {});
}
