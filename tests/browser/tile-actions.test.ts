import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, waitUntilConnected, type Person } from './person.ts';

const suite = useCallSuite();

/** Each remote tile's area on `page`, by the name it shows, and your own tile's. */
async function tileAreas(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const area = (element: Element) => element.getBoundingClientRect().width * element.getBoundingClientRect().height;
    const areas: Record<string, number> = { you: area(document.querySelector('[data-testid="local-video"]')!.parentElement!) };
    for (const tile of document.querySelectorAll('[data-testid="remote-tile"]')) areas[tile.querySelector('[data-testid="peer-name"]')!.textContent!] = area(tile);
    return areas;
  });
}

/** How loud each remote person's player plays on `page`, by the name on their tile. */
async function playerVolumes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const volumes: Record<string, number> = {};
    for (const tile of document.querySelectorAll('[data-testid="remote-tile"]')) volumes[tile.querySelector('[data-testid="peer-name"]')!.textContent!] = tile.querySelector('video')!.volume;
    return volumes;
  });
}

/**
 * Records what the page offers the browser's Media Session (an `init` script): the actions in
 * `window.session.press`, as the floating window's buttons would call them, and the switches
 * it shows in `window.session.shown`.
 */
function recordMediaSession(): void {
  const press: Record<string, (() => void) | null> = {};
  const shown: string[] = [];
  const offer = MediaSession.prototype.setActionHandler;
  MediaSession.prototype.setActionHandler = function (this: MediaSession, action, handler) {
    offer.call(this, action, handler);
    press[action] = handler as (() => void) | null;
  };
  const showMic = MediaSession.prototype.setMicrophoneActive;
  MediaSession.prototype.setMicrophoneActive = function (this: MediaSession, on: boolean) {
    shown.push(`microphone ${on ? 'on' : 'off'}`);
    return showMic.call(this, on);
  };
  (window as unknown as { session: object }).session = { press, shown };
}

/** Presses one of the floating window's buttons on `page`, as Chromium does. */
async function pressInFloatingWindow(page: Page, action: string): Promise<void> {
  await page.evaluate((name) => (window as unknown as { session: { press: Record<string, () => void> } }).session.press[name]!(), action);
}

/** Three people named Ana, Bo and Cy in one call, each seeing the two others connected. */
async function callOfThree(): Promise<Person[]> {
  const ana = await suite.person({ name: 'Ana' });
  const link = await createRoom(ana, 3);
  const people = [ana];
  for (const name of ['Bo', 'Cy']) people.push(await suite.person({ url: link, name }));
  await Promise.all(people.map((person) => waitUntilConnected(person.page, 2, 60_000)));
  return people;
}

