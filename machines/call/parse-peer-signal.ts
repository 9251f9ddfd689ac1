/**
 * Reads the opaque `data` of a relayed `signal` frame into an event for a peer machine.
 * The server never looks inside `data`, so a misbehaving peer can send anything: this never
 * throws and returns `null` for anything that is not a description, a candidate or a request
 * for an offer.
 */
import type { SignalData } from '../../protocol/messages.ts';
import type { PeerParentEvent } from '../peer/types.ts';

type SignalEvent = Extract<PeerParentEvent, { type: 'signal.description' | 'signal.candidate' | 'signal.wantOffer' }>;

const descriptionTypes: ReadonlySet<unknown> = new Set(['offer', 'answer']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || value === null || typeof value === type;
}

/**
 * `{description:{type,sdp}}` → `signal.description`; `{candidate:{...}|null}` →
 * `signal.candidate`; `{wantOffer:true}` → `signal.wantOffer`.
 */
export function parsePeerSignal(data: SignalData): SignalEvent | null {
  const { description, candidate, wantOffer } = data;
  if (wantOffer === true) return { type: 'signal.wantOffer' };
  if (isObject(description)) {
    if (!descriptionTypes.has(description.type) || typeof description.sdp !== 'string') return null;
    return { type: 'signal.description', description: { type: description.type as RTCSdpType, sdp: description.sdp } };
  }
  if (candidate === null) return { type: 'signal.candidate', candidate: null };
  if (isObject(candidate)) {
    if (typeof candidate.candidate !== 'string') return null;
    if (!optional(candidate.sdpMid, 'string') || !optional(candidate.sdpMLineIndex, 'number')) return null;
    if (!optional(candidate.usernameFragment, 'string')) return null;
    const init: RTCIceCandidateInit = { candidate: candidate.candidate };
    if (candidate.sdpMid !== undefined) init.sdpMid = candidate.sdpMid as string | null;
    if (candidate.sdpMLineIndex !== undefined) init.sdpMLineIndex = candidate.sdpMLineIndex as number | null;
    if (candidate.usernameFragment !== undefined) init.usernameFragment = candidate.usernameFragment as string | null;
    return { type: 'signal.candidate', candidate: init };
  }
  return null;
}
