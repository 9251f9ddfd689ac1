import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { patience, waitForMovingRemoteVideo } from './person.ts';

const suite = useCallSuite();

describe('speaking into a muted microphone', () => {
  describe('happy path', () => {
    it('says "You are muted" while the muted microphone hears sound, and never while it is on', { timeout: 120_000 }, async () => {
      const { alice } = await suite.call();
      const hint = alice.page.getByTestId('muted-hint');
      await alice.page.evaluate(() => {
        const seen: string[] = [];
        new MutationObserver(() => seen.push(document.querySelector('[data-testid="muted-hint"]')?.textContent ?? '')).observe(document.body, { subtree: true, childList: true, characterData: true });
        (window as unknown as { hintsSeen: string[] }).hintsSeen = seen;
      });
      // The fake microphone beeps twice a second; while it is on, no hint, through all the time
      // the other person's picture takes to come and move.
      await waitForMovingRemoteVideo(alice.page);
      expect(await alice.page.evaluate(() => (window as unknown as { hintsSeen: string[] }).hintsSeen.filter((text) => text !== ''))).toEqual([]);

      await alice.page.getByTestId('toggle-mic').click();
      await expect.poll(() => hint.textContent(), patience).toBe('You are muted. Press the microphone button or Ctrl+D to talk.');
      expect(await hint.isVisible()).toBe(true);

      await alice.page.getByTestId('toggle-mic').click();
      await expect.poll(() => hint.textContent(), patience).toBe('');
      expect(await hint.isVisible()).toBe(false);
      expect(alice.errors).toEqual([]);
    });
  });
});
