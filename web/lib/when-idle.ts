/**
 * Runs `task` at the main thread's next idle moment, at most `timeoutMs` later
 * (`requestIdleCallback`; a plain timer where there is none). For work nobody waits for that
 * would otherwise run in the middle of a call's setup, between its signals: a chime.
 * Returns what cancels it.
 */
export function whenIdle(task: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => task(), { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, 0);
  return () => clearTimeout(id);
}
