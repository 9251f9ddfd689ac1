import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorText } from '../../web/lib/error-text.ts';
import { launchChromium } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { createRoom, openPerson, shownError, waitForMovingRemoteVideo, waitUntilConnected, type OpenOptions, type Person } from './person.ts';

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
  // Without the auto-allow flag, Chromium answers a context that was not granted camera and
  // microphone with NotAllowedError: the real path of a person who blocked them.
  browser = await launchChromium({ autoAllowMedia: false });
});

afterEach(async () => {
  await Promise.all(people.splice(0).map((opened) => opened.context.close()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a person who blocked camera and microphone', () => {
  describe('failure', () => {
    it('is told so in words and can still join the call, receiving only', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link, media: false });

      const error = await shownError(b.page);
      expect(error.code).toBe('media-denied');
      expect(error.text).toContain(errorText('media-denied'));

      await b.page.getByRole('button', { name: /join without camera/i }).click();
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
      await waitForMovingRemoteVideo(b.page);
      expect(b.errors).toEqual([]);
    });

    it('can go back to the lobby instead', async () => {
      const b = await person({ media: false });
      await b.page.getByTestId('create-room').click();
      expect((await shownError(b.page)).code).toBe('media-denied');

      await b.page.getByRole('button', { name: /^back$/i }).click();

      await b.page.getByTestId('create-room').waitFor();
      expect(await b.page.getByTestId('error').count()).toBe(0);
    });
  });
});
