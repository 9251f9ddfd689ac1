import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { audible } from './audio-probe.ts';
import { patience, waitForMovingRemoteVideo } from './person.ts';

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

/** The loudest sound the first element matching `selector` plays during a second, as its captured stream carries it. */
async function loudestOf(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate(async (video: HTMLVideoElement) => {
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource((video as HTMLVideoElement & { captureStream(): MediaStream }).captureStream()).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const end = performance.now() + 1_000;
    while (performance.now() < end) {
      analyser.getFloatTimeDomainData(samples);
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await context.close();
    return peak;
  });
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

/**
 * Holds the offers the page sends while `window.holdOffers()` is in force, until
 * `window.releaseOffers()` (an `init` script): two pages holding their offers until both made one
 * collide for certain, as two people clicking at the same moment may.
 */
function holdableOffers(): void {
  const held: Array<() => void> = [];
  let holding = false;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    const message = typeof data === 'string' ? (JSON.parse(data) as { type?: string; data?: { description?: { type?: string } } }) : null;
    if (holding && message?.type === 'signal' && message.data?.description?.type === 'offer') held.push(() => send.call(this, data));
    else send.call(this, data);
  };
  Object.assign(window, {
    holdOffers: () => void (holding = true),
    heldOffers: () => held.length,
    releaseOffers: () => {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  });
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

    it('plays the sound of what is shared, at a volume of its own, while the voice stays on the camera\'s tile; the sharer is told and can stop', async () => {
      const { alice, bob } = await suite.call();
      await alice.page.getByTestId('toggle-screen').click();
      await waitForScreen(bob.page);
      const screen = bob.page.locator(screenVideo);
      // Chromium's synthetic capture sends a beep with it, as a tab playing a video would.
      await bob.page.waitForFunction(
        (selector) => (document.querySelector<HTMLVideoElement>(selector)?.srcObject as MediaStream | null)?.getAudioTracks().some((track) => track.readyState === 'live' && !track.muted) === true,
        screenVideo,
        { polling: 100 },
      );
      // Under load the element may start playing it a moment after the track is live.
      await expect.poll(() => loudestOf(bob.page, screenVideo), { ...patience, message: 'the shared sound arrives' }).toBeGreaterThan(audible);
      expect(await screen.evaluate((video: HTMLVideoElement) => video.muted), 'and plays').toBe(false);

      const tile = bob.page.getByRole('figure', { name: "Guest's screen" });
      await tile.getByRole('button', { name: "Volume: Guest's screen" }).click();
      await bob.page.keyboard.press('Home');
      expect(await screen.evaluate((video: HTMLVideoElement) => video.volume), 'the screen silent').toBe(0);
      expect(await bob.page.locator('[data-testid="remote-video"][data-kind="camera"]').evaluate((video: HTMLVideoElement) => video.volume), 'the voice as loud as before').toBe(1);

      // The sharer is told, above the pictures, and can stop from there.
      const notice = alice.page.getByTestId('sharing-notice');
      expect(await notice.getByRole('status').textContent()).toBe('You are sharing your screen with everyone.');
      await notice.getByRole('button', { name: 'Stop sharing' }).click();
      await waitForNoScreen(bob.page);
      await notice.waitFor({ state: 'detached' });
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
  });

  describe('both at once', () => {
    it('shows each person the other\'s screen and camera, moving, when both start sharing at the same moment (colliding offers)', async () => {
      const { alice, bob } = await suite.call({ alice: { init: holdableOffers }, bob: { init: holdableOffers } });
      const pages = [alice.page, bob.page];
      await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { holdOffers(): void }).holdOffers())));
      await Promise.all(pages.map((page) => page.getByTestId('toggle-screen').click()));
      // Both offers made before either is sent: the polite side must roll its own back.
      await Promise.all(pages.map((page) => page.waitForFunction(() => (window as unknown as { heldOffers(): number }).heldOffers() > 0, undefined, { polling: 100 })));
      await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { releaseOffers(): void }).releaseOffers())));

      await Promise.all(pages.map((page) => waitForScreen(page)));
      // Every remote picture moves: the camera as well as the screen (the polite side's camera once froze here).
      await Promise.all(pages.map((page) => waitForMovingRemoteVideo(page)));
      for (const page of pages) {
        expect(await page.getByTestId('handshake-state').textContent()).toBe('connected');
        const kinds = await page.getByTestId('remote-video').evaluateAll((videos) => videos.map((video) => video.getAttribute('data-kind')).sort());
        expect(kinds).toEqual(['camera', 'screen']);
      }
      expect([...alice.errors, ...bob.errors]).toEqual([]);
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
