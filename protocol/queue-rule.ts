/**
 * The queue rule of docs/protocol.md (Rooms), shared by the server's held-seat queues and the
 * page's own outbox: when a queue of signals is full, queued candidates go (oldest first)
 * before any description, so the latest offer or answer is never lost; with no candidate
 * left, the oldest description makes way.
 */
export function indexToDrop(isDescription: readonly boolean[]): number {
  const candidate = isDescription.indexOf(false);
  return candidate === -1 ? 0 : candidate;
}

/** Whether a signal's `data` carries a description (an offer or answer) rather than a candidate. */
export function carriesDescription(data: object): boolean {
  return 'description' in data;
}
