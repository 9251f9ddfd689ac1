import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';
import { blurred, measurePictures, sharpnessSeen } from './pictures.ts';

// Without the auto-allow flag a context that was not granted the camera is refused it, as a
// person who blocked it; granting it later is that person changing their mind.
const suite = useCallSuite({ autoAllowMedia: false });

/** Alice in a room with her camera, Bob (whose camera is blocked) joined receive-only; both connected. */
async function receiveOnlyCall() {
  const alice = await suite.person();
  const link = await createRoom(alice);
  const bob = await suite.person({ url: link, media: false });
  await bob.page.getByRole('button', { name: /join without camera/i }).click();
  await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
  return { alice, bob, link };
}

describe('a camera turned on mid-call', () => {
  describe('happy path', () => {
    it('after joining receive-only, the others see the camera with moving pictures', async () => {
      const { alice, bob, link } = await receiveOnlyCall();
      const camera = bob.page.getByTestId('toggle-camera');
      expect(await camera.getAttribute('aria-pressed')).toBe('true');
      expect(await camera.isEnabled()).toBe(true);

      await bob.context.grantPermissions(['camera'], { origin: new URL(link).origin });
      await camera.click();

      await waitForMovingRemoteVideo(alice.page);
      expect(await camera.getAttribute('aria-pressed')).toBe('false');
      expect(await alice.page.getByTestId('handshake-state').textContent()).toBe('connected');
      // Bob keeps receiving Alice as before.
      await waitForMovingRemoteVideo(bob.page);
    });

    it('comes with the background blurred from its first picture when blur is on', async () => {
      const { alice, bob, link } = await receiveOnlyCall();
      await bob.page.getByRole('button', { name: 'Devices', exact: true }).click();
      await bob.page.getByRole('radio', { name: 'Blur' }).check();
      await alice.page.evaluate(measurePictures);

      await bob.context.grantPermissions(['camera'], { origin: new URL(link).origin });
      await bob.page.getByTestId('toggle-camera').click();

      await waitForMovingRemoteVideo(alice.page);
      // Every picture of Bob that Alice's browser showed, from the first.
      await expect.poll(async () => (await sharpnessSeen(alice.page)).length, patience).toBeGreaterThan(10);
      expect(Math.max(...(await sharpnessSeen(alice.page)))).toBeLessThan(blurred);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    }, 90_000);
  });

  describe('failure', () => {
    it('says so when the camera is still refused, and the call goes on', async () => {
      const { bob } = await receiveOnlyCall();

      await bob.page.getByTestId('toggle-camera').click();

      await bob.page.getByTestId('error').waitFor();
      expect(await bob.page.getByTestId('error').getAttribute('data-code')).toBe('media-denied');
      expect(await bob.page.getByTestId('handshake-state').textContent()).toBe('connected');
    });
  });
});
