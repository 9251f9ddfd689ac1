import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, shownError, waitUntilConnected } from './person.ts';

// Without the auto-allow flag a person opened with `media: false` is refused the camera, as
// one who blocked it: the page's error view for it is checked too.
const suite = useCallSuite({ autoAllowMedia: false });
const person = suite.person;
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const phone = { width: 390, height: 844 };

/** What axe-core finds wrong on the page as it is now: rule, impact and the elements, for a readable failure. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts, so a
  // `<script>` tag (addScriptTag) would be refused.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

describe('every view, as axe-core checks it', () => {
  describe('happy path', () => {
    it('the lobby, pre-join, call (desktop and phone, a tile\'s volume and the shortcuts open) and ended views have no violation', async () => {
      const a = await person();
      expect(await violations(a.page), 'lobby').toEqual([]);
      const link = await createRoom(a);

      const b = await person({ url: link, enter: false, viewport: phone });
      await b.page.getByTestId('join-call').waitFor(patience);
      expect(await violations(b.page), 'pre-join on a phone').toEqual([]);
      await b.page.getByTestId('join-call').click();
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
      await a.page.getByTestId('remote-tile').waitFor(patience);
      expect(await violations(a.page), 'call on a desktop').toEqual([]);
      expect(await violations(b.page), 'call on a phone').toEqual([]);
      await a.page.getByTestId('remote-tile').getByRole('button', { name: /^Volume: / }).click();
      await a.page.keyboard.press('Shift+Slash');
      await a.page.getByTestId('shortcuts').waitFor(patience);
      expect(await violations(a.page), 'volume slider, and the keyboard shortcuts over the call').toEqual([]);
      await a.page.keyboard.press('Escape');

      await a.page.getByTestId('hang-up').click();
      await a.page.getByRole('heading', { name: 'You left the call' }).waitFor(patience);
      expect(await a.page.getByTestId('hang-up').count()).toBe(0);
      expect(await violations(a.page), 'ended').toEqual([]);
    });
  });

  describe('failure', () => {
    it('a room that does not exist and a blocked camera are said without violations', async () => {
      const a = await person({ viewport: phone });
      await a.page.getByTestId('join-room-id').fill('6f1c1f64-3a0f-4b53-9a44-2c6ad2b1e0aa');
      await a.page.getByTestId('join-room').click();
      expect((await shownError(a.page)).code).toBe('room-not-found');
      expect(await violations(a.page), 'unknown room').toEqual([]);

      const b = await person({ media: false });
      await b.page.getByTestId('create-room').click();
      expect((await shownError(b.page)).code).toBe('media-denied');
      expect(await violations(b.page), 'camera blocked').toEqual([]);
    });
  });
});