describe('pinning a person, setting their volume, floating their video (with its own call buttons) and showing a tile full screen', () => {
  describe('happy path', () => {
    it('pins one person large above the others for the one who pinned, unpins them, and lets go when they leave', { timeout: 120_000 }, async () => {
      const [ana, bo, cy] = await callOfThree();
      const pin = ana!.page.getByRole('button', { name: 'Pin Bo' });
      await pin.click();
      await expect.poll(() => pin.getAttribute('aria-pressed')).toBe('true');
      const pinned = await tileAreas(ana!.page);
      expect(pinned.Bo, 'the pinned person against each other tile').toBeGreaterThan(3 * Math.max(pinned.Cy!, pinned.you!));
      const boTile = (await ana!.page.locator('[data-testid="remote-tile"]').filter({ hasText: 'Bo' }).boundingBox())!;
      const cyTile = (await ana!.page.locator('[data-testid="remote-tile"]').filter({ hasText: 'Cy' }).boundingBox())!;
      expect(cyTile.y, 'the others stand below the pinned person').toBeGreaterThanOrEqual(boTile.y + boTile.height);
      // Only Ana's own view changes.
      const cyView = await tileAreas(cy!.page);
      expect(Math.abs(cyView.Ana! - cyView.Bo!)).toBeLessThan(1);

      await pin.click();
      const unpinned = await tileAreas(ana!.page);
      expect(Math.abs(unpinned.Bo! - unpinned.Cy!), 'unpinned, the tiles are the same size again').toBeLessThan(1);

      await pin.click();
      await bo!.page.getByTestId('hang-up').click();
      await ana!.page.getByTestId('remote-tile').filter({ hasText: 'Bo' }).waitFor({ state: 'detached' });
      // Two people left: the other takes the stage, with no pin button and no spotlight left behind.
      await expect.poll(() => ana!.page.getByRole('button', { name: /^Pin / }).count()).toBe(0);
      const duo = await tileAreas(ana!.page);
      expect(duo.Cy!).toBeGreaterThan(3 * duo.you!);
    });

    it('in speaker view, gives the stage to whoever speaks a while, the pin buttons left unpressed, and back to the grid', { timeout: 120_000 }, async () => {
      const [ana, bo, cy] = await callOfThree();
      const page = ana!.page;
      const onStage = async () => {
        const areas = await tileAreas(page);
        return Object.keys(areas).find((name) => Object.entries(areas).every(([other, area]) => other === name || areas[name]! > 3 * area)) ?? null;
      };
      // Everyone's fake microphone beeps: the one unmuted is the one speaking.
      await cy!.page.getByTestId('toggle-mic').click();
      const view = page.getByRole('button', { name: 'Speaker view' });
      await view.click();
      expect(await view.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(onStage, patience).toBe('Bo');
      expect(await page.getByRole('button', { name: 'Pin Bo' }).getAttribute('aria-pressed'), 'Bo is not pinned').toBe('false');

      await bo!.page.getByTestId('toggle-mic').click();
      await cy!.page.getByTestId('toggle-mic').click();
      await expect.poll(onStage, patience).toBe('Cy');

      await view.click();
      const grid = await tileAreas(page);
      expect(Math.abs(grid.Bo! - grid.Cy!), 'the grid again').toBeLessThan(1);
      expect([...ana!.errors, ...bo!.errors, ...cy!.errors]).toEqual([]);
    });

    it('shows a person on the whole screen from the tile button or a double click, and back', { timeout: 120_000 }, async () => {
      const [ana] = await callOfThree();
      const page = ana!.page;
      const fullscreenTile = () => page.evaluate(() => document.fullscreenElement?.querySelector('[data-testid="peer-name"]')?.textContent ?? null);
      const button = page.getByRole('button', { name: 'Full screen: Cy' });

      await button.click();
      await expect.poll(fullscreenTile).toBe('Cy');
      const box = (await page.locator('[data-testid="remote-tile"]').filter({ hasText: 'Cy' }).boundingBox())!;
      const viewport = page.viewportSize()!;
      expect(box.width * box.height, 'the tile covers the screen').toBeGreaterThanOrEqual(0.95 * viewport.width * viewport.height);
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      await button.click();
      await expect.poll(fullscreenTile).toBe(null);

      await page.locator('[data-testid="remote-tile"]').filter({ hasText: 'Bo' }).dblclick();
      await expect.poll(fullscreenTile).toBe('Bo');
      await page.locator('[data-testid="remote-tile"]').filter({ hasText: 'Bo' }).dblclick();
      await expect.poll(fullscreenTile).toBe(null);
      expect(ana!.errors).toEqual([]);
    });

    it('turns one person down on your own device only, silent with a mark on their tile, and back up', { timeout: 120_000 }, async () => {
      const [ana, , cy] = await callOfThree();
      const page = ana!.page;
      const boTile = page.getByTestId('remote-tile').filter({ hasText: 'Bo' });
      const open = boTile.getByRole('button', { name: 'Volume: Bo' });

      await open.click();
      const slider = boTile.getByTestId('peer-volume');
      await expect.poll(() => slider.evaluate((input) => input === document.activeElement), { message: 'the slider takes the keyboard' }).toBe(true);
      await page.keyboard.press('Home');
      await boTile.getByTestId('peer-silenced').waitFor();
      // What each player sends to the speaker (an element's captured stream is taken before its volume).
      expect(await playerVolumes(page), 'Bo is silent for Ana, Cy is not').toEqual({ Bo: 0, Cy: 1 });
      expect(await playerVolumes(cy!.page), 'the others hear as before').toEqual({ Ana: 1, Bo: 1 });

      await page.keyboard.press('Escape');
      await expect.poll(() => slider.count(), { message: 'Escape closes the slider' }).toBe(0);
      await expect.poll(() => open.evaluate((button) => button === document.activeElement), { message: 'and gives the keyboard back to its button' }).toBe(true);
      expect(await page.evaluate(() => document.fullscreenElement), 'Escape closed nothing else').toBe(null);

      await open.click();
      for (let step = 0; step < 10; step++) await page.keyboard.press('ArrowRight');
      expect(await slider.getAttribute('aria-valuetext')).toBe('50 %');
      expect(await boTile.getByTestId('peer-silenced').count(), 'no longer silent').toBe(0);
      expect(await playerVolumes(page), 'Bo plays again, at half').toEqual({ Bo: 0.5, Cy: 1 });
      await slider.dblclick();
      expect(await page.evaluate(() => document.fullscreenElement), 'a double click on the slider is not one on the tile').toBe(null);
      await page.getByTestId('remote-tile').filter({ hasText: 'Cy' }).click();
      await expect.poll(() => slider.count(), { message: 'a click elsewhere closes the slider' }).toBe(0);
      expect(ana!.errors).toEqual([]);
    });

    it('floats the other person\'s video above other windows from the tile button, and brings it back', async () => {
      const { alice } = await suite.call();
      const page = alice.page;
      const floating = () => page.evaluate(() => document.pictureInPictureElement?.getAttribute('data-testid') ?? null);
      const button = page.getByTestId('remote-tile').getByRole('button', { name: 'Picture in picture: Guest' });

      await button.click();
      await expect.poll(floating).toBe('remote-video');
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      await button.click();
      await expect.poll(floating).toBe(null);
      expect(await button.getAttribute('aria-pressed')).toBe('false');
      expect(alice.errors).toEqual([]);
    });

    it('mutes, switches the camera off and hangs up from the floating window\'s own buttons, shown as they are', async () => {
      const { alice, bob } = await suite.call({ alice: { init: recordMediaSession } });
      const aliceTile = bob.page.getByTestId('remote-tile');
      const shown = () => alice.page.evaluate(() => (window as unknown as { session: { shown: string[] } }).session.shown.at(-1));
      await expect.poll(shown).toBe('microphone on');

      await pressInFloatingWindow(alice.page, 'togglemicrophone');
      await aliceTile.getByTestId('peer-muted').waitFor();
      expect(await alice.page.getByTestId('toggle-mic').getAttribute('aria-pressed')).toBe('true');
      await expect.poll(shown).toBe('microphone off');
      await pressInFloatingWindow(alice.page, 'togglecamera');
      await aliceTile.getByTestId('peer-camera-off').waitFor();

      await pressInFloatingWindow(alice.page, 'hangup');
      await aliceTile.waitFor({ state: 'detached' });
      const offered = await alice.page.evaluate(() => (window as unknown as { session: { press: Record<string, unknown> } }).session.press);
      expect(offered, 'withdrawn once the call is over').toEqual({ enterpictureinpicture: null, togglemicrophone: null, togglecamera: null, hangup: null });
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });
  });
});
