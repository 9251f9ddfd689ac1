/**
 * The DTLS certificate fingerprint a session description announces (`a=fingerprint:`). Each end
 * of a connection proves it holds the certificate behind its fingerprint during the DTLS
 * handshake, so two people who compare both fingerprints (as a short code, web/lib/verify-code.ts)
 * know nobody, not even the signaling server, swapped a description on the way.
 */

/** `sha-256 AB:CD:…` (algorithm and value, as written), or `null` when the description has none. */
export function fingerprintOf(sdp: string | undefined): string | null {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
  return match ? `${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}` : null;
}
