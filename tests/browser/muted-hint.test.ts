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
      await expect.poll(() => hint.textContent(), patience).toBe('You are muted. Press the microphone button or Ctrl+D, or hold Space, to talk.');
      expect(await hint.isVisible()).toBe(true);

      await alice.page.getByTestId('toggle-mic').click();
      await expect.poll(() => hint.textContent(), patience).toBe('');
      expect(await hint.isVisible()).toBe(false);
      expect(alice.errors).toEqual([]);
    });

    it('unmutes while Space is held, for the others too, and mutes again when it is let go', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const mic = alice.page.getByTestId('toggle-mic');
      const mutedOnBobsScreen = bob.page.getByTestId('remote-tile').getByTestId('peer-muted');
      await alice.page.keyboard.press('Control+D');
      await expect.poll(() => mutedOnBobsScreen.count(), patience).toBe(1);
      // Away from the buttons (the room's "Copy link" has the focus after creating it, and
      // Space presses a focused button): a click on Bob's picture.
      await alice.page.getByTestId('remote-video').click();

      await alice.page.keyboard.down('Space');
      await expect.poll(() => mic.getAttribute('aria-pressed'), patience).toBe('false');
      await expect.poll(() => mutedOnBobsScreen.count(), patience).toBe(0);
      expect(await alice.page.getByTestId('muted-hint').textContent()).toBe('You are unmuted while you hold Space.');
      // Held, the key repeats: still talking, and the page does not scroll.
      await alice.page.keyboard.down('Space');
      expect(await mic.getAttribute('aria-pressed')).toBe('false');
      expect(await alice.page.evaluate(() => scrollY)).toBe(0);

      await alice.page.keyboard.up('Space');
      await expect.poll(() => mic.getAttribute('aria-pressed'), patience).toBe('true');
      await expect.poll(() => mutedOnBobsScreen.count(), patience).toBe(1);

      // In the chat's field, Space types a space and leaves the microphone alone.
      await alice.page.getByRole('button', { name: 'Chat' }).click();
      const field = alice.page.getByTestId('chat-input');
      await field.click();
      await alice.page.keyboard.press('Space');
      expect(await field.inputValue()).toBe(' ');
      expect(await mic.getAttribute('aria-pressed')).toBe('true');
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });
  });
});
