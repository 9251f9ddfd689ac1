import type { JoinedMessage } from '../../protocol/messages.ts';

/** What to do with the peer machines after a `joined` that answers a resume. */
export interface RejoinPlan {
  /** Peers we still have machines for and that are still in the room. */
  keep: string[];
  /** Peers whose machines must close: they left while we were away. */
  close: string[];
  /** Peers to answer: they joined while we were away and have offered (queued by the server). */
  answer: string[];
  /** Peers to offer to: the resume failed and we joined as a newcomer. */
  offer: string[];
  /** True when we are the same peer as before, so signals held while away may be sent. */
  resumed: boolean;
}

/**
 * Compares the room the server describes in `joined` with the peers we had before the socket
 * was lost. With the same peer id the seat was kept: peers that left are closed and peers
 * that arrived meanwhile are answered (their offers were queued for us). With a new peer id
 * the grace period had passed and we are a newcomer: every old machine closes and we offer to
 * everyone, as after a first join. A room the server re-established after losing it
 * (`restored`) lists only the peers back so far: the others keep their machines.
 */
export function planRejoin(known: readonly string[], selfId: string | null, joined: JoinedMessage): RejoinPlan {
  if (joined.peerId !== selfId) {
    return { keep: [], close: [...known], answer: [], offer: [...joined.peers], resumed: false };
  }
  const present = new Set(joined.peers);
  const had = new Set(known);
  // In a room the server re-established, peers not back yet are not gone: they return as `peer-joined` resumed.
  const stays = (peerId: string) => present.has(peerId) || joined.restored === true;
  return {
    keep: known.filter(stays),
    close: known.filter((peerId) => !stays(peerId)),
    answer: joined.peers.filter((peerId) => !had.has(peerId)),
    offer: [],
    resumed: true,
  };
}
