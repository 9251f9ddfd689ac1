import type { Fingerprints } from '../../machines/peer/types.ts';

/**
 * How many digits the code has: six can be read aloud in a breath, and a person in the middle
 * who cannot choose both certificates' fingerprints freely matches them by chance once in a
 * million calls (a short authentication string, as in ZRTP).
 */
export const verifyCodeDigits = 6;

/**
 * The verification code of one connection: SHA-256 over both DTLS fingerprints, sorted so both
 * ends compute it from the same text, shown as six digits (`123 456`). Each end's DTLS handshake
 * proves it holds the certificate its fingerprint names; someone relaying between the two
 * (even the signaling server, rewriting descriptions) has a connection of its own with each,
 * so the two people see different codes. `null` until both fingerprints are known.
 */
export async function verifyCode(fingerprints: Fingerprints, subtle: SubtleCrypto = crypto.subtle): Promise<string | null> {
  const { local, remote } = fingerprints;
  if (local === null || remote === null) return null;
  const text = [local, remote].sort().join('\n');
  const digest = new DataView(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const digits = String(digest.getUint32(0) % 10 ** verifyCodeDigits).padStart(verifyCodeDigits, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}
