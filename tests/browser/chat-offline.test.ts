import { describe, expect, it } from 'vitest';
import { createRoom, patience, waitUntilConnected } from './person.ts';
import { RestartableServer } from './restartable-server.ts';
import { usePeople } from './people.ts';
import { remotePeerId, sayInChat } from './talk-steps.ts';

/**
 * Chat needs no server: its lines travel on the peers' data channels. A call of two goes on
 * chatting while the signaling server is killed (`kill -9`) and not started again.
 */
let server: RestartableServer | undefined;
const person = usePeople(async () => {
  await server?.stop();
});

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
