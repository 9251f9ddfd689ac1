import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, patience, type Person } from './person.ts';

const suite = useCallSuite();

/** One person who made a room from the lobby and waits in the call: their page, and its errors. */
async function aloneInACall(): Promise<Person> {
  const person = await suite.person();
  await createRoom(person);
  return person;
}

/** The accessible name of what has the keyboard focus. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);

describe('closing the side panels, and the list of keyboard shortcuts', () => {
  describe('happy path', () => {
    it('closes the panel you are in with Escape, gives the focus back to its button, and keeps what you were typing', async () => {
      const { page, errors } = await aloneInACall();
      const chat = page.getByRole('region', { name: 'Chat and files' });

      await page.getByRole('button', { name: 'Chat', exact: true }).click();
      await page.getByTestId('chat-input').fill('half a thought');
      await page.getByTestId('chat-input').press('Escape');
      await expect.poll(() => chat.count(), patience).toBe(0);
      expect(await focused(page)).toBe('Chat');

      await page.keyboard.press('Enter');
      expect(await page.getByTestId('chat-input').inputValue()).toBe('half a thought');
      expect(errors).toEqual([]);
    });

    it('opens the chat on Ctrl+Alt+C ready to type in, and closes it on the same keys, the keyboard back on its button', async () => {
      const { page, errors } = await aloneInACall();
      const chat = page.getByRole('region', { name: 'Chat and files' });

      await page.keyboard.press('Control+Alt+KeyC');
      await chat.waitFor();
      await page.keyboard.type('hello');
      expect(await page.getByTestId('chat-input').inputValue()).toBe('hello');

      await page.keyboard.press('Control+Alt+KeyC');
      await expect.poll(() => chat.count(), patience).toBe(0);
      expect(await focused(page)).toBe('Chat');
      expect(errors).toEqual([]);
    });

    it('closes one panel with its × and leaves the others open', async () => {
      const { page, errors } = await aloneInACall();

      await page.getByRole('button', { name: 'Devices', exact: true }).click();
      await page.getByRole('button', { name: 'Stats', exact: true }).click();
      await page.getByRole('region', { name: 'Devices' }).getByRole('button', { name: 'Close panel' }).click();
      await expect.poll(() => page.getByRole('region', { name: 'Devices' }).count(), patience).toBe(0);
      expect(await page.getByRole('region', { name: 'Stats' }).isVisible()).toBe(true);
      expect(await focused(page)).toBe('Devices');

      await page.getByRole('button', { name: 'Inspector', exact: true }).click();
      await page.getByTestId('inspector').getByRole('button', { name: 'Export log' }).focus();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('inspector').count(), patience).toBe(0);
      expect(await page.getByRole('region', { name: 'Stats' }).isVisible()).toBe(true);
      expect(await focused(page)).toBe('Inspector');
      expect(errors).toEqual([]);
    });

    it('lists the keyboard shortcuts on ?, not while typing, and gives the keyboard back when closed', async () => {
      const { page, errors } = await aloneInACall();
      const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });

      await page.getByRole('button', { name: 'Chat', exact: true }).click();
      await page.getByTestId('chat-input').press('Shift+Slash');
      expect(await page.getByTestId('chat-input').inputValue(), 'in the chat, ? is typed').toBe('?');
      expect(await list.isVisible()).toBe(false);

      await page.getByRole('button', { name: 'Devices', exact: true }).focus();
      await page.keyboard.press('Shift+Slash');
      await list.waitFor();
      const rows = await list.locator('.row').evaluateAll((shown) => shown.map((row) => `${row.querySelector('dt')!.textContent} ${row.querySelector('dd')!.textContent}`));
      expect(rows).toEqual(expect.arrayContaining(['Ctrl+D Microphone on or off', 'Space (hold) Talk while muted', 'Ctrl+Alt+H Raise or lower your hand', 'Ctrl+Alt+C Open or close the chat']));
      await page.keyboard.press('Escape');
      await list.waitFor({ state: 'hidden' });
      expect(await focused(page), 'back where the keyboard was').toBe('Devices');
      expect(await page.getByRole('region', { name: 'Chat and files' }).isVisible(), 'Escape in the list closed nothing else').toBe(true);

      // Ctrl+/ works in a field too; a click beside the list closes it.
      await page.getByTestId('chat-input').press('Control+Slash');
      await list.waitFor();
      await page.mouse.click(5, 5);
      await list.waitFor({ state: 'hidden' });
      expect(errors).toEqual([]);
    });
  });
});
