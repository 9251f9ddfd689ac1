import type { ErrorCode } from '../../protocol/error-codes.ts';

/**
 * Sentences for every code the server can send (protocol/error-codes.ts) and every failure the
 * page detects itself. Typed as a `Record` over `ErrorCode`, so a new code without words is a
 * compile error.
 */
const sentences: Readonly<Record<ErrorCode, string>> = {
  'bad-json': 'The page and the server could not understand each other. Reload the page and try again.',
  'bad-message': 'The server rejected a message from this page. Reload the page and try again.',
  'room-not-found': 'There is no call with that link or id. It may have ended — ask for a new link.',
  'room-full': 'This call is full. Ask the people in it to make room, or start a new call.',
  'already-in-room': 'You are already in a call. Hang up before joining another one.',
  'not-in-room': 'You are no longer in this call. Start or join a call again.',
  'peer-not-found': 'The other person has already left the call.',
  'rate-limited': 'This page sent too much too fast; the server is slowing it down.',
  'shutting-down': 'The server is restarting. Reconnecting…',
  'media-denied':
    'Camera and microphone access was blocked. To allow it, click the camera or lock icon in the address bar, allow camera and microphone, then press Try again. Or join without them.',
  'media-unavailable':
    'No camera or microphone could be used. Check they are plugged in and not in use by another app, or join without them.',
  'ice-failed': 'Could not connect to the other person. A firewall may be blocking the call.',
  'device-ended':
    'Your camera or microphone stopped (unplugged, or its permission was withdrawn). Pick another one under Devices; the call goes on.',
  'signaling-lost': 'The connection to the server was lost. Check your network and try again.',
};

/** Said for a code this page does not know, e.g. one added by a newer server. */
const fallback = 'Something went wrong with the call. Reload the page and try again.';

/**
 * The one place where an error code becomes the words a person reads on the page.
 * Unknown codes get a general sentence rather than nothing.
 */
export function errorText(code: string): string {
  return Object.hasOwn(sentences, code) ? sentences[code as ErrorCode] : fallback;
}
