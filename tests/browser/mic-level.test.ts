import { describe, expect, it } from 'vitest';
import { steadyVoiceFlag } from '../support/steady-voice.ts';
import { useCallSuite } from './call-suite.ts';
import { createRoom, enterCall, patience, waitUntilConnected } from './person.ts';

// Everyone here talks without a pause into their microphone.
const suite = useCallSuite({ extraArgs: [steadyVoiceFlag()] });

describe('your own microphone', () => {
  describe('happy path', () => {
    it('shows its level before you join and in the call, and outlines your tile while you speak', { timeout: 120_000 }, async () => {
      const ana = await suite.person({ name: 'Ana' });
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link, name: 'Bo', enter: false });

      // Before joining: the meter under the microphone's choice moves with the voice, and a
      // microphone switched off says so.
      const meter = bo.page.getByRole('meter', { name: 'Microphone level' });
      await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), patience).toBeGreaterThan(50);
      await bo.page.getByTestId('toggle-mic').click();
      await expect.poll(() => meter.getAttribute('aria-valuetext'), patience).toBe('Microphone off');
      expect(await meter.getAttribute('aria-valuenow')).toBe('0');
      await bo.page.getByTestId('toggle-mic').click();
      await enterCall(bo.page);
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);

      // In the call: your tile is outlined while you speak, not while the microphone is off.
      const lit = () => bo.page.getByTestId('local-tile').evaluate((tile) => tile.classList.contains('speaking'));
      await expect.poll(lit, patience).toBe(true);
      await bo.page.getByTestId('toggle-mic').click();
      await expect.poll(lit, patience).toBe(false);
      await bo.page.getByTestId('toggle-mic').click();
      await expect.poll(lit, patience).toBe(true);

      // The Devices panel has the same meter.
      await bo.page.getByRole('button', { name: 'Devices' }).click();
      await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), patience).toBeGreaterThan(50);
      expect([...ana.errors, ...bo.errors]).toEqual([]);
    });

    it('lowers your raised hand for everyone once you have the floor, and says so', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      // Bob is talking already when he raises his hand.
      await expect.poll(() => bob.page.getByTestId('local-tile').evaluate((tile) => tile.classList.contains('speaking')), patience).toBe(true);
      await bob.page.getByTestId('toggle-hand').click();
      const onBobsTile = alice.page.getByTestId('remote-tile').getByTestId('peer-hand');
      await expect.poll(() => onBobsTile.count(), patience).toBe(1);

      // Bob goes on talking: a couple of seconds later his hand is down on both screens.
      await expect.poll(() => bob.page.getByTestId('toggle-hand').getAttribute('aria-pressed'), patience).toBe('false');
      await expect.poll(() => onBobsTile.count(), patience).toBe(0);
      expect(await bob.page.getByTestId('local-hand').count()).toBe(0);
      expect(await bob.page.getByTestId('hand-lowered').textContent()).toBe('Your hand was lowered as you started speaking');
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });
  });
});
