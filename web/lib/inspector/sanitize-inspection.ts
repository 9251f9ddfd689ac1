/**
 * What the page lets out to Stately's hosted inspector (`?inspect=stately`): each inspection
 * event reduced to plain data with everything that could reach a call or a person removed.
 * Removed by key: room ids, resume tokens, SDP bodies, ICE candidates and servers, TURN
 * usernames and credentials, display names. Removed by shape wherever they appear: SDP text,
 * candidate lines, IPv4 and IPv6 addresses, UUIDs (room ids, mDNS host names), STUN/TURN URLs
 * and token-like strings. Objects that are not plain data (actors, streams, connections) are
 * named by their class only.
 */

/** What stands in for a removed value. */
export const removed = '[removed]';

/** Keys whose values are never sent, whatever they hold. */
const secretKeys = new Set([
  'roomid',
  'resume',
  'resumetoken',
  'token',
  'sdp',
  'candidate',
  'candidates',
  'pendingcandidates',
  'remoteoffer',
  'iceservers',
  'urls',
  'username',
  'credential',
  'password',
  'name',
  'names',
]);

/** Text shapes that carry an address, a description or a secret. */
const secretShapes = [
  /v=0\r?\n/, // an SDP body
  /\bcandidate:/i, // an ICE candidate line
  /\b(?:\d{1,3}\.){3}\d{1,3}\b/, // an IPv4 address
  /\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/i, // an IPv6 address
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, // a UUID: a room id, an mDNS name
  /\b(?:stuns?|turns?):/i, // an ICE server's URL
  /^(?=.*[\d_-])[A-Za-z0-9_-]{22}$/, // a token (resume tokens are 22 base64url characters)
];

/** Fields of an inspection event's envelope that say which actor and when, never what it holds. */
const envelopeKeys = ['type', 'name', 'sessionId', 'parentId', 'rootId', 'sourceId', 'id', 'createdAt', '_version', 'definition'];

/** Parts of a snapshot the inspector draws; the rest (the machine, children, history) stays home. */
const snapshotKeys = ['status', 'value', 'context', 'output', 'error', 'tags'];

/** Deeper than this, a value is cut: a call's context is a few levels deep. */
const depthLimit = 8;

/** Longer lists are cut to this many items. */
const listLimit = 50;

/** Whether `text` has a shape that must not leave the machine. */
export function isSecretText(text: string): boolean {
  return secretShapes.some((shape) => shape.test(text));
}

/** `value` as plain data with every secret removed (see the file's comment). */
export function sanitizeValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return isSecretText(value) ? removed : value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return undefined;
  if (seen.has(value)) return '[circular]';
  if (depth >= depthLimit) return '[deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.slice(0, listLimit).map((item) => sanitizeValue(item, depth + 1, seen));
  if (value instanceof Error) return { error: value.name, message: sanitizeValue(value.message, depth + 1, seen) };
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) return `[${(value.constructor as { name?: string } | undefined)?.name || 'object'}]`;
  const plain: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    plain[key] = secretKeys.has(key.toLowerCase()) && field !== null && field !== undefined ? removed : sanitizeValue(field, depth + 1, seen);
  }
  return plain;
}

/**
 * One @statelyai/inspect event (`@xstate.actor`, `@xstate.event`, `@xstate.snapshot`) as it
 * may leave the machine: its envelope as it is, its event and snapshot sanitised. Applying it
 * twice gives the same result, as the library serialises an event once per hop.
 */
export function sanitizeInspection<T extends object>(event: T): T {
  const source = event as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of envelopeKeys) {
    if (key in source) result[key] = typeof source[key] === 'string' || typeof source[key] === 'number' ? source[key] : source[key] == null ? source[key] : undefined;
  }
  if ('event' in source) result.event = sanitizeValue(source.event);
  const snapshot = source.snapshot;
  if (typeof snapshot === 'object' && snapshot !== null) {
    const parts: Record<string, unknown> = {};
    for (const key of snapshotKeys) if (key in snapshot) parts[key] = sanitizeValue((snapshot as Record<string, unknown>)[key]);
    result.snapshot = parts;
  }
  return result as T;
}
