import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerLink } from '../../../web/lib/actors/peer-links.ts';
import type { StatsSample } from '../../../web/lib/talk/peer-stats.ts';
import { pollStats, statsIntervalMs } from '../../../web/lib/talk/stats-poll.ts';

/** A connection whose `getStats()` counts its calls and answers with an empty report. */
function countingLink(peerId: string) {
  const link = { peerId, calls: 0, pc: { connectionState: 'connected', getStats: async () => (link.calls++, new Map()) } };
  return link;
}

afterEach(() => vi.useRealTimers());

describe('reading stats while the panel is open', () => {
  describe('happy path', () => {
    it('reads every connection at once and then once a second, and never after it was stopped', async () => {
      vi.useFakeTimers();
      const links = [countingLink('p1'), countingLink('p2')];
      const samples: Array<[string, StatsSample]> = [];
      const stop = pollStats({ links: () => links as unknown as PeerLink[], add: (peerId, sample) => samples.push([peerId, sample]) });
      await vi.advanceTimersByTimeAsync(0);
      expect(links.map((link) => link.calls)).toEqual([1, 1]);
      await vi.advanceTimersByTimeAsync(statsIntervalMs * 3);
      expect(links.map((link) => link.calls)).toEqual([4, 4]);
      expect(samples.map(([peerId]) => peerId).sort()).toEqual(['p1', 'p1', 'p1', 'p1', 'p2', 'p2', 'p2', 'p2']);

      stop();
      await vi.advanceTimersByTimeAsync(statsIntervalMs * 10);
      expect(links.map((link) => link.calls)).toEqual([4, 4]);
    });
  });

  describe('failure', () => {
    it('skips a closed connection', async () => {
      vi.useFakeTimers();
      const link = countingLink('p1');
      link.pc.connectionState = 'closed';
      const stop = pollStats({ links: () => [link] as unknown as PeerLink[], add: () => {} });
      await vi.advanceTimersByTimeAsync(statsIntervalMs * 2);
      stop();
      expect(link.calls).toBe(0);
    });
  });
});
