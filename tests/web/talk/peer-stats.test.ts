import { describe, expect, it } from 'vitest';
import { summarizeStats } from '../../../web/lib/talk/peer-stats.ts';

/** A `getStats()` report as Chromium shapes it, with totals that grow by `step`. */
function report(step: number): Array<Record<string, unknown>> {
  return [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP0', type: 'candidate-pair', nominated: false, state: 'failed', currentRoundTripTime: 9, bytesReceived: 0, bytesSent: 0 },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.0123, bytesReceived: 1_000 + step * 125_000, bytesSent: 2_000 + step * 250_000 },
    { id: 'L', type: 'local-candidate', candidateType: 'host' },
    { id: 'R', type: 'remote-candidate', candidateType: 'relay' },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', packetsReceived: 100 + step * 90, packetsLost: step * 10, jitter: 0.004, framesPerSecond: 30, frameWidth: 640, frameHeight: 480, codecId: 'C' },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: 50 + step * 50, packetsLost: 0, jitter: 0.002 },
    { id: 'C', type: 'codec', mimeType: 'video/VP8' },
    { id: 'RV', type: 'remote-inbound-rtp', kind: 'video', packetsLost: step * 4, fractionLost: 0.015625 },
    { id: 'RA', type: 'remote-inbound-rtp', kind: 'audio', packetsLost: step * 1, fractionLost: 0.046875 },
  ];
}

describe('stats of one connection', () => {
  describe('happy path', () => {
    it('reads the path in use, its round trip and the incoming video', () => {
      const { sample } = summarizeStats(report(0), 1_000, null);
      expect(sample).toMatchObject({ rttMs: 12.3, localType: 'host', remoteType: 'relay', fps: 30, resolution: '640×480', codec: 'VP8', jitterMs: 4 });
      // Rates need a second sample.
      expect(sample).toMatchObject({ inKbps: null, outKbps: null, lossPercent: null });
    });

    it('turns totals into bitrates and the loss over the last interval', () => {
      const first = summarizeStats(report(0), 1_000, null);
      const { sample } = summarizeStats(report(1), 2_000, first.counters);
      expect(sample).toMatchObject({ inKbps: 1_000, outKbps: 2_000, lossPercent: 6.7, t: 2 });
    });

    it('reads how much of what was sent the other end reported lost: the worst stream', () => {
      // The receiver reports' own fractions (n/256), so the first report says it already.
      expect(summarizeStats(report(0), 1_000, null).sample.sentLossPercent).toBe(4.7);
    });
  });

  describe('failure', () => {
    it('says nothing it does not know: an empty report', () => {
      const { sample } = summarizeStats([], 1_000, null);
      expect(sample).toEqual({
        t: 1,
        rttMs: null,
        inKbps: null,
        outKbps: null,
        lossPercent: null,
        sentLossPercent: null,
        jitterMs: null,
        fps: null,
        resolution: null,
        codec: null,
        localType: null,
        remoteType: null,
      });
    });
  });
});
