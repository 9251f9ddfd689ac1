import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useCallSuite } from './call-suite.ts';
import { audible, remoteLoudness } from './audio-probe.ts';
import { createRoom, patience, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';

const suite = useCallSuite();

/** What `viewer` shows on the one remote tile: its flags, and whether the initials replace the picture. */
async function tileFlags(viewer: Page): Promise<{ muted: boolean; cameraOff: boolean; initials: boolean }> {
  const tile = viewer.getByTestId('remote-tile');
  return {
    muted: await tile.getByTestId('peer-muted').isVisible(),
    cameraOff: await tile.getByTestId('peer-camera-off').isVisible(),
    initials: await tile.locator('.initials').isVisible(),
  };
}

/** The loudest `viewer` heard the one remote person over a moment. */
async function heard(viewer: Page): Promise<number> {
  const [loudness] = Object.values(await remoteLoudness(viewer));
  return loudness && !loudness.muted ? loudness.peak : 0;
}

/**
 * Whether `viewer`'s one remote tile said "speaking" at any moment of `windowMs`, as a person
 * watching it would see it light up (a MutationObserver on the tile, not a poll).
 */
function litWithin(viewer: Page, windowMs: number): Promise<boolean> {
  return viewer.getByTestId('remote-tile').evaluate(
    (tile, duration) =>
      new Promise<boolean>((resolve) => {
        if (tile.classList.contains('speaking')) return resolve(true);
        const observer = new MutationObserver(() => {
          if (!tile.classList.contains('speaking')) return;
          observer.disconnect();
          resolve(true);
        });
        observer.observe(tile, { attributes: true, attributeFilter: ['class'] });
        setTimeout(() => {
          observer.disconnect();
          resolve(false);
        }, duration);
      }),
    windowMs,
  );
}

/** Offers `page` has sent on its signaling socket since this was called. */
function countOffers(page: Page): () => number {
  let offers = 0;
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => void (String(payload).includes('"type":"offer"') && offers++)));
  return () => offers;
}

describe('tiles that say who and how', () => {
  describe('happy path', () => {
    it('shows each switch on the other side on its own, and the sound follows the mic', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);
      await expect.poll(() => heard(bo.page), patience).toBeGreaterThan(audible);
      expect(await tileFlags(bo.page)).toEqual({ muted: false, cameraOff: false, initials: false });

      await ana.page.getByTestId('toggle-mic').click();
      await expect.poll(() => tileFlags(bo.page), patience).toEqual({ muted: true, cameraOff: false, initials: false });
      await expect.poll(() => heard(bo.page), patience).toBeLessThan(audible);

      await ana.page.getByTestId('toggle-mic').click();
      await expect.poll(() => tileFlags(bo.page), patience).toEqual({ muted: false, cameraOff: false, initials: false });
      await expect.poll(() => heard(bo.page), patience).toBeGreaterThan(audible);

      await ana.page.getByTestId('toggle-camera').click();
      await expect.poll(() => tileFlags(bo.page), patience).toEqual({ muted: false, cameraOff: true, initials: true });
      // The camera switch leaves the sound alone.
      expect(await heard(bo.page)).toBeGreaterThan(audible);

      await ana.page.getByTestId('toggle-camera').click();
      await expect.poll(() => tileFlags(bo.page), patience).toEqual({ muted: false, cameraOff: false, initials: false });
      expect(ana.errors).toEqual([]);
      expect(bo.errors).toEqual([]);
    });

    it('lights the tile of the person speaking, and not while their mic is off', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);
      // Chromium's fake microphone beeps about once a second.
      await expect.poll(() => litWithin(bo.page, 2_000), patience).toBe(true);

      await ana.page.getByTestId('toggle-mic').click();
      await expect.poll(() => tileFlags(bo.page), patience).toEqual({ muted: true, cameraOff: false, initials: false });
      await expect.poll(() => bo.page.getByTestId('remote-tile').evaluate((tile) => tile.classList.contains('speaking')), patience).toBe(false);
      // Beeps no longer reach Bo: the tile stays dark through several of them.
      expect(await litWithin(bo.page, 3_000)).toBe(false);

      await ana.page.getByTestId('toggle-mic').click();
      await expect.poll(() => litWithin(bo.page, 2_000), patience).toBe(true);
      expect(ana.errors).toEqual([]);
      expect(bo.errors).toEqual([]);
    });

    it('switches the microphone mid-call without a new offer, while pictures and sound go on', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const offersByAna = countOffers(ana.page);
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);
      await ana.page.getByRole('button', { name: 'Devices' }).click();
      const mics = ana.page.getByTestId('mic-select');
      // The panel lists the devices once the browser has enumerated them, a moment after it opens.
      const microphones = () => mics.locator('option').evaluateAll((elements) => elements.map((option) => (option as HTMLOptionElement).value).filter((value) => value !== ''));
      await expect.poll(async () => (await microphones()).length, patience).toBeGreaterThan(1);
      const options = await microphones();
      const current = await mics.inputValue();
      const other = options.find((value) => value !== current && value !== '');
      expect(other, `another microphone among ${options.length}`).toBeDefined();
      const offersBefore = offersByAna();
      const micBefore = await ana.page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getAudioTracks()[0]!.id);

      await mics.selectOption(other!);

      await expect
        .poll(() => ana.page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => (video.srcObject as MediaStream).getAudioTracks()[0]?.id), patience)
        .not.toBe(micBefore);
      await waitForMovingRemoteVideo(bo.page);
      await expect.poll(() => heard(bo.page), patience).toBeGreaterThan(audible);
      expect(offersByAna()).toBe(offersBefore);
      expect(ana.errors).toEqual([]);
    });
  });
});
