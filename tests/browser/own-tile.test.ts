import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { patience, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';

/**
 * Everyone here has three cameras, as a phone has a front and a back one. Chromium's second fake
 * camera gives depth frames (Y16), which a WebRTC sender drops: only the first and the third
 * send pictures.
 */
const suite = useCallSuite({ extraArgs: ['--use-fake-device-for-media-stream=device-count=3'] });

describe('your own tile', () => {
  describe('happy path', () => {
    it('hides your picture from your own screen, giving the other person the room, and brings it back', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const bobsTile = alice.page.getByTestId('remote-tile');
      const before = (await bobsTile.boundingBox())!;

      await alice.page.getByTestId('local-tile').hover();
      await alice.page.getByRole('button', { name: 'Hide yourself' }).click();
      await expect.poll(() => alice.page.getByTestId('local-tile').count(), patience).toBe(0);
      const after = (await bobsTile.boundingBox())!;
      expect(after.width * after.height, 'Bob\'s picture with yours hidden').toBeGreaterThan(before.width * before.height);
      const show = alice.page.getByTestId('show-self');
      expect(await show.evaluate((button) => button === document.activeElement)).toBe(true);
      // Bob still sees Alice.
      await waitForMovingRemoteVideo(bob.page);

      await show.press('Enter');
      await expect.poll(() => alice.page.getByTestId('local-tile').count(), patience).toBe(1);
      expect(await alice.page.getByTestId('show-self').count()).toBe(0);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });

    it('shows your picture again once you are left alone, and keeps it when someone comes back', { timeout: 120_000 }, async () => {
      const { alice, bob, link } = await suite.call();
      await alice.page.getByTestId('local-tile').hover();
      await alice.page.getByRole('button', { name: 'Hide yourself' }).click();
      await expect.poll(() => alice.page.getByTestId('local-tile').count(), patience).toBe(0);

      await bob.page.getByTestId('hang-up').click();
      await alice.page.getByTestId('remote-tile').waitFor({ state: 'detached' });
      expect(await alice.page.getByTestId('local-tile').count(), 'alone').toBe(1);
      const cy = await suite.person({ url: link, name: 'Cy' });
      await waitUntilConnected(cy.page);
      await waitUntilConnected(alice.page);
      expect(await alice.page.getByTestId('local-tile').count(), 'with Cy').toBe(1);
      expect(await alice.page.getByTestId('show-self').count()).toBe(0);
    });

    it('switches camera, one after the other, and the other person sees each', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const camera = () =>
        alice.page.evaluate(() => (document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')?.srcObject as MediaStream).getVideoTracks()[0]?.label);
      const switchCamera = async () => {
        await alice.page.getByTestId('local-tile').hover();
        await alice.page.getByRole('button', { name: 'Switch camera' }).click();
      };
      expect(await camera()).toBe('fake_device_0');
      await switchCamera();
      await expect.poll(camera, patience).toBe('fake_device_1');
      await switchCamera();
      await expect.poll(camera, patience).toBe('fake_device_2');
      await waitForMovingRemoteVideo(bob.page);

      // After the last, the first again.
      await switchCamera();
      await expect.poll(camera, patience).toBe('fake_device_0');
      await waitForMovingRemoteVideo(bob.page);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });
  });
});
