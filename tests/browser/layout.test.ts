import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, waitUntilConnected } from './person.ts';
import { chatButton, sayInChat } from './talk-steps.ts';

const suite = useCallSuite();
const phone = { width: 390, height: 844 };
const tablet = { width: 768, height: 1024 };
const smallPhone = { width: 320, height: 568 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the self-view and each remote tile are on the screen. */
async function tiles(page: Page): Promise<{ self: Box; remote: Box[] }> {
  return page.evaluate(() => {
    const box = (element: Element) => {
      const { x, y, width, height } = element.getBoundingClientRect();
      return { x, y, width, height };
    };
    const self = document.querySelector('[data-testid="local-video"]')!.parentElement!;
    return { self: box(self), remote: [...document.querySelectorAll('[data-testid="remote-tile"]')].map(box) };
  });
}

/** How much of a shared screen's tile its picture fills (the rest is black bars). */
async function screenFill(page: Page): Promise<number> {
  await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-kind="screen"]')?.videoWidth ?? 0) > 0, undefined, { polling: 100 });
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-kind="screen"]')!;
    const { width, height } = video.getBoundingClientRect();
    const aspect = video.videoWidth / video.videoHeight;
    return (Math.min(width, height * aspect) * Math.min(height, width / aspect)) / (width * height);
  });
}

/** The box of the column that holds the open panels. */
async function panelsBox(page: Page): Promise<Box> {
  return page.evaluate(() => {
    const panels = [...document.querySelectorAll('section.panel')].map((panel) => panel.getBoundingClientRect());
    const x = Math.min(...panels.map((box) => box.x));
    const y = Math.min(...panels.map((box) => box.y));
    return { x, y, width: Math.max(...panels.map((box) => box.right)) - x, height: Math.max(...panels.map((box) => box.bottom)) - y };
  });
}

/** Where each of the call's control buttons is, with its name. */
async function controlBoxes(page: Page): Promise<Array<Box & { name: string }>> {
  return page.locator('.controls button').evaluateAll((buttons) =>
    // The reactions' row is closed (a popover): its buttons are not on screen.
    buttons.filter((button) => button.checkVisibility()).map((button) => {
      const { x, y, width, height } = button.getBoundingClientRect();
      return { name: button.getAttribute('aria-label') ?? '', x, y, width, height };
    }),
  );
}

/** Whether the page itself scrolls (rather than the panel column). */
const pageScrolls = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight > innerHeight + 1);

