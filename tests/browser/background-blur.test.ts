import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, enterCall, patience, waitForMovingRemoteVideo } from './person.ts';

const suite = useCallSuite();

/** What a picture shows, as `measurePictures` reads it. */
interface Picture {
  /** The mean squared difference between neighbouring pixels' green (the fake camera draws in green). */
  sharpness: number;
  /** The mean green: a black frame has none. */
  green: number;
}

/** Sharp pictures of the fake camera read 60 or more, blurred ones under 10. */
const blurred = 15;

/**
 * Puts into the page `window.pictureOf(video)`, which reads the frame `video` shows at its own
 * size (blurring spreads each edge over many pixels, which lowers the squares' sum a lot), and
 * `window.sharpnessSeen`, the sharpness of every frame the first remote video shows from now on.
 */
function measurePictures(): void {
  const canvas = document.createElement('canvas');
  const pictureOf = (video: HTMLVideoElement) => {
    [canvas.width, canvas.height] = [video.videoWidth, video.videoHeight];
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    let squares = 0;
    let green = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const here = data[(y * width + x) * 4 + 1]!;
        green += here;
        if (x > 0) squares += (here - data[(y * width + x - 1) * 4 + 1]!) ** 2;
      }
    }
    return { sharpness: squares / (height * (width - 1)), green: green / (height * width) };
  };
  const seen: number[] = [];
  const look = (): void => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
    if (video === null || video.videoWidth === 0) return void setTimeout(look, 20);
    seen.push(pictureOf(video).sharpness);
    video.requestVideoFrameCallback(look);
  };
  look();
  Object.assign(window, { pictureOf, sharpnessSeen: seen });
}

/** What the first `selector` video on `page` shows now. */
async function picture(page: Page, selector: string): Promise<Picture> {
  if (!(await page.evaluate(() => 'pictureOf' in window))) await page.evaluate(measurePictures);
  return page.evaluate((selector) => (window as unknown as { pictureOf: (video: HTMLVideoElement) => Picture }).pictureOf(document.querySelector<HTMLVideoElement>(selector)!), selector);
}

/** The sharpness of every frame `page` showed of the first remote video since `measurePictures`. */
function sharpnessSeen(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { sharpnessSeen: number[] }).sharpnessSeen);
}

describe('blurring your background', () => {
  describe('happy path', () => {
    it('sends the others your picture with the background blurred, shows it so in your own tile, and sharp again when turned off', async () => {
      const { alice, bob } = await suite.call();
      await waitForMovingRemoteVideo(bob.page);
      const seenByBob = async () => (await picture(bob.page, '[data-testid="remote-video"]')).sharpness;
      const ownTile = async () => (await picture(alice.page, '[data-testid="local-video"]')).sharpness;
      const sharp = await seenByBob();
      const sharpOwn = await ownTile();

      await alice.page.getByRole('button', { name: 'Devices', exact: true }).click();
      const blur = alice.page.getByRole('checkbox', { name: /Blur your background/ });
      await blur.check();
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

      await blur.uncheck();
      await expect.poll(seenByBob, patience).toBeGreaterThan(sharp * 0.8);
      await expect.poll(ownTile, patience).toBeGreaterThan(sharpOwn * 0.8);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    }, 90_000);

    it('chosen before joining, never shows the others the room, and is remembered for the next call from its first frame', async () => {
      const alice = await suite.person();
      const link = await createRoom(alice);
      await alice.page.evaluate(measurePictures);
      const bob = await suite.person({ url: link, enter: false });
      const blur = bob.page.getByRole('button', { name: 'Blur your background' });
      await blur.click();
      expect(await blur.getAttribute('aria-pressed')).toBe('true');
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
