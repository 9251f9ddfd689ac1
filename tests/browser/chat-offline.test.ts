import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { createRoom, openPerson, patience, waitUntilConnected, type Person } from './person.ts';
import { RestartableServer } from './restartable-server.ts';
import { remotePeerId, sayInChat } from './talk-steps.ts';

/**
 * Chat needs no server: its lines travel on the peers' data channels. A call of two goes on
 * chatting while the signaling server is killed (`kill -9`) and not started again.
 */
let browser: Browser;
let server: RestartableServer | undefined;
const people: Person[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await Promise.all(people.splice(0).map((person) => person.context.close()));
  await server?.stop();
});
afterAll(async () => {
  await browser?.close();
});

async function person(origin: string, url?: string): Promise<Person> {
  const opened = await openPerson(browser, origin, { url });
  people.push(opened);
  return opened;
}

describe('chat while the server is away', () => {
  describe('happy path', () => {
    it('carries lines both ways after the server was killed', { timeout: 120_000 }, async () => {
      server = new RestartableServer();
      await server.start();
      const alice = await person(server.origin);
      const bob = await person(server.origin, await createRoom(alice));
      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
      const aliceId = await remotePeerId(bob.page);

      await server.kill('SIGKILL');
      // Both pages know the server is gone before anyone writes.
      await Promise.all([alice.page.getByTestId('reconnecting').waitFor(), bob.page.getByTestId('reconnecting').waitFor()]);

      await sayInChat(alice.page, 'still here? https://example.com/notes');
      await sayInChat(bob.page, 'yes');
      const lines = (page: typeof alice.page) => page.getByTestId('chat-message').evaluateAll((elements) => elements.map((line) => `${line.getAttribute('data-from')}: ${line.textContent}`));
      await expect.poll(() => lines(bob.page), patience).toEqual([`${aliceId}: still here? https://example.com/notes`, 'me: yes']);
      await expect.poll(async () => (await lines(alice.page)).length, patience).toBe(2);
      expect(await alice.page.getByTestId('reconnecting').isVisible()).toBe(true);
    });
  });
});
