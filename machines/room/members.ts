import { indexToDrop } from '../../protocol/queue-rule.ts';

/**
 * Pure helpers over a room's member list. A room holds at most MAX_CAPACITY (8) members, so
 * linear scans are cheaper than keeping an index in step with every change.
 */

/** One seat of a room. */
export interface Member {
  peerId: string;
  /** The current resume token, from the seat's latest `joined`. */
  token: string;
  /**
   * The token before `token`, still honoured until `token` has been used once, so a resume
   * whose `joined` was lost on the way can be retried (docs/protocol.md, Rooms); `null` when none.
   */
  previousToken: string | null;
  /** The server's opaque id of the member's socket; `null` while the seat is held after a loss. */
  connection: string | null;
  /** Encoded `signal` frames waiting for a held seat's owner to resume, oldest first. */
  queue: readonly string[];
  /** UTF-8 size of `queue`, so the byte bound is checked without re-measuring. */
  queuedBytes: number;
  /** The display name the member gave on `create`/`join` (already checked), if any. */
  name?: string;
  /** Per queued frame, whether it carries a description (an offer or answer) rather than a candidate. */
  queuedDescriptions: readonly boolean[];
}

/** The empty queues every seat starts with, shared: queues are replaced, never changed in place. */
const noFrames: readonly string[] = Object.freeze([]);
const noDescriptions: readonly boolean[] = Object.freeze([]);

/**
 * A member with nothing queued for its owner yet (two shared empty arrays, not two per member).
 * Every member is made here, in one literal with every field, `name` included when absent: V8
 * then keeps all eight fields in the object itself, where spreads would add some to a
 * separate property store (about 40 bytes more a member).
 */
export function seat(fields: Pick<Member, 'peerId' | 'token' | 'previousToken' | 'connection' | 'name'>): Member {
  const { peerId, token, previousToken, connection, name } = fields;
  return { peerId, token, previousToken, connection, name, queue: noFrames, queuedBytes: 0, queuedDescriptions: noDescriptions };
}

/**
 * Bounds of the queue kept for a held seat (docs/protocol.md, Rooms): a full ICE gathering sends a
 * few dozen candidates, and one SDP is near 10 KiB, so these keep a whole renegotiation.
 */
export const queueLimits = { frames: 64, bytes: 256 * 1024 } as const;

/** The member whose socket is `connection`, if any. */
export function memberByConnection(members: readonly Member[], connection: string): Member | undefined {
  for (const member of members) if (member.connection === connection) return member;
  return undefined;
}

/** The member named `peerId`, if any. */
export function memberByPeerId(members: readonly Member[], peerId: string): Member | undefined {
  for (const member of members) if (member.peerId === peerId) return member;
  return undefined;
}

/**
 * The member holding resume token `token`, its current one or the one before, if any. Every
 * token is compared in full, in time independent of where the strings differ, so response
 * timing leaks nothing about a token.
 */
export function memberByToken(members: readonly Member[], token: string): Member | undefined {
  let found: Member | undefined;
  for (const member of members) {
    const current = sameSecret(member.token, token);
    const previous = member.previousToken !== null && sameSecret(member.previousToken, token);
    if (current || previous) found = member;
  }
  return found;
}

/**
 * The token to keep as `previousToken` once `member` resumed with `used`: using the current
 * token retires the one before it; using the one before keeps it (the newer was never used).
 */
export function previousAfterResume(member: Member, used: string): string | null {
  return sameSecret(member.token, used) ? member.token : member.previousToken;
}

function sameSecret(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return difference === 0;
}

/** The size in bytes of `text` encoded as UTF-8, as it goes on the wire. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 1; // a surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes
      i++;
    } else if (code > 0x7ff) bytes += 2;
    else if (code > 0x7f) bytes += 1;
  }
  return bytes;
}

/**
 * `member` with `frame` appended to its queue; while the queue is over `queueLimits`, the
 * oldest candidate goes first and a description only when no candidate is left, so the latest
 * offer or answer is never lost to candidates (docs/protocol.md, Rooms).
 */
export function withQueued(member: Member, frame: string, isDescription: boolean): Member {
  const queue = [...member.queue, frame];
  const queuedDescriptions = [...member.queuedDescriptions, isDescription];
  let queuedBytes = member.queuedBytes + utf8Length(frame);
  while (queue.length > queueLimits.frames || queuedBytes > queueLimits.bytes) {
    const drop = indexToDrop(queuedDescriptions);
    queuedBytes -= utf8Length(queue[drop]!);
    queue.splice(drop, 1);
    queuedDescriptions.splice(drop, 1);
  }
  return { ...member, queue, queuedBytes, queuedDescriptions };
}

/**
 * Sender and recipient of a signal sent by socket `connection` to peer `to`: defined only when
 * the sender holds a seat and the recipient is another member of the same room. The room
 * machine decides relaying with it, and the server's hot path reads it from a room snapshot.
 */
export function signalEnds(members: readonly Member[], connection: string, to: string): { from: Member; to: Member } | undefined {
  let sender: Member | undefined;
  let recipient: Member | undefined;
  for (const member of members) {
    if (member.connection === connection) sender = member;
    if (member.peerId === to) recipient = member;
  }
  return sender !== undefined && recipient !== undefined && sender !== recipient ? { from: sender, to: recipient } : undefined;
}

/** The peer ids of every member but `self`, in join order (oldest first). */
export function othersOf(members: readonly Member[], self: Member): string[] {
  const peers: string[] = [];
  for (const member of members) if (member !== self) peers.push(member.peerId);
  return peers;
}

/**
 * `{ names }`: the display names of the members who gave one, by peer id (`joined.names`), or
 * `{}` when nobody did, so a room of nameless members emits what it emitted before names.
 */
export function namesOf(members: readonly Member[]): { names?: Record<string, string> } {
  const named = members.filter((member) => member.name !== undefined);
  return named.length === 0 ? {} : { names: Object.fromEntries(named.map((member) => [member.peerId, member.name!])) };
}
