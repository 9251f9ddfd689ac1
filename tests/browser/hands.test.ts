import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, enterCall, patience, waitUntilConnected } from './person.ts';

const suite = useCallSuite();

/** The raised hands `viewer` shows on the others' tiles: each person's name and what their hand says. */
function shownHands(viewer: Page): Promise<Record<string, string>> {
  return viewer.getByTestId('remote-tile').evaluateAll((tiles) =>
    Object.fromEntries(
      tiles.flatMap((tile) => {
        const hand = tile.querySelector('[data-testid="peer-hand"]');
        return hand ? [[tile.querySelector('[data-testid="peer-name"]')!.textContent!, hand.getAttribute('title')!]] : [];
      }),
    ),
  );
}

describe('raising a hand', () => {
  describe('happy path', () => {
    it('shows a raised hand to everyone, newcomers too, in the order hands went up (yours among them), and takes it down', { timeout: 120_000 }, async () => {
      const ana = await suite.person({ name: 'Ana' });
      const link = await createRoom(ana, 3);
      const bo = await suite.person({ url: link, name: 'Bo' });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);

      await bo.page.getByTestId('toggle-hand').click();
      expect(await bo.page.getByTestId('toggle-hand').getAttribute('aria-pressed')).toBe('true');
      expect(await bo.page.getByTestId('local-hand').isVisible()).toBe(true);
      await expect.poll(() => shownHands(ana.page), patience).toEqual({ Bo: 'Hand raised' });
      await expect.poll(() => ana.page.getByRole('status').filter({ hasText: 'Bo raised their hand' }).count()).toBe(1);

      // Cy comes in after Bo's hand went up, and sees it as soon as they are connected.
      const cy = await suite.person({ url: link, name: 'Cy' });
      await waitUntilConnected(cy.page, 2, 60_000);
      await expect.poll(() => shownHands(cy.page), patience).toEqual({ Bo: 'Hand raised' });

      await cy.page.getByTestId('toggle-hand').click();
      await expect.poll(() => shownHands(ana.page), patience).toEqual({ Bo: 'Hand raised (1 of 2)', Cy: 'Hand raised (2 of 2)' });

      // Ana raises hers from the keyboard, and takes the third place on her own screen too.
      await ana.page.keyboard.press('Control+Alt+KeyH');
      await expect.poll(() => ana.page.getByTestId('local-hand').getAttribute('title'), patience).toBe('Your hand is raised (3 of 3)');
      expect(await shownHands(ana.page)).toEqual({ Bo: 'Hand raised (1 of 3)', Cy: 'Hand raised (2 of 3)' });
      await expect.poll(() => shownHands(bo.page), patience).toEqual({ Cy: 'Hand raised (2 of 3)', Ana: 'Hand raised (3 of 3)' });
      await ana.page.keyboard.press('Control+Alt+KeyH');
      await expect.poll(() => shownHands(bo.page), patience).toEqual({ Cy: 'Hand raised (2 of 2)' });

      await bo.page.getByTestId('toggle-hand').click();
      expect(await bo.page.getByTestId('local-hand').count()).toBe(0);
      await expect.poll(() => shownHands(ana.page), patience).toEqual({ Cy: 'Hand raised' });
      await expect.poll(() => shownHands(cy.page), patience).toEqual({});
      expect([...ana.errors, ...bo.errors, ...cy.errors]).toEqual([]);
    });

    it('comes back into the call with the hand down after leaving with it up', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      await bob.page.getByTestId('toggle-hand').click();
      await expect.poll(() => alice.page.getByTestId('peer-hand').count(), patience).toBe(1);

      await bob.page.getByTestId('hang-up').click();
      await bob.page.getByRole('button', { name: 'Rejoin' }).click();
      await enterCall(bob.page);
      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
      expect(await bob.page.getByTestId('toggle-hand').getAttribute('aria-pressed')).toBe('false');
      expect(await alice.page.getByTestId('peer-hand').count()).toBe(0);
    });
  });
});
