import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import {
  createRoom,
  handshakeStates,
  waitForLiveRemoteAudio,
  waitForMovingRemoteVideo,
  waitUntilConnected,
  patience,
  type Person,
} from './person.ts';

const suite = useCallSuite();
const person = suite.person;

/** Keeps every screen wake lock the page takes in `window.wakeLocks` (an `init` script). */
function recordWakeLocks(): void {
  const taken: WakeLockSentinel[] = [];
  const request = WakeLock.prototype.request;
  WakeLock.prototype.request = async function (this: WakeLock, type?: WakeLockType) {
    const sentinel = await request.call(this, type);
    taken.push(sentinel);
    return sentinel;
  };
  (window as unknown as { wakeLocks: WakeLockSentinel[] }).wakeLocks = taken;
}

/** Whether `page` holds the screen on now (`recordWakeLocks`). */
function screenHeldOn(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { wakeLocks: WakeLockSentinel[] }).wakeLocks.some((sentinel) => !sentinel.released));
}

async function focusedTestId(opened: Person): Promise<string | null> {
  return opened.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

describe('a call between browsers', () => {
  describe('happy path', () => {
    it('connects two people through the shared link, with moving video and live sound both ways', async () => {
      const a = await person();
      const link = await createRoom(a);
      expect(link).toMatch(new RegExp(`^${suite.server.origin}/r/[0-9a-f-]{36}$`));
      await expect.poll(() => a.page.getByText(/waiting for someone/i).isVisible(), patience).toBe(true);

      const b = await person({ url: link });
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
      await Promise.all([waitForMovingRemoteVideo(a.page), waitForMovingRemoteVideo(b.page)]);
      await Promise.all([waitForLiveRemoteAudio(a.page), waitForLiveRemoteAudio(b.page)]);

      // Each sees exactly one other person, and both are in the same room.
      expect(Object.values(await handshakeStates(a.page))).toEqual(['connected']);
      expect(Object.values(await handshakeStates(b.page))).toEqual(['connected']);
      expect(await b.page.getByTestId('room-link').inputValue()).toBe(link);
      // The local picture is muted so nobody hears themselves.
      expect(await a.page.getByTestId('local-video').evaluate((video: HTMLVideoElement) => video.muted)).toBe(true);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    });

    it('shows the peer leaving when they hang up, then lets someone else join and connect', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link });
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);

      await b.page.getByTestId('hang-up').click();
      await expect.poll(() => b.page.getByRole('heading', { name: /you left the call/i }).isVisible(), patience).toBe(true);
      await expect.poll(async () => Object.values(await handshakeStates(a.page)).filter((state) => state !== 'closed'), patience).toEqual([]);
      await expect.poll(() => a.page.getByText(/the other person left the call/i).isVisible(), patience).toBe(true);

      const c = await person({ url: link });
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(c.page)]);
      await waitForMovingRemoteVideo(c.page);
      expect(a.errors).toEqual([]);
      expect(c.errors).toEqual([]);
    });

    it('shows the peer leaving when they close their tab', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link });
      await waitUntilConnected(a.page);

      await b.page.close({ runBeforeUnload: true });

      await expect.poll(async () => Object.values(await handshakeStates(a.page)).filter((state) => state !== 'closed'), patience).toEqual([]);
      expect(a.errors).toEqual([]);
    });

    it('offers to start again after hanging up', async () => {
      const a = await person();
      await createRoom(a);
      await a.page.getByTestId('hang-up').click();
      await a.page.getByRole('button', { name: /back to start/i }).click();
      await a.page.getByTestId('create-room').waitFor();
      expect(new URL(a.page.url()).pathname).toBe('/');

      const link = await createRoom(a);
      expect(link).toMatch(/\/r\/[0-9a-f-]{36}$/);
    });

    it('keeps the screen on through the call, and lets it sleep after hanging up', async () => {
      const a = await person({ init: recordWakeLocks });
      await createRoom(a);
      await expect.poll(() => screenHeldOn(a.page), patience).toBe(true);
      await a.page.getByTestId('hang-up').click();
      await a.page.getByRole('heading', { name: 'You left the call' }).waitFor(patience);
      await expect.poll(() => screenHeldOn(a.page), patience).toBe(false);
      expect(a.errors).toEqual([]);
    });

    it('shows how long you have been in the call, counting up', async () => {
      const a = await person();
      await createRoom(a);
      const clock = a.page.getByTestId('call-duration');
      const seconds = async () => {
        const [minutes, secs] = (await clock.textContent())!.split(':').map(Number);
        return minutes! * 60 + secs!;
      };
      expect(await clock.textContent()).toMatch(/^0:0\d$/);
      const first = await seconds();
      await expect.poll(seconds, patience).toBeGreaterThanOrEqual(first + 2);
      expect(await clock.getAttribute('datetime')).toMatch(/^PT\d+S$/);
      expect(a.errors).toEqual([]);
    });

    it('copies the room link to the clipboard and says so', async () => {
      const a = await person();
      const link = await createRoom(a);
      await a.page.getByTestId('copy-link').click();

      await expect.poll(() => a.page.getByTestId('copy-link').innerText(), patience).toMatch(/copied/i);
      expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    });

    it('mutes the microphone and turns the camera off, and shows both as pressed', async () => {
      const a = await person();
      await createRoom(a);
      const mic = a.page.getByTestId('toggle-mic');
      const camera = a.page.getByTestId('toggle-camera');
      expect(await mic.getAttribute('aria-pressed')).toBe('false');

      await mic.click();
      await camera.click();

      expect(await mic.getAttribute('aria-pressed')).toBe('true');
      expect(await camera.getAttribute('aria-pressed')).toBe('true');
      const enabled = await a.page.getByTestId('local-video').evaluate((video: HTMLVideoElement) =>
        (video.srcObject as MediaStream).getTracks().map((track) => `${track.kind}:${track.enabled}`).sort(),
      );
      expect(enabled).toEqual(['audio:false', 'video:false']);

      await mic.click();
      expect(await mic.getAttribute('aria-pressed')).toBe('false');
    });

    it('can be used with the keyboard alone, with every control named and focus visible', async () => {
      const a = await person();
      const lobbyOrder: Array<string | null> = [];
      for (let step = 0; step < 3; step += 1) {
        await a.page.keyboard.press('Tab');
        lobbyOrder.push(await focusedTestId(a));
      }
      expect(lobbyOrder).toEqual(['display-name', 'room-size', 'create-room']);
      await a.page.keyboard.press('Enter');
      await a.page.getByTestId('room-link').waitFor();
      await expect.poll(() => focusedTestId(a), patience).toBe('copy-link');
      await a.page.keyboard.press('Shift+Tab');

      const order: Array<string | null> = [await focusedTestId(a)];
      for (let step = 0; step < 6; step += 1) {
        await a.page.keyboard.press('Tab');
        order.push(await focusedTestId(a));
        expect(await a.page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow)).not.toBe('none');
      }
      expect(order).toEqual(['room-link', 'copy-link', 'toggle-mic', 'toggle-camera', 'toggle-hand', 'open-reactions', 'hang-up']);

      const unnamed = await a.page.evaluate(() =>
        [...document.querySelectorAll<HTMLButtonElement | HTMLInputElement>('button, input')]
          .filter((control) => !(control.getAttribute('aria-label') || control.textContent?.trim() || control.labels?.[0]?.textContent?.trim()))
          .map((control) => control.outerHTML),
      );
      expect(unnamed).toEqual([]);

      await a.page.keyboard.press('Enter');
      await a.page.getByRole('heading', { name: /you left the call/i }).waitFor();
    });

    it('opens the handshake inspector with the peer\'s current state marked', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link });
      await waitUntilConnected(a.page);

      await a.page.getByRole('button', { name: /inspector/i }).click();
      const inspector = a.page.getByTestId('inspector');
      await expect.poll(() => inspector.locator('[aria-current="true"]').allInnerTexts(), patience).toEqual(['connected']);
      expect(b.errors).toEqual([]);
    });
  });
});
