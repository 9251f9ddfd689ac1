import { describe, expect, it } from 'vitest';
import { logExport } from '../../../web/lib/inspector/log-export.ts';
import type { StatsSample } from '../../../web/lib/talk/peer-stats.ts';
import { StatsHistory } from '../../../web/lib/talk/stats-history.svelte.ts';

function sampleAt(t: number): StatsSample {
  return { t, rttMs: 1, inKbps: 800, outKbps: 900, lossPercent: 0, sentLossPercent: 0, jitterMs: 2, fps: 30, resolution: '640×480', codec: 'VP8', localType: 'host', remoteType: 'host' };
}

describe('the last minute of stats', () => {
  describe('happy path', () => {
    it('keeps each peer\'s last minute and goes into the exported log', () => {
      const history = new StatsHistory();
      for (let t = 0; t <= 90; t++) history.add('p1', sampleAt(t));
      history.add('p2', sampleAt(90));
      expect(history.byPeer.p1!.map((sample) => sample.t)).toEqual(Array.from({ length: 60 }, (_, index) => index + 31));

      const exported = logExport({ entries: [], dropped: 0, callState: 'inCall', peers: [], exportedAt: new Date(0), stats: history.export() });
      expect(exported.stats.p1).toHaveLength(60);
      expect(exported.stats.p2).toEqual([sampleAt(90)]);
      expect(JSON.stringify(exported)).not.toMatch(/\d{1,3}(\.\d{1,3}){3}/);
    });

    it('forgets a peer who left', () => {
      const history = new StatsHistory();
      history.add('p1', sampleAt(1));
      history.add('p2', sampleAt(1));
      history.keepOnly(['p2']);
      expect(Object.keys(history.byPeer)).toEqual(['p2']);
    });
  });

  describe('failure', () => {
    it('exports no stats when the panel was never opened', () => {
      expect(logExport({ entries: [], dropped: 0, callState: 'inCall', peers: [], exportedAt: new Date(0) }).stats).toEqual({});
    });
  });
});
