import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { waitForMovingRemoteVideo } from './person.ts';

// Headless Chromium shares a synthetic 1280×720 "screen" with the usual flags (tests/support/browser.ts).
const suite = useCallSuite();

const screenVideo = '[data-testid="remote-video"][data-kind="screen"]';

/** Waits until the page shows a shared screen. */
async function waitForScreen(page: Page): Promise<void> {
  await page.waitForFunction((selector) => document.querySelector(selector) !== null, screenVideo, { polling: 100 });
}

/** Waits until the page shows no shared screen. */
async function waitForNoScreen(page: Page): Promise<void> {
  await page.waitForFunction((selector) => document.querySelector(selector) === null, screenVideo, { polling: 100 });
}

/** The on-screen area of the first element matching `selector`. */
async function areaOf(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  return box ? box.width * box.height : 0;
}

/** Keeps every stream getDisplayMedia gives the page in `window.sharedScreens` (an `init` script). */
function keepSharedScreens(): void {
  const shared: MediaStream[] = [];
  const original = MediaDevices.prototype.getDisplayMedia;
  MediaDevices.prototype.getDisplayMedia = async function (this: MediaDevices, options?: DisplayMediaStreamOptions) {
    const stream = await original.call(this, options);
    shared.push(stream);
    return stream;
  };
  (window as unknown as { sharedScreens: MediaStream[] }).sharedScreens = shared;
}

describe('screen share', () => {
  describe('happy path', () => {
    it('shows the other person the screen, large and moving, beside the camera, until sharing stops', async () => {
      const { alice, bob } = await suite.call();
      const share = alice.page.getByTestId('toggle-screen');
      expect(await share.getAttribute('aria-pressed')).toBe('false');

      await share.click();
      await waitForScreen(bob.page);
      expect(await share.getAttribute('aria-pressed')).toBe('true');
      // Both the screen and the camera keep moving.
      await waitForMovingRemoteVideo(bob.page);
      const kinds = await bob.page.getByTestId('remote-video').evaluateAll((videos) => videos.map((video) => video.getAttribute('data-kind')).sort());
      expect(kinds).toEqual(['camera', 'screen']);
      expect(await areaOf(bob.page, screenVideo)).toBeGreaterThan(await areaOf(bob.page, '[data-testid="remote-video"][data-kind="camera"]'));

      await share.click();
      await waitForNoScreen(bob.page);
      expect(await share.getAttribute('aria-pressed')).toBe('false');
      await waitForMovingRemoteVideo(bob.page);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });

    it('stops when the browser ends the capture (its own "Stop sharing" button)', async () => {
      const { alice, bob } = await suite.call({ alice: { init: keepSharedScreens } });
      await alice.page.getByTestId('toggle-screen').click();
      await waitForScreen(bob.page);

      // What Chromium does when its own stop button is pressed: the track ends and says so.
      await alice.page.evaluate(() => {
        for (const track of (window as unknown as { sharedScreens: MediaStream[] }).sharedScreens.flatMap((stream) => stream.getTracks())) {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
      });

      await waitForNoScreen(bob.page);
      expect(await alice.page.getByTestId('toggle-screen').getAttribute('aria-pressed')).toBe('false');
    });

    it('shows both screens when both people start sharing at the same moment (colliding offers)', async () => {
      const { alice, bob } = await suite.call();
      await Promise.all([alice.page.getByTestId('toggle-screen').click(), bob.page.getByTestId('toggle-screen').click()]);

      await Promise.all([waitForScreen(alice.page), waitForScreen(bob.page)]);
      await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
      for (const page of [alice.page, bob.page]) {
        expect(await page.getByTestId('handshake-state').textContent()).toBe('connected');
        expect(await page.locator(screenVideo).count()).toBe(1);
      }
    });
  });

  describe('where the browser cannot share a screen (phones)', () => {
    it('does not show the button', async () => {
      const hideScreenCapture = () => {
        delete (MediaDevices.prototype as Partial<MediaDevices>).getDisplayMedia;
      };
      const { alice } = await suite.call({ alice: { init: hideScreenCapture } });
      await alice.page.getByTestId('toggle-mic').waitFor();
      expect(await alice.page.getByTestId('toggle-screen').count()).toBe(0);
    });
  });
});
