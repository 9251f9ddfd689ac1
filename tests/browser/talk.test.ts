import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { maxChatLength } from '../../protocol/peer-messages.ts';
import { useCallSuite } from './call-suite.ts';
import { patience } from './person.ts';
import { chatButton, remotePeerId, sayInChat } from './talk-steps.ts';

const suite = useCallSuite();

/** A line that would run script if the page ever treated chat as HTML, with a link to copy. */
const hostile = '<img src=x onerror="window.pwned=1"> see https://example.com/a?b=1&c=<b>2</b>';

/** The chat lines `page` shows, as `{from, text}` in order. */
function chatLines(page: Page): Promise<Array<{ from: string | null; text: string | null }>> {
  return page.getByTestId('chat-message').evaluateAll((lines) => lines.map((line) => ({ from: line.getAttribute('data-from'), text: line.textContent })));
}

/** Whether anything the chat showed became an element (other than a link to a web address), or ran. */
function injected(page: Page): Promise<{ elements: number; images: number; ran: boolean }> {
  return page.evaluate(() => ({
    elements: [...document.querySelectorAll('[data-testid="chat-message"] *')].filter(
      (element) => !(element instanceof HTMLAnchorElement && /^https?:$/.test(element.protocol) && element.childElementCount === 0),
    ).length,
    images: document.querySelectorAll('img').length,
    ran: 'pwned' in window,
  }));
}

/** The links in the chat lines `page` shows. */
function chatLinks(page: Page): Promise<Array<{ href: string; text: string | null; target: string; rel: string }>> {
  return page.locator('[data-testid="chat-message"] a').evaluateAll((links) =>
    (links as HTMLAnchorElement[]).map((link) => ({ href: link.href, text: link.textContent, target: link.target, rel: link.rel })),
  );
}

/** Saves a received file through its link, as a person would, and returns the SHA-256 of what was saved, and its name. */
async function savedFile(page: Page): Promise<{ sha256: string; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('file-transfer').locator('a[download]').click()]);
  const stream = await download.createReadStream();
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), name: download.suggestedFilename() };
}

