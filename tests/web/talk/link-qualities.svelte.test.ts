import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerLinks, type PeerLink } from '../../../web/lib/actors/peer-links.ts';
import { LinkQualities, qualityIntervalMs } from '../../../web/lib/talk/link-qualities.svelte.ts';

/**
 * A connection whose report says, at each reading, that 100 more packets came in and `lost`
 * (its current value) more were lost, with a round trip of `rttMs`; and that the other end's
 * latest report lost `sentLost` percent of what we send.
 */
function fakeLink() {
  const counters = { received: 0, lost: 0 };
  const link = {
    lost: 0,
    sentLost: 0,
    rttMs: 20,
    pc: {
      connectionState: 'connected' as RTCPeerConnectionState,
      getStats: async () => {
        counters.received += 100;
        counters.lost += link.lost;
        return new Map<string, unknown>([
          ['t', { id: 't', type: 'transport', selectedCandidatePairId: 'cp' }],
          ['cp', { id: 'cp', type: 'candidate-pair', currentRoundTripTime: link.rttMs / 1000 }],
          ['in', { id: 'in', type: 'inbound-rtp', kind: 'audio', packetsReceived: counters.received, packetsLost: counters.lost }],
          ['remote-in', { id: 'remote-in', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: link.sentLost / 100 }],
        ]);
      },
    },
  };
  return link;
}

/** Watches fake connections to `ids` on fake timers; `readings(n)` lets n readings happen. */
function watch(...ids: string[]) {
  vi.useFakeTimers();
  const links = new PeerLinks();
  const fakes = ids.map((peerId) => {
    const fake = fakeLink();
    links.add({ peerId, pc: fake.pc, channel: {} } as unknown as PeerLink);
    return fake;
  });
  const qualities = new LinkQualities(() => links.all);
  const stop = qualities.start();
  const readings = (count: number) => vi.advanceTimersByTimeAsync(qualityIntervalMs * count);
  return { qualities, fakes, stop, readings };
}

/**
 * What is judged after `count` readings of fake connections to the peers named in `losses`,
 * each losing what is given (`fakeLink`: `lost` of each reading's 100 packets they send us,
 * `sentLost` percent of what we send).
 */
async function judgedAfter(count: number, losses: Record<string, { lost?: number; sentLost?: number }>): Promise<LinkQualities> {
  const { qualities, fakes, stop, readings } = watch(...Object.keys(losses));
  Object.values(losses).forEach((loss, index) => Object.assign(fakes[index]!, loss));
  await readings(count);
  stop();
  return qualities;
}

afterEach(() => vi.useRealTimers());

describe('telling whose connection is in trouble', () => {
  describe('happy path', () => {
    it('lists nobody while every connection is good', async () => {
      const { qualities, stop, readings } = watch('p1', 'p2');
      await readings(5);
      expect(qualities.trouble).toEqual({});
      stop();
    });

    it('names the person whose packets go missing after two readings, and clears them after two without loss', async () => {
      const { qualities, fakes, stop, readings } = watch('p1', 'p2');
      await readings(1);
      fakes[0]!.lost = 25;
      await readings(1);
      expect(qualities.trouble).toEqual({});
      await readings(1);
      expect(qualities.trouble).toEqual({ p1: { quality: 'poor', lossPercent: 20, rttMs: 20 } });

      // One good reading keeps the mark, with the numbers it was shown with; two take it away.
      fakes[0]!.lost = 0;
      await readings(1);
      expect(qualities.trouble).toEqual({ p1: { quality: 'poor', lossPercent: 20, rttMs: 20 } });
      await readings(1);
      expect(qualities.trouble).toEqual({});
      stop();
    });

    it('calls a long round trip weak', async () => {
      const { qualities, fakes, stop, readings } = watch('p1');
      fakes[0]!.rttMs = 500;
      await readings(2);
      expect(qualities.trouble.p1?.quality).toBe('weak');
      stop();
    });
  });

  describe('failure', () => {
    it('forgets a connection that is no longer up: its tile says reconnecting itself', async () => {
      const { qualities, fakes, stop, readings } = watch('p1');
      fakes[0]!.lost = 50;
      await readings(3);
      expect(qualities.trouble.p1?.quality).toBe('poor');
      fakes[0]!.pc.connectionState = 'disconnected';
      await readings(1);
      expect(qualities.trouble).toEqual({});
      stop();
    });
  });
});

describe('telling when the trouble is on your side', () => {
  describe('happy path', () => {
    it('says so once what you send is lost on the way to everyone for two readings, and stops after two without loss', async () => {
      const { qualities, fakes, stop, readings } = watch('p1', 'p2');
      await readings(1);
      expect(qualities.own).toBeNull();
      fakes[0]!.sentLost = 20;
      fakes[1]!.sentLost = 5;
      await readings(1);
      expect(qualities.own).toBeNull();
      await readings(1);
      // The milder of the two, with the smaller share: that much is certainly yours.
      expect(qualities.own).toEqual({ quality: 'weak', direction: 'sending', lossPercent: 5 });
      expect(qualities.trouble, 'nobody else is marked for it').toEqual({});

      fakes[0]!.sentLost = 0;
      await readings(1);
      expect(qualities.own?.quality).toBe('weak');
      await readings(1);
      expect(qualities.own).toBeNull();
      stop();
    });

    it('says so when, in a group, what everyone sends you is lost', async () => {
      const qualities = await judgedAfter(3, { p1: { lost: 25 }, p2: { lost: 25 } });
      expect(qualities.own).toEqual({ quality: 'poor', direction: 'receiving', lossPercent: 20 });
    });
  });

  describe('failure', () => {
    it('blames nobody\'s side but theirs when only one person of two misses what you send', async () => {
      expect((await judgedAfter(4, { p1: { sentLost: 30 }, p2: {} })).own).toBeNull();
    });

    it('cannot tell whose side it is when the one other person\'s packets go missing: only their tile says so', async () => {
      const qualities = await judgedAfter(3, { p1: { lost: 25 } });
      expect(qualities.trouble.p1?.quality).toBe('poor');
      expect(qualities.own).toBeNull();
    });

    it('forgets it once the connections are no longer up', async () => {
      const { qualities, fakes, stop, readings } = watch('p1');
      fakes[0]!.sentLost = 50;
      await readings(3);
      expect(qualities.own?.quality).toBe('poor');
      fakes[0]!.pc.connectionState = 'disconnected';
      await readings(1);
      expect(qualities.own).toBeNull();
      stop();
    });
  });
});
