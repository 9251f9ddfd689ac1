import type { Locator, Page } from 'playwright-core';

/** The button that opens chat and files; its name says "Chat" and the unread count. */
export function chatButton(page: Page): Locator {
  return page.getByRole('button', { name: /^Chat/ });
}

/** The peer id of the one remote person `page` sees. */
export async function remotePeerId(page: Page): Promise<string> {
  return (await page.getByTestId('remote-tile').getAttribute('data-peer-id')) ?? '';
}

/** Opens the chat if it is closed, and sends `text`. */
export async function sayInChat(page: Page, text: string): Promise<void> {
  if ((await chatButton(page).getAttribute('aria-expanded')) !== 'true') await chatButton(page).click();
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}