const area = (box: Box) => box.width * box.height;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the call layout', () => {
  describe('happy path', () => {
    it('gives the other person the stage with your picture small beside it (side by side below a shared screen), then puts everyone in one grid as a third arrives, in one row below a shared screen', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const link = await createRoom(ana, 3);
      const bo = await suite.person({ url: link, viewport: phone });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);

      for (const [who, page] of [['desktop', ana.page], ['phone', bo.page]] as const) {
        const { self, remote } = await tiles(page);
        expect(remote, who).toHaveLength(1);
        expect(area(remote[0]!), who).toBeGreaterThan(3 * area(self));
        expect(overlaps(self, remote[0]!), `${who}: the self-view covers the other person`).toBe(false);
        expect(self.width, who).toBeGreaterThan(100);
        // Connected, the caption is the name and a green dot: the state word is not drawn.
        expect((await page.getByTestId('handshake-state').boundingBox())!.width, `${who}: "connected" drawn on the tile`).toBeLessThanOrEqual(1);
      }

      // Below a shared screen, the other's camera keeps a tile as large as your own.
      await ana.page.getByTestId('toggle-screen').click();
      await bo.page.waitForFunction(() => document.querySelector('[data-testid="remote-video"][data-kind="screen"]') !== null, undefined, { polling: 100 });
      const sharing = await tiles(bo.page);
      expect(area(sharing.remote[0]!)).toBeGreaterThan(0.95 * area(sharing.self));
      expect(overlaps(sharing.self, sharing.remote[0]!), 'the self-view covers the other person').toBe(false);
      // On a phone a landscape screen is given about the height it needs, not black bars.
      expect(await screenFill(bo.page), 'the share of the screen tile its picture fills on a phone').toBeGreaterThan(0.6);
      await ana.page.getByTestId('toggle-screen').click();

      const cy = await suite.person({ url: link });
      await waitUntilConnected(ana.page, 2, 60_000);
      const { self, remote } = await tiles(ana.page);
      expect(remote).toHaveLength(2);
      for (const tile of remote) {
        expect(Math.abs(tile.width - self.width)).toBeLessThan(1);
        expect(Math.abs(tile.height - self.height)).toBeLessThan(1);
        expect(overlaps(self, tile)).toBe(false);
      }
      // The last row is not full: your own tile stands below the two others, in the middle.
      const stage = (await ana.page.getByRole('region', { name: 'People in the call' }).boundingBox())!;
      expect(self.y, 'your tile is below the others').toBeGreaterThanOrEqual(remote[0]!.y + remote[0]!.height);
      expect(Math.abs(self.x + self.width / 2 - (stage.x + stage.width / 2)), 'the lone tile in the last row is centred').toBeLessThan(2);

      // Below a shared screen in a group, the three cameras stand in one row, not stacked strips.
      await bo.page.getByTestId('toggle-screen').click();
      await cy.page.waitForFunction(() => document.querySelector('[data-testid="remote-video"][data-kind="screen"]') !== null, undefined, { polling: 100 });
      const strip = await tiles(cy.page);
      for (const tile of strip.remote) {
        expect(Math.abs(tile.y - strip.self.y), 'the cameras below a shared screen are in one row').toBeLessThan(1);
        expect(tile.height, 'a camera below a shared screen squeezed into a strip').toBeGreaterThan(120);
      }
    });

    it('keeps both pictures large with chat, stats and devices open: the panels sit beside the stage on a desktop and below it on a phone', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link, viewport: phone });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);

      for (const [who, page] of [['desktop', ana.page], ['phone', bo.page]] as const) {
        const before = await tiles(page);
        for (const panel of ['Chat', 'Stats', 'Devices']) await page.getByRole('button', { name: new RegExp(`^${panel}`) }).click();
        await page.getByTestId('stats').waitFor();
        const after = await tiles(page);
        const panels = await panelsBox(page);
        expect(area(after.remote[0]!), `${who}: the other person's picture with the panels open`).toBeGreaterThan(0.4 * area(before.remote[0]!));
        expect(area(after.self), `${who}: your picture with the panels open`).toBeGreaterThan(0.4 * area(before.self));
        for (const tile of [after.self, after.remote[0]!]) expect(overlaps(tile, panels), `${who}: a panel covers a picture`).toBe(false);
        expect(await pageScrolls(page), `${who}: the page scrolls instead of the panels`).toBe(false);
        // The last panel's controls are reached by scrolling the panel column.
        await page.getByTestId('camera-select').scrollIntoViewIfNeeded();
        await expect(page.getByTestId('camera-select').isVisible()).resolves.toBe(true);
        await page.getByTestId('chat-input').fill('still here');
        await page.getByTestId('chat-send').click();
      }
      await ana.page.getByTestId('chat-message').filter({ hasText: 'still here' }).and(ana.page.locator('[data-from]:not([data-from="me"])')).waitFor();

      // On a small phone the stage left beside open panels is short: your own picture shrinks with it.
      await bo.page.setViewportSize(smallPhone);
      const small = await tiles(bo.page);
      expect(area(small.remote[0]!), `${smallPhone.width}×${smallPhone.height}: the other person's picture against yours`).toBeGreaterThan(3 * area(small.self));
    });

    it('keeps every control a finger wide in two rows on a phone (320 px too), puts the panels below the pictures on an upright tablet, and keeps a verification code on one line', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link, enter: false, viewport: tablet });
      await bo.page.getByTestId('display-name').fill('Maximilian-Alexander Würzburg-Ostermann');
      await bo.page.locator('[data-testid="join-call"]:enabled').click();
      const cy = await suite.person({ url: link, viewport: phone });
      await Promise.all([ana, bo, cy].map((person) => waitUntilConnected(person.page, 2, 60_000)));

      for (const viewport of [phone, smallPhone]) {
        await cy.page.setViewportSize(viewport);
        const controls = await controlBoxes(cy.page);
        const where = `${viewport.width}×${viewport.height}`;
        expect(controls.length).toBeGreaterThanOrEqual(8);
        expect(new Set(controls.map((control) => Math.round(control.y + control.height / 2))).size, `${where}: rows of controls`).toBeLessThanOrEqual(2);
        for (const control of controls) {
          expect(Math.min(control.width, control.height), `${where}: "${control.name}" is narrower than a finger`).toBeGreaterThanOrEqual(44);
          expect(control.x >= 0 && control.x + control.width <= viewport.width && control.y + control.height <= viewport.height, `${where}: "${control.name}" is off the screen`).toBe(true);
          for (const other of controls) if (other !== control) expect(overlaps(control, other), `${where}: "${control.name}" overlaps "${other.name}"`).toBe(false);
        }
      }

      for (const panel of ['Verify', 'Stats']) await bo.page.getByRole('button', { name: panel }).click();
      await bo.page.getByTestId('stats').waitFor();
      const { self, remote } = await tiles(bo.page);
      const panels = await panelsBox(bo.page);
      for (const tile of [self, ...remote]) expect(tile.y + tile.height, 'tablet: a picture beside or under the panels').toBeLessThanOrEqual(panels.y + 1);
      expect(remote[0]!.width, 'tablet: the pictures squeezed into a strip beside the panels').toBeGreaterThan(tablet.width / 3);

      // Beside a long name, in the narrow panel column of a desktop, the six digits stay on one line.
      await ana.page.getByRole('button', { name: 'Verify' }).click();
      await ana.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="verify-code"]')].every((code) => /^\d{3} \d{3}$/.test(code.textContent ?? '')), undefined, { polling: 100 });
      const lines = await ana.page.getByTestId('verify-code').evaluateAll((codes) =>
        codes.map((code) => {
          const range = document.createRange();
          range.selectNodeContents(code);
          return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
        }),
      );
      expect(lines, 'lines each verification code takes').toEqual([1, 1]);
    });

    it('keeps the chat input and the newest line in sight on a phone however many lines arrive, naming a run of lines once', { timeout: 120_000 }, async () => {
      const ana = await suite.person();
      await ana.page.getByTestId('display-name').fill('Ana');
      const link = await createRoom(ana);
      const bo = await suite.person({ url: link, viewport: phone });
      await Promise.all([waitUntilConnected(ana.page), waitUntilConnected(bo.page)]);
      await chatButton(bo.page).click();
      for (let line = 1; line <= 15; line++) await sayInChat(ana.page, `line ${line}`);
      const newest = bo.page.getByTestId('chat-message').filter({ hasText: 'line 15' });
      await newest.waitFor();

      // Seen without scrolling: the element drawn at each one's centre is that element.
      const inSight = (element: Element) => {
        const { x, y, width, height } = element.getBoundingClientRect();
        return document.elementFromPoint(x + width / 2, y + height / 2) === element;
      };
      expect(await bo.page.getByTestId('chat-input').evaluate(inSight), 'the chat input is out of sight').toBe(true);
      expect(await newest.evaluate(inSight), 'the newest line is out of sight').toBe(true);
      const names = await bo.page.getByRole('region', { name: 'Chat and files' }).getByText('Ana', { exact: true }).evaluateAll((labels) =>
        labels.filter((label) => label.getBoundingClientRect().width > 1).length,
      );
      expect(names, 'the name shown over a run of lines from one person').toBe(1);
    });

    it('shows the whole pre-join screen, "Join now" included, without scrolling on a laptop and a phone', { timeout: 60_000 }, async () => {
      const link = await createRoom(await suite.person());
      for (const viewport of [{ width: 1366, height: 768 }, { width: 1280, height: 800 }, phone]) {
        const { page } = await suite.person({ url: link, enter: false, viewport });
        await page.locator('[data-testid="join-call"]:enabled').waitFor();
        const button = (await page.getByTestId('join-call').boundingBox())!;
        expect(button.y + button.height, `${viewport.width}×${viewport.height}: "Join now" below the fold`).toBeLessThanOrEqual(viewport.height);
        expect(await pageScrolls(page), `${viewport.width}×${viewport.height}: the pre-join screen scrolls`).toBe(false);
      }
    });
  });
});
