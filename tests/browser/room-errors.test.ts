import { describe, expect, it } from 'vitest';
import { errorText } from '../../web/lib/error-text.ts';
import { useCallSuite } from './call-suite.ts';
import { createRoom, handshakeStates, patience, shownError } from './person.ts';

const suite = useCallSuite();
const person = suite.person;

describe('joining a room that cannot be joined', () => {
  describe('failure', () => {
    it('tells a third person in words that a room for two is full', async () => {
      const a = await person();
      const link = await createRoom(a, 2);
      const b = await person({ url: link });
      await expect.poll(async () => Object.keys(await handshakeStates(a.page)).length, patience).toBe(1);

      const c = await person({ url: link });
      const error = await shownError(c.page);

      expect(error.code).toBe('room-full');
      expect(error.text).toContain(errorText('room-full'));
      // The two inside keep their call.
      expect(Object.keys(await handshakeStates(b.page))).toHaveLength(1);
    });

    it('says in words that a pasted id names no room', async () => {
      const a = await person();
      await a.page.getByTestId('join-room-id').fill('6f1c1f64-3a0f-4b53-9a44-2c6ad2b1e0aa');
      await a.page.getByTestId('join-room').click();

      const error = await shownError(a.page);

      expect(error.code).toBe('room-not-found');
      expect(error.text).toContain(errorText('room-not-found'));
      // The lobby stays usable: a new call can be started from here.
      expect(await a.page.getByTestId('create-room').isEnabled()).toBe(true);
    });

    it('says in words that a pasted link names no room', async () => {
      const a = await person();
      await a.page.getByTestId('join-room-id').fill(`${suite.server.origin}/r/not-a-room`);
      await a.page.getByTestId('join-room-id').press('Enter');

      const error = await shownError(a.page);

      expect(error.code).toBe('room-not-found');
    });
  });
});