describe('chat, files and stats between two people', () => {
  describe('happy path', () => {
    it('carries chat both ways as literal text, counts unread lines, and bounds a line', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const [aliceId, bobId] = await Promise.all([remotePeerId(bob.page), remotePeerId(alice.page)]);

      await sayInChat(alice.page, hostile);
      await expect.poll(() => chatButton(bob.page).getAttribute('aria-label'), patience).toBe('Chat, 1 unread');
      await chatButton(bob.page).click();
      await expect.poll(() => chatLines(bob.page), patience).toEqual([{ from: aliceId, text: hostile }]);
      expect(await chatButton(bob.page).getAttribute('aria-label')).toBe('Chat');

      await sayInChat(bob.page, hostile);
      await expect.poll(() => chatLines(alice.page), patience).toEqual([
        { from: 'me', text: hostile },
        { from: bobId, text: hostile },
      ]);
      for (const page of [alice.page, bob.page]) expect(await injected(page)).toEqual({ elements: 0, images: 0, ran: false });
      // The address is a link that opens in a new tab, without handing the call page to it; the
      // markup after it is not part of it.
      const link = { href: 'https://example.com/a?b=1&c=', text: 'https://example.com/a?b=1&c=', target: '_blank', rel: 'noopener noreferrer' };
      expect(await chatLinks(bob.page)).toEqual([link, link]);

      // The input takes no more than the bound, which the page says.
      await alice.page.getByTestId('chat-input').fill('x'.repeat(maxChatLength + 100));
      expect((await alice.page.getByTestId('chat-input').inputValue()).length).toBe(maxChatLength);
      expect(await alice.page.getByText(`${maxChatLength} / ${maxChatLength} characters`).isVisible()).toBe(true);
      expect(alice.errors).toEqual([]);
      expect(bob.errors).toEqual([]);
    });

    it('shows a glimpse of a line that arrives while the chat is closed, counts it in the tab\'s title, and opens the chat from it', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const glimpse = bob.page.getByTestId('chat-glimpse');
      expect(await bob.page.title()).toBe('In a call of 2 · Parley');

      await sayInChat(alice.page, 'see you at 5');
      await expect.poll(() => glimpse.textContent(), patience).toMatch(/^\s*Guest\s+says\s+see you at 5\s*$/);
      expect(await bob.page.title()).toBe('(1) In a call of 2 · Parley');
      expect(await bob.page.getByRole('status').filter({ has: glimpse }).count(), 'read out as it arrives').toBe(1);

      await glimpse.click();
      await expect.poll(() => bob.page.getByTestId('chat-message').filter({ hasText: 'see you at 5' }).count(), patience).toBe(1);
      expect(await glimpse.count()).toBe(0);
      expect(await bob.page.title()).toBe('In a call of 2 · Parley');

      // With the chat open, a new line needs no glimpse.
      await sayInChat(alice.page, 'or at 6');
      await expect.poll(() => bob.page.getByTestId('chat-message').filter({ hasText: 'or at 6' }).count(), patience).toBe(1);
      expect(await glimpse.count()).toBe(0);
    });

    it('sends a 3 MiB file that arrives with the same SHA-256 and can be saved', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const bytes = randomBytes(3 * 1024 * 1024);
      await chatButton(alice.page).click();
      await alice.page.getByTestId('file-input').setInputFiles({ name: 'random.bin', mimeType: 'application/octet-stream', buffer: bytes });

      await chatButton(bob.page).click();
      await expect.poll(() => bob.page.getByTestId('file-transfer').getAttribute('data-state'), patience).toBe('done');
      await expect.poll(() => alice.page.getByTestId('file-transfer').getAttribute('data-state'), patience).toBe('done');
      expect(await savedFile(bob.page)).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), name: 'random.bin' });
      expect(alice.errors).toEqual([]);
      expect(bob.errors).toEqual([]);
    });

    it('sends a file dropped on the chat, and a screenshot pasted into its input, while pasted text stays text', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      await chatButton(alice.page).click();
      await chatButton(bob.page).click();
      const panel = alice.page.getByRole('region', { name: 'Chat and files' });
      // What the browser hands the page when a file from the desktop is dropped, or a screenshot pasted.
      const carrying = (name: string, text: string) =>
        alice.page.evaluateHandle(([fileName, content]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([content!], fileName!, { type: 'text/plain' }));
          return transfer;
        }, [name, text]);

      const dropped = await carrying('notes.txt', 'agenda');
      const lines = panel.getByRole('list').first();
      await lines.dispatchEvent('dragenter', { dataTransfer: dropped });
      expect(await panel.locator('[data-dropping]').count(), 'where to let go is shown').toBe(1);
      await lines.dispatchEvent('drop', { dataTransfer: dropped });
      expect(await panel.locator('[data-dropping]').count()).toBe(0);
      // Whether the page took a paste for itself (a file), rather than letting the field paste text.
      const pasteTaken = (clipboardData: Awaited<ReturnType<typeof carrying>>) =>
        alice.page.getByTestId('chat-input').evaluate((input, data) => !input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })), clipboardData);
      expect(await pasteTaken(await carrying('image.png', 'pixels'))).toBe(true);
      const text = await alice.page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.setData('text/plain', 'see the notes');
        return transfer;
      });
      expect(await pasteTaken(text), 'text is the field\'s to paste').toBe(false);

      const received = () => bob.page.getByTestId('file-transfer').evaluateAll((rows) => rows.map((row) => `${row.querySelector('.name')?.textContent} ${row.getAttribute('data-state')}`).sort());
      await expect.poll(received, patience).toEqual(['image.png done', 'notes.txt done']);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    });

    it('shows a round-trip time, a bitrate above zero, the loss both ways and a plot for the other person', { timeout: 120_000 }, async () => {
      const { alice, bob } = await suite.call();
      const bobId = await remotePeerId(alice.page);
      await alice.page.getByRole('button', { name: 'Stats' }).click();
      const entry = alice.page.getByTestId('stats').locator(`[data-peer-id="${bobId}"]`);
      const number = async (name: string, unit: string) => {
        const text = (await entry.locator(`[data-stat="${name}"]`).textContent()) ?? '';
        return text.endsWith(` ${unit}`) ? Number.parseFloat(text) : Number.NaN;
      };
      await expect.poll(() => number('Round trip', 'ms'), patience).toBeGreaterThan(0);
      await expect.poll(() => number('In', 'kbit/s'), patience).toBeGreaterThan(0);
      await expect.poll(() => number('Out', 'kbit/s'), patience).toBeGreaterThan(0);
      // Packet loss both ways: none on loopback, but measured.
      await expect.poll(() => number('Loss in', '%'), patience).toBe(0);
      await expect.poll(() => number('Loss out', '%'), patience).toBe(0);
      expect(await entry.locator('[data-stat="Path"]').textContent()).toMatch(/^(host|srflx|prflx|relay) → (host|srflx|prflx|relay)$/);
      // A plot: a line through at least two seconds of the bitrate.
      await expect.poll(() => entry.locator('svg.plot polyline').nth(1).evaluate((line) => line.getAttribute('points')?.split(' ').length ?? 0), patience).toBeGreaterThan(1);
      expect(alice.errors).toEqual([]);
      expect(bob.errors).toEqual([]);
    });
  });
});
