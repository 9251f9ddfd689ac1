import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { createRoom, handshakeStates, patience, waitUntilConnected } from './person.ts';

const suite = useCallSuite();
const person = suite.person;

/**
 * Keeps the context off the internet: requests outside the test server are refused and
 * recorded, so a page that needs the network fails the test instead of passing by luck.
 */
async function offline(context: BrowserContext): Promise<string[]> {
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(suite.server.origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return outside;
}

/** Each remote peer's state as the inspector marks it (`aria-current="true"`), by peer id. */
async function markedStates(page: Page): Promise<Record<string, string[]>> {
  return page.getByTestId('inspector-peer').evaluateAll((sections) =>
    Object.fromEntries(
      sections.map((section) => [
        section.getAttribute('data-peer-id') ?? '',
        [...section.querySelectorAll('[aria-current="true"]')].map((node) => node.textContent ?? ''),
      ]),
    ),
  );
}

/** What the page shows for each peer, as the inspector would mark it. */
async function shownStates(page: Page): Promise<Record<string, string[]>> {
  return Object.fromEntries(Object.entries(await handshakeStates(page)).map(([id, state]) => [id, [state]]));
}

/**
 * From now on, after every change to the page, compares each peer's `handshake-state` with
 * the state the inspector marks, and records the states it saw and any disagreement.
 */
async function watchAgreement(page: Page): Promise<() => Promise<{ seen: string[]; disagreements: string[] }>> {
  await page.evaluate(() => {
    const record = { seen: [] as string[], disagreements: [] as string[] };
    const check = () => {
      for (const shown of document.querySelectorAll('[data-testid="handshake-state"]')) {
        const id = shown.getAttribute('data-peer-id') ?? '';
        const section = [...document.querySelectorAll('[data-testid="inspector-peer"]')].find((node) => node.getAttribute('data-peer-id') === id);
        const marked = [...(section?.querySelectorAll('[aria-current="true"]') ?? [])].map((node) => node.textContent);
        const state = shown.textContent ?? '';
        if (marked.length !== 1 || marked[0] !== state) record.disagreements.push(`${state} vs [${marked.join(', ')}]`);
        if (record.seen.at(-1) !== state) record.seen.push(state);
      }
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    Object.assign(window, { inspectorAgreement: record });
  });
  return () => page.evaluate(() => (window as unknown as { inspectorAgreement: { seen: string[]; disagreements: string[] } }).inspectorAgreement);
}

/** The texts of the inspector's event log lines. */
async function logTexts(page: Page): Promise<string[]> {
  // The inspector's code loads when it is first opened, and `allInnerTexts` does not wait: wait
  // for the log to be drawn (all its entries come at once) before reading it.
  await page.getByTestId('inspector-log-entry').first().waitFor(patience);
  return page.getByTestId('inspector-log-entry').locator('.text').allInnerTexts();
}

describe('handshake inspector', () => {
  describe('happy path', () => {
    it('marks the same state as the page shows for the peer at every step of a real call', async () => {
      const a = await person();
      const link = await createRoom(a);
      const button = a.page.getByRole('button', { name: /inspector/i });
      expect(await a.page.getByTestId('inspector').count()).toBe(0);
      await button.click();
      await expect.poll(() => a.page.getByTestId('inspector-call-state').innerText(), patience).toBe('inCall');
      const agreement = await watchAgreement(a.page);

      const b = await person({ url: link });
      await waitUntilConnected(a.page);
      await expect.poll(() => markedStates(a.page), patience).toEqual(await shownStates(a.page));

      const { seen, disagreements } = await agreement();
      expect(disagreements).toEqual([]);
      // A answers: the inspector followed the peer from its first state to `connected`.
      expect(seen.at(-1)).toBe('connected');
      expect(seen.length).toBeGreaterThan(1);
      expect(seen).toContain('answering');

      // B offers, and opens the inspector with the keyboard.
      await waitUntilConnected(b.page);
      await b.page.keyboard.press('Alt+I');
      await expect.poll(() => markedStates(b.page), patience).toEqual(await shownStates(b.page));
      expect(Object.values(await markedStates(b.page))).toEqual([['connected']]);
      expect(await b.page.getByRole('button', { name: /inspector/i }).getAttribute('aria-keyshortcuts')).toBe('Alt+I');

      // After B leaves, A's page and inspector agree again.
      await b.page.getByTestId('hang-up').click();
      await expect.poll(async () => Object.values(await handshakeStates(a.page)).filter((state) => state !== 'closed'), patience).toEqual([]);
      expect((await agreement()).disagreements).toEqual([]);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    });

    it('logs the offer, the answer, candidates and the connection on both sides, and exports them without addresses', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link });
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);

      // Opened after the fact, the log still holds everything since the call started.
      await a.page.getByRole('button', { name: /inspector/i }).click();
      await b.page.getByRole('button', { name: /inspector/i }).click();
      const answererLog = await logTexts(a.page);
      const offererLog = await logTexts(b.page);
      expect(answererLog).toContain('create a room');
      expect(answererLog.some((text) => /^offer received, \d+(\.\d)? (B|KB)$/.test(text))).toBe(true);
      expect(answererLog.some((text) => /^peer-joined .+…$/.test(text))).toBe(true);
      expect(answererLog.some((text) => /^answer sent, \d+(\.\d)? (B|KB)$/.test(text))).toBe(true);
      expect(offererLog.some((text) => /^offer sent, \d+(\.\d)? (B|KB)$/.test(text))).toBe(true);
      expect(offererLog.some((text) => /^answer received, \d+(\.\d)? (B|KB)$/.test(text))).toBe(true);
      for (const log of [answererLog, offererLog]) {
        expect(log.some((text) => /^\w+ candidate (udp|tcp) sent$/.test(text))).toBe(true);
        expect(log.some((text) => /^\w+ candidate (udp|tcp) received$/.test(text))).toBe(true);
        expect(log).toContain('ICE connected');
      }
      const times = await a.page.getByTestId('inspector-log-entry').locator('time').allInnerTexts();
      expect(times.every((time) => /^\+\d+\.\d{3} s$/.test(time))).toBe(true);

      const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('button', { name: 'Export log' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^parley-handshake-.+\.json$/);
      const file = await readFile(await download.path(), 'utf8');
      const exported = JSON.parse(file) as { format: string; call: { state: string }; peers: Array<{ state: string }>; entries: Array<{ type: string; text: string; bytes?: number }> };
      expect(exported.format).toBe('parley-inspector-log');
      expect(exported.call.state).toBe('inCall');
      expect(exported.peers.map((peer) => peer.state)).toEqual(['connected']);
      const texts = exported.entries.map((entry) => entry.text);
      expect(texts).toEqual(expect.arrayContaining(answererLog.filter((text) => /offer|answer|candidate|ICE connected/.test(text))));
      expect(exported.entries.find((entry) => entry.text.startsWith('offer received'))?.bytes).toBeGreaterThan(100);
      // Privacy: no SDP body, no candidate line, no IP address.
      expect(file).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b|candidate:|a=fingerprint|\.local\b/);
      expect(a.errors).toEqual([]);
    });
  });
});

