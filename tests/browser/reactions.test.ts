import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, waitUntilConnected } from './person.ts';

const suite = useCallSuite();

describe('reactions', () => {
  describe('happy path', () => {
    it('shows a reaction on the sender\'s tile for everyone, reads it out, and lets it go', { timeout: 120_000 }, async () => {
      const ana = await suite.person({ name: 'Ana' });
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link, name: 'Bo' });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);

      // From the keyboard: the button after the hand opens the row of reactions.
      await bo.page.getByTestId('toggle-hand').focus();
      await bo.page.keyboard.press('Tab');
      await bo.page.keyboard.press('Enter');
      const applause = bo.page.getByRole('button', { name: 'React with applause' });
      await applause.waitFor();
      await applause.click();

      await expect.poll(() => bo.page.getByTestId('local-reaction').allTextContents(), patience).toEqual(['👏']);
      const onBosTile = ana.page.getByTestId('remote-tile').getByTestId('peer-reaction');
      await expect.poll(() => onBosTile.allTextContents(), patience).toEqual(['👏']);
      await expect.poll(() => ana.page.getByRole('status').filter({ hasText: 'Bo reacted with applause' }).count(), patience).toBe(1);

      // The row stays open for another, and Escape closes it.
      expect(await applause.isVisible()).toBe(true);
      await bo.page.keyboard.press('Escape');
      await expect.poll(() => applause.isVisible(), patience).toBe(false);

      // A few seconds later the reaction has gone from both screens.
      await expect.poll(() => onBosTile.count(), patience).toBe(0);
      await expect.poll(() => bo.page.getByTestId('local-reaction').count(), patience).toBe(0);
      expect([...ana.errors, ...bo.errors]).toEqual([]);
    });
  });
});
