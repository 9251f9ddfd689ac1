import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorText } from '../../web/lib/error-text.ts';
import { launchChromium } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { createRoom, handshakeStates, openPerson, patience, shownError, type OpenOptions, type Person } from './person.ts';

let browser: Browser;
let server: RunningServer;
const people: Person[] = [];

async function person(options?: OpenOptions): Promise<Person> {
  const opened = await openPerson(browser, server.origin, options);
  people.push(opened);
  return opened;
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(people.splice(0).map((opened) => opened.context.close()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('joining a room that cannot be joined', () => {
  describe('failure', () => {
    it('tells a third person in words that the room is full', async () => {
      const a = await person();
      const link = await createRoom(a);
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
      await a.page.getByTestId('join-room-id').fill(`${server.origin}/r/not-a-room`);
      await a.page.getByTestId('join-room-id').press('Enter');

      const error = await shownError(a.page);

      expect(error.code).toBe('room-not-found');
    });
  });
});
