import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, enterCall, patience, waitForMovingRemoteVideo } from './person.ts';
import { blurred, measurePictures, picture, sharpnessSeen } from './pictures.ts';

const suite = useCallSuite();

describe('blurring or replacing your background', () => {
  describe('happy path', () => {
    it('sends the others your picture with the background blurred, shows it so in your own tile, and sharp again when turned off', async () => {
      const { alice, bob } = await suite.call();
      await waitForMovingRemoteVideo(bob.page);
      const seenByBob = async () => (await picture(bob.page, '[data-testid="remote-video"]')).sharpness;
      const ownTile = async () => (await picture(alice.page, '[data-testid="local-video"]')).sharpness;
      const sharp = await seenByBob();
      const sharpOwn = await ownTile();

      await alice.page.getByRole('button', { name: 'Devices', exact: true }).click();
      await alice.page.getByRole('radio', { name: 'Blur' }).check();
      await expect.poll(seenByBob, patience).toBeLessThan(blurred);
      await expect.poll(ownTile, patience).toBeLessThan(blurred);
      // A picture, not a black frame; the camera is still the one picked.
      expect((await picture(bob.page, '[data-testid="remote-video"]')).green).toBeGreaterThan(50);
      expect(await alice.page.getByTestId('camera-select').inputValue()).not.toBe('');

      // The camera goes off and comes back blurred.
      await alice.page.getByTestId('toggle-camera').click();
      await bob.page.getByTestId('peer-camera-off').waitFor(patience);
      await alice.page.getByTestId('toggle-camera').click();
      await bob.page.getByTestId('peer-camera-off').waitFor({ state: 'detached', ...patience });
      await waitForMovingRemoteVideo(bob.page);
      await expect.poll(seenByBob, patience).toBeLessThan(blurred);

      await alice.page.getByRole('radio', { name: 'No effect' }).check();
      await expect.poll(seenByBob, patience).toBeGreaterThan(sharp * 0.8);
      await expect.poll(ownTile, patience).toBeGreaterThan(sharpOwn * 0.8);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    }, 90_000);

    it('replaces your background with a picture for the others and in your own tile, another picture in place of it, and the room again with no effect', async () => {
      const { alice, bob } = await suite.call();
      await waitForMovingRemoteVideo(bob.page);
      // The fake camera draws in green only; the pictures behind the person bring red.
      const redSeenByBob = async () => (await picture(bob.page, '[data-testid="remote-video"]')).red;
      const redOwn = async () => (await picture(alice.page, '[data-testid="local-video"]')).red;
      expect(await redSeenByBob()).toBeLessThan(20);

      await alice.page.getByRole('button', { name: 'Devices', exact: true }).click();
      await alice.page.getByRole('radio', { name: 'Bookshelves' }).check();
      await expect.poll(redSeenByBob, patience).toBeGreaterThan(80);
      await expect.poll(redOwn, patience).toBeGreaterThan(80);
      const shelves = await picture(bob.page, '[data-testid="remote-video"]');

      // Dusk is darker and redder than green: another picture, with no new offer.
      await alice.page.getByRole('radio', { name: 'Dusk' }).check();
      await expect.poll(async () => (await picture(bob.page, '[data-testid="remote-video"]')).green, patience).toBeLessThan(shelves.green * 0.7);
      expect(await alice.page.getByRole('radio', { name: 'Dusk' }).isChecked()).toBe(true);

      await alice.page.getByRole('radio', { name: 'No effect' }).check();
      await expect.poll(redSeenByBob, patience).toBeLessThan(20);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    }, 90_000);

    it('chosen before joining, never shows the others the room, and is remembered for the next call from its first frame', async () => {
      const alice = await suite.person();
      const link = await createRoom(alice);
      await alice.page.evaluate(measurePictures);
      const bob = await suite.person({ url: link, enter: false });
      await bob.page.getByRole('button', { name: 'Background effects' }).click();
      await bob.page.getByRole('radio', { name: 'Blur' }).check();
      await expect.poll(async () => (await picture(bob.page, '[data-testid="local-video"]')).sharpness, patience).toBeLessThan(blurred);
      await enterCall(bob.page);
      await waitForMovingRemoteVideo(alice.page);
      // Every picture of Bob that Alice's browser showed, from the first.
      await expect.poll(async () => (await sharpnessSeen(alice.page)).length, patience).toBeGreaterThan(10);
      expect(Math.max(...(await sharpnessSeen(alice.page)))).toBeLessThan(blurred);
      expect((await picture(alice.page, '[data-testid="remote-video"]')).green, 'a picture, not black').toBeGreaterThan(50);

      // Remembered: Bob opens Carol's link and joins as soon as he can; his camera comes blurred
      // from its first frame.
      await bob.page.getByTestId('hang-up').click();
      const carol = await suite.person();
      const next = await createRoom(carol);
      await carol.page.evaluate(measurePictures);
      await bob.page.goto(next);
      await enterCall(bob.page);
      await waitForMovingRemoteVideo(carol.page);
      await expect.poll(async () => (await sharpnessSeen(carol.page)).length, patience).toBeGreaterThan(10);
      expect(Math.max(...(await sharpnessSeen(carol.page)))).toBeLessThan(blurred);
      expect([...alice.errors, ...bob.errors, ...carol.errors]).toEqual([]);
    }, 120_000);
  });
});
