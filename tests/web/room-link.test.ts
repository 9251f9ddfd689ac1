import { describe, expect, it } from 'vitest';
import { roomIdFrom, roomIdFromPath, roomLink } from '../../web/lib/room-link.ts';

const id = '0b6f2a52-51b1-4c1e-9d0e-3f1f3e0c6a1d';

describe('room link', () => {
  describe('happy path', () => {
    it('builds a link that contains the room id under /r/', () => {
      expect(roomLink('https://parley.example', id)).toBe(`https://parley.example/r/${id}`);
    });

    it.each([
      ['a bare id', id],
      ['an id with spaces around it', `  ${id}\n`],
      ['a full link', `https://parley.example/r/${id}`],
      ['a link with a query and fragment', `http://127.0.0.1:8080/r/${id}?x=1#top`],
      ['a link without its scheme', `parley.example/r/${id}`],
      ['an id typed in capitals', id.toUpperCase()],
    ])('reads the room id from %s', (_what, input) => {
      expect(roomIdFrom(input)).toBe(id);
    });

    it('reads the room id from the page address', () => {
      expect(roomIdFromPath(`/r/${id}`)).toBe(id);
      expect(roomIdFromPath('/')).toBeNull();
    });
  });

  describe('failure', () => {
    it('offers nothing to join for blank input', () => {
      expect(roomIdFrom('   ')).toBeNull();
    });

    it('treats a room path without an id as the lobby', () => {
      expect(roomIdFromPath('/r/')).toBeNull();
    });

    it('passes a string that is no id on to the server unchanged', () => {
      expect(roomIdFrom('no-such-room')).toBe('no-such-room');
    });
  });
});