describe('state inspector window', () => {
  describe('happy path', () => {
    it('shows the call\'s actors and their live states from ?inspect, with no internet', async () => {
      const a = await person();
      const outside = await offline(a.context);
      const opened = a.context.waitForEvent('page');
      await a.page.goto(`${suite.server.origin}/?inspect`);
      const receiver = await opened;
      expect(new URL(receiver.url()).pathname).toBe('/inspector.html');
      const actor = (name: string | RegExp) => receiver.getByTestId('receiver-actor').filter({ has: receiver.getByRole('heading', { name, exact: true }) });

      await expect.poll(() => actor('call').getByTestId('receiver-actor-state').innerText(), patience).toBe('lobby');
      const link = await createRoom(a);
      await expect.poll(() => actor('call').getByTestId('receiver-actor-state').innerText(), patience).toBe('inCall');

      const b = await person({ url: link });
      await waitUntilConnected(a.page);
      const [peerId] = Object.keys(await handshakeStates(a.page));
      const peer = actor(new RegExp(`^peer:.+:${peerId}$`));
      await expect.poll(() => peer.getByTestId('receiver-actor-state').innerText(), patience).toMatch(/^active\.channel\.open, active\.connection\.connected, active\.negotiation\.stable$/);
      // Its recent events show the handshake as it happened.
      await expect.poll(() => peer.locator('code').allInnerTexts(), patience).toContain('pc.connectionState');
      expect(await actor('socket').count()).toBe(1);

      expect(outside).toEqual([]);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    });

    it('opens Stately\'s hosted inspector only when asked with ?inspect=stately, and only once the person says yes in the page', async () => {
      const a = await person();
      const toStately: string[] = [];
      await a.context.route('https://stately.ai/**', (route) => {
        toStately.push(route.request().url());
        return route.fulfill({ contentType: 'text/html', body: '<title>Stately stand-in</title>' });
      });
      const windows: string[] = [];
      a.context.on('page', (opened) => windows.push(opened.url()));
      await a.page.goto(`${suite.server.origin}/?inspect=stately`);
      const consent = a.page.getByRole('dialog', { name: 'Send this call\'s states to stately.ai?' });
      await consent.waitFor(patience);
      await createRoom(a);
      expect(toStately).toEqual([]);
      expect(windows).toEqual([]);

      const opened = a.context.waitForEvent('page');
      await consent.getByRole('button', { name: 'Send to stately.ai' }).click();
      const hosted = await opened;
      expect(hosted.url()).toMatch(/^https:\/\/stately\.ai\/inspect/);
      await consent.waitFor({ state: 'detached', ...patience });
      expect(a.errors).toEqual([]);
    });
  });
});
