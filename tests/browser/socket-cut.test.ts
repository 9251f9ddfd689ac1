import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { StallingProxy } from '../support/stalling-proxy.ts';
import { useCallSuite } from './call-suite.ts';
import {
  handshakeStates,
  patience,
  recordedHandshakeWords,
  recordHandshakeWords,
  waitForMovingRemoteVideo,
} from './person.ts';

/**
 * One person's signaling socket goes silent for 10 s (their traffic to the server passes a
 * proxy that stops every byte, as a dead network would, without closing anything), while the
 * media between the two browsers goes on directly.
 */
const suite = useCallSuite();
/** How long the socket stays silent: longer than the page's ~5 s to notice, shorter than the seat's grace. */
const cutMs = 10_000;
let proxy: StallingProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** Whether the page shows `reconnecting` as a status and no error. */
async function saysReconnecting(page: Page): Promise<boolean> {
  const status = page.getByTestId('reconnecting');
  return (await status.isVisible()) && !(await page.getByTestId('error').isVisible());
}

describe('a call while one person\'s signaling socket is silent for 10 s', () => {
  it('keeps the media, says reconnecting on that page, and comes back into the same seat without a new offer', async () => {
    proxy = await StallingProxy.start(Number(new URL(suite.server.origin).port));
    const through = proxy;
    const { alice, bob } = await suite.call({ bobOpens: (link) => link.replace(suite.server.origin, through.origin) });
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
    const peersBefore = await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)]);
    await Promise.all([recordHandshakeWords(alice.page), recordHandshakeWords(bob.page)]);

    proxy.stall();
    const stalledAt = performance.now();
    await expect.poll(() => saysReconnecting(bob.page), patience).toBe(true);
    // Meanwhile the pictures move both ways: the media never needed the server.
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
    // The outage lasts its full length, whatever the pages do meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutMs - (performance.now() - stalledAt))));
    proxy.restore();

    await bob.page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: patience.timeout });
    // The same seat and the same connection: nothing was offered again, nothing left `connected`.
    expect(await Promise.all([handshakeStates(alice.page), handshakeStates(bob.page)])).toEqual(peersBefore);
    expect(await recordedHandshakeWords(alice.page)).toEqual(['connected']);
    expect(await recordedHandshakeWords(bob.page)).toEqual(['connected']);
    expect(await alice.page.getByTestId('reconnecting').count()).toBe(0);

    // Signaling works again: Bob's hang-up reaches Alice.
    await bob.page.getByTestId('hang-up').click();
    await expect.poll(async () => Object.values(await handshakeStates(alice.page)).filter((state) => state !== 'closed'), patience).toEqual([]);
    expect(alice.errors).toEqual([]);
    // Chromium logs a reconnection attempt that was given up while it hung; nothing else may complain.
    const abandoned = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/ws' failed/;
    expect(bob.errors.filter((error) => !abandoned.test(error))).toEqual([]);
  }, 120_000);
});
