/**
 * Keeps the screen on through the call (the Screen Wake Lock API), as Meet does: listening with
 * the camera off, a phone would dim, then lock, and a locked phone's browser puts the call's
 * page to sleep. The browser lets go of the lock whenever the page is hidden; it is asked for
 * again when the page shows. Returns what lets the screen sleep again. A browser without the
 * API, or refusing it (a battery saver), keeps its own habits.
 */
export function keepScreenAwake(): () => void {
  const wakeLock = typeof navigator === 'undefined' ? undefined : navigator.wakeLock;
  if (wakeLock === undefined) return () => {};
  let held: WakeLockSentinel | undefined;
  let stopped = false;
  const ask = (): void => {
    if (stopped || document.visibilityState !== 'visible' || (held !== undefined && !held.released)) return;
    wakeLock.request('screen').then(
      (sentinel) => {
        if (stopped) void sentinel.release().catch(() => {});
        else held = sentinel;
      },
      () => {},
    );
  };
  ask();
  document.addEventListener('visibilitychange', ask);
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', ask);
    void held?.release().catch(() => {});
  };
}
