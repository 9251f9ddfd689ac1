import { afterEach, describe, expect, it } from 'vitest';
import { LoopbackCut } from '../support/loopback-cut.ts';
import { useCallSuite } from './call-suite.ts';
import { patience, selectedPath, waitForMovingRemoteVideo, watchPeerConnections } from './person.ts';

const suite = useCallSuite();
let cut: LoopbackCut | undefined;

afterEach(async () => {
  await cut?.restore();
  cut = undefined;
});

describe('a weak connection on the tile', () => {
  describe('failure', () => {
    it('marks the person whose packets go missing on the way, and clears the mark once they arrive again', async () => {
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

      await cut.restore();
      await expect.poll(() => mark.count(), patience).toBe(0);
      expect(await alice.page.getByTestId('remote-tile').getAttribute('data-state')).toBe('connected');
    }, 90_000);
  });
});
