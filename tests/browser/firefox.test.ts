import type { Browser, Page as FirefoxPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox } from '../support/firefox.ts';
import { useCallSuite } from './call-suite.ts';
import { createRoom, waitForLiveRemoteAudio, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';
import { chatButton, sayInChat } from './talk-steps.ts';

const suite = useCallSuite();
let firefox: Browser | undefined;

beforeAll(async () => {
  firefox = await launchFirefox();
});
afterAll(async () => {
  await firefox?.close();
});

/** Opens a room link in a new Firefox window, records its errors, enters as `name`. */
async function joinInFirefox(link: string, name: string): Promise<{ page: FirefoxPage; errors: string[] }> {
  const context = await firefox!.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(link);
  await page.locator('[data-testid="display-name"]').fill(name);
  await page.locator('[data-testid="join-call"]:enabled').click();
  return { page, errors };
}

/**
 * Waits until the Firefox page shows the other person connected, with live sound and a picture
 * that keeps moving: Firefox's count of frames it painted (headless Firefox reports no
 * `getVideoPlaybackQuality` frames) grows by 10 past what it was when the picture first came.
 */
async function firefoxSees(page: FirefoxPage): Promise<void> {
  const painted = () => (document.querySelector('[data-testid="remote-video"]') as (HTMLVideoElement & { mozPaintedFrames?: number }) | null)?.mozPaintedFrames ?? 0;
  await page.waitForFunction(
    () => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
      const audio = video?.srcObject instanceof MediaStream ? video.srcObject.getAudioTracks() : [];
      return (
        document.querySelector('[data-testid="handshake-state"]')?.textContent === 'connected' &&
        video !== null &&
        video.videoWidth > 0 &&
        audio.some((track) => track.readyState === 'live' && !track.muted)
      );
    },
    { polling: 100, timeout: 30_000 },
  );
  const first = await page.evaluate(painted);
  await page.waitForFunction(
    (baseline) => ((document.querySelector('[data-testid="remote-video"]') as HTMLVideoElement & { mozPaintedFrames?: number }).mozPaintedFrames ?? 0) >= baseline + 10,
    { polling: 100, timeout: 30_000 },
    first,
  );
}

describe('a call between Chromium and Firefox', () => {
  describe('happy path', () => {
    it('connects both ways with moving pictures, live sound, names, chat and a hang-up the other side sees', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      await ana.page.getByTestId('display-name').fill('Ana');
      const link = await createRoom(ana);
      const fox = await joinInFirefox(link, 'Fox');

      await waitUntilConnected(ana.page);
      await waitForMovingRemoteVideo(ana.page);
      await waitForLiveRemoteAudio(ana.page);
      await firefoxSees(fox.page);
      expect(await ana.page.getByTestId('peer-name').textContent()).toBe('Fox');
      expect(await fox.page.$eval('[data-testid="peer-name"]', (name) => name.textContent)).toBe('Ana');

      // Chat over the data channel, both ways.
      await fox.page.locator('button[aria-label^="Chat"]').click();
      await fox.page.locator('[data-testid="chat-input"]').fill('hello from Firefox');
      await fox.page.locator('[data-testid="chat-send"]').click();
      await chatButton(ana.page).click();
      await ana.page.getByTestId('chat-message').filter({ hasText: 'hello from Firefox' }).waitFor();
      await sayInChat(ana.page, 'hello from Chromium');
      await fox.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')].some((line) => line.textContent === 'hello from Chromium'), { polling: 100 });

      // Firefox's muted microphone shows on Ana's tile; its hang-up reaches her.
      await fox.page.locator('[data-testid="toggle-mic"]').click();
      await ana.page.getByTestId('peer-muted').waitFor();
      await fox.page.locator('[data-testid="hang-up"]').click();
      await ana.page.getByText('Fox left the call').waitFor();
      expect(fox.errors).toEqual([]);
      expect(ana.errors).toEqual([]);
    });
  });
});
