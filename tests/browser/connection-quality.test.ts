import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { LoopbackCut } from '../support/loopback-cut.ts';
import { useCallSuite } from './call-suite.ts';
import { patience, selectedPath, waitForLiveRemoteAudio, waitForMovingRemoteVideo, watchPeerConnections } from './person.ts';

const suite = useCallSuite();
let cut: LoopbackCut | undefined;

afterEach(async () => {
  await cut?.restore();
  cut = undefined;
});

/** How many camera frames `page` has sent so far, over its newest connection (`watchPeerConnections`). */
async function framesSent(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)!;
    const stats = [...(await pc.getStats()).values()] as Array<{ type: string; kind?: string; framesSent?: number }>;
    return stats.filter((entry) => entry.type === 'outbound-rtp' && entry.kind === 'video').reduce((sum, entry) => sum + (entry.framesSent ?? 0), 0);
  });
}

/** Whether `page` is sending camera frames now: more of them a second later. */
async function sendingFrames(page: Page): Promise<boolean> {
  const before = await framesSent(page);
  await page.waitForTimeout(1_000);
  return (await framesSent(page)) > before;
}

describe('stopping incoming video to save data', () => {
  describe('happy path', () => {
    it('stops the other person\'s camera coming, showing their initials, while sound and your own picture go on, and brings it back', async () => {
      const { alice, bob } = await suite.call({ alice: { init: watchPeerConnections, name: 'Alice' } });
      await waitForMovingRemoteVideo(bob.page);
      expect(await sendingFrames(alice.page)).toBe(true);

      await bob.page.getByRole('button', { name: 'Devices', exact: true }).click();
      const stop = bob.page.getByRole('checkbox', { name: /Stop incoming video/ });
      await stop.check();
      // Alice's browser stops sending her picture to Bob: the data is saved, not only hidden.
      await expect.poll(() => sendingFrames(alice.page), patience).toBe(false);
      expect(await bob.page.getByTestId('remote-tile').getByText('A', { exact: true }).isVisible(), 'her initial instead').toBe(true);
      await waitForLiveRemoteAudio(bob.page);
      await waitForMovingRemoteVideo(alice.page);

      await stop.uncheck();
      await expect.poll(() => sendingFrames(alice.page), patience).toBe(true);
      await waitForMovingRemoteVideo(bob.page);
      expect(await bob.page.getByTestId('remote-tile').getByText('A', { exact: true }).count(), 'her picture again').toBe(0);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
    }, 90_000);
  });
});

describe('a weak connection on the tile', () => {
  describe('failure', () => {
    it('marks the person whose packets go missing on the way, tells them, and clears both once the packets arrive again', async () => {
      const { alice, bob } = await suite.call({ bob: { init: watchPeerConnections } });
      await waitForMovingRemoteVideo(alice.page);
      const mark = alice.page.getByTestId('remote-tile').getByTestId('peer-connection-quality');

      // A quarter of what Bob's browser sends over its media path is lost; what it receives is not.
      const { port } = await selectedPath(bob.page);
      expect(port).toBeGreaterThan(0);
      cut = new LoopbackCut([port], { fromOnly: true, percent: 25 });
      await cut.cut();
      // Retransmissions and audio redundancy win back part of it: the share shown is lower.
      await expect.poll(() => mark.count(), patience).toBe(1);
      expect(await mark.getAttribute('title')).toMatch(/^(Weak|Poor) connection \([\d.]+ % of packets lost, \d+ ms round trip\)$/);
      expect(await alice.page.getByTestId('remote-tile').getAttribute('data-state')).toBe('connected');
      // Bob learns from Alice's reports that what he sends gets lost: he is told, she is not.
      const bobsNotice = bob.page.getByTestId('own-connection');
      await expect.poll(() => bobsNotice.textContent(), patience).toMatch(/^\s*Your connection is unstable: the others may not see or hear you well\.\s*$/);
      expect(await alice.page.getByTestId('own-connection').count()).toBe(0);

      await cut.restore();
      await expect.poll(() => mark.count(), patience).toBe(0);
      await expect.poll(() => bobsNotice.count(), patience).toBe(0);
      expect(await alice.page.getByTestId('remote-tile').getAttribute('data-state')).toBe('connected');
    }, 90_000);
  });
});
