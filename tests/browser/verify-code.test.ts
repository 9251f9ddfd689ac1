import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ManInTheMiddle } from '../support/man-in-the-middle.ts';
import { useCallSuite } from './call-suite.ts';
import { patience, waitForMovingRemoteVideo } from './person.ts';

const suite = useCallSuite();
let man: ManInTheMiddle | undefined;
afterEach(async () => {
  await man?.close();
  man = undefined;
});

/** Opens the "Verify" panel and reads the code shown for the one remote peer, once it is there. */
async function shownCode(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Verify' }).click();
  const code = page.getByTestId('verify-code');
  await page.waitForFunction(() => /^\d{3} \d{3}$/.test(document.querySelector('[data-testid="verify-code"]')?.textContent ?? ''), undefined, { polling: 100, ...patience });
  expect(await code.count()).toBe(1);
  return (await code.textContent()) ?? '';
}

describe('verification code', () => {
  describe('happy path', () => {
    it('is the same on both sides of a call nobody sits in', async () => {
      const { alice, bob } = await suite.call();
      const [atAlice, atBob] = await Promise.all([shownCode(alice.page), shownCode(bob.page)]);
      expect(atAlice).toBe(atBob);
      // Each code is shown for the peer it is about.
      expect(await alice.page.getByTestId('verify-code').getAttribute('data-peer-id')).toBe(await alice.page.getByTestId('handshake-state').getAttribute('data-peer-id'));
    });
  });

  describe('failure', () => {
    it('differs on the two sides when a man in the middle answers each with his own connection', async () => {
      man = await ManInTheMiddle.start(suite.server.origin);
      const { alice, bob } = await suite.call({ alice: { url: man.origin } });
      // The call works: each page gets pictures, relayed by the man in the middle.
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
      expect(man.relayed).toBeGreaterThan(0);

      const [atAlice, atBob] = await Promise.all([shownCode(alice.page), shownCode(bob.page)]);
      expect(atAlice).not.toBe(atBob);
    });
  });
});
