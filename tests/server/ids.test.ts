import { describe, expect, it } from 'vitest';
import { v1, v7 } from 'uuid';
import { ids } from '../../server/ids.ts';

describe('identifiers', () => {
  it('draws room ids as distinct lowercase random UUIDs (version 4), never from the time', () => {
    const drawn = Array.from({ length: 1_000 }, () => ids.room());
    expect(new Set(drawn).size).toBe(drawn.length);
    for (const roomId of drawn) {
      expect(roomId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ids.isRoomId(roomId)).toBe(true);
    }
  });

  it('takes no time-based, uppercase or malformed id for a room id', () => {
    const roomId = ids.room();
    for (const other of [v1(), v7(), roomId.toUpperCase(), roomId.slice(1), `${roomId} `, '', '../etc/passwd']) {
      expect(ids.isRoomId(other), other).toBe(false);
    }
  });

  it('draws peer ids and resume tokens with enough random bits', () => {
    expect(ids.peer()).toMatch(/^[\w-]{12}$/);
    expect(Buffer.from(ids.token(), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });
});
