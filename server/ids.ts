import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifiers the server draws (PROTOCOL.md, Identifiers), all from the system CSPRNG and
 * none derived from time.
 */
export const ids = {
  /** A room id: random UUID v4 (122 random bits), lowercase. It is the room's only secret. */
  room: (): string => randomUUID(),
  /** A peer id: 72 random bits as 12 base64url characters; unique within any room by chance. */
  peer: (): string => randomBytes(9).toString('base64url'),
  /** A resume token: 128 random bits as 22 base64url characters. */
  token: (): string => randomBytes(16).toString('base64url'),
};
