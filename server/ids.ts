import { randomBytes } from 'node:crypto';
import { v4 as uuidV4, validate, version } from 'uuid';

/**
 * Identifiers the server draws (docs/protocol.md: room ids are random version-4 UUIDs), all from the system CSPRNG and
 * none derived from time.
 */
export const ids = {
  /** A room id: random UUID v4 (122 random bits), lowercase. It is the room's only secret. */
  room: (): string => uuidV4(),
  /**
   * Whether `text` could name a room: a lowercase UUID v4. Anything else names no room, so a
   * `join` with it is answered without looking further (and no seat is ever recalled for it).
   */
  isRoomId: (text: string): boolean => validate(text) && version(text) === 4 && text === text.toLowerCase(),
  /** A peer id: 72 random bits as 12 base64url characters; unique within any room by chance. */
  peer: (): string => randomBytes(9).toString('base64url'),
  /** A resume token: 128 random bits as 22 base64url characters. */
  token: (): string => randomBytes(16).toString('base64url'),
};
