import { describe, expect, it } from 'vitest';
import { parsePeerSignal } from '../../machines/call/parse-peer-signal.ts';
import { planRejoin } from '../../machines/call/plan-rejoin.ts';
import { defaultReconnectPolicy, fullJitter, reconnectDelay } from '../../machines/call/reconnect-policy.ts';
import { joined } from '../support/fakes/start-call.ts';

describe('reconnectDelay', () => {
  describe('happy path', () => {
    it('doubles from a quarter second up to two seconds', () => {
      expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt))).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000, 2_000]);
    });

    it('keeps its pace while the average waits (half the ceilings) fit in 90 % of the 20 s grace period', () => {
      expect(reconnectDelay(19)).toBe(2_000);
      expect(reconnectDelay(20)).toBeNull();
      const averageWait = Array.from({ length: 20 }, (_, attempt) => (reconnectDelay(attempt) ?? 0) / 2).reduce((sum, wait) => sum + wait, 0);
      expect(averageWait).toBeLessThanOrEqual(18_000);
      expect(averageWait + 1_000).toBeGreaterThan(18_000);
    });

    it('takes its budget from the grace period the server announced', () => {
      expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, 5_000))).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000, null]);
      expect(reconnectDelay(20, 60_000)).toBe(2_000);
    });

    it('follows another policy when given one', () => {
      const policy = { ...defaultReconnectPolicy, initialDelay: 100, maxDelay: 300 };
      expect([0, 1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelay(attempt, 1_000, policy))).toEqual([100, 200, 300, 300, 300, 300, 300, null]);
    });

    it('draws each wait evenly below its ceiling, never zero', () => {
      expect([0, 0.25, 0.5, 0.999_999].map((random) => fullJitter(4_000, random))).toEqual([1, 1_000, 2_000, 4_000]);
    });
  });

  describe('failure', () => {
    it('gives no delay for an attempt number that makes no sense', () => {
      expect(reconnectDelay(-1)).toBeNull();
      expect(reconnectDelay(1.5)).toBeNull();
    });
  });
});

describe('planRejoin', () => {
  describe('happy path', () => {
    it('keeps peers still there, closes those who left and answers those who came', () => {
      const plan = planRejoin(['alice', 'bob'], 'self-peer', joined(['bob', 'carol']));
      expect(plan).toEqual({ keep: ['bob'], close: ['alice'], answer: ['carol'], offer: [], resumed: true });
    });

    it('keeps the peers not back yet when the server re-established the room', () => {
      const plan = planRejoin(['alice', 'bob'], 'self-peer', joined(['bob'], { restored: true }));
      expect(plan).toEqual({ keep: ['alice', 'bob'], close: [], answer: [], offer: [], resumed: true });
    });
  });

  describe('failure', () => {
    it('starts over as a newcomer when the server gave a new peer id', () => {
      const plan = planRejoin(['alice'], 'self-peer', joined(['alice', 'bob'], { peerId: 'self-peer-2' }));
      expect(plan).toEqual({ keep: [], close: ['alice'], answer: [], offer: ['alice', 'bob'], resumed: false });
    });
  });
});

describe('parsePeerSignal', () => {
  describe('happy path', () => {
    it('reads a description, keeping only its type and sdp', () => {
      expect(parsePeerSignal({ description: { type: 'offer', sdp: 'v=0', extra: 1 } })).toEqual({
        type: 'signal.description',
        description: { type: 'offer', sdp: 'v=0' },
      });
    });

    it('reads a candidate and the end of candidates', () => {
      const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null };
      expect(parsePeerSignal({ candidate })).toEqual({ type: 'signal.candidate', candidate });
      expect(parsePeerSignal({ candidate: null })).toEqual({ type: 'signal.candidate', candidate: null });
    });

    it('reads a request for an offer', () => {
      expect(parsePeerSignal({ wantOffer: true })).toEqual({ type: 'signal.wantOffer' });
    });
  });

  describe('failure', () => {
    const unreadable: Array<[string, Record<string, unknown>]> = [
      ['an empty object', {}],
      ['a request for an offer that is not `true`', { wantOffer: 'yes' }],
      ['a description of an unknown type', { description: { type: 'rollback', sdp: '' } }],
      ['a description without sdp', { description: { type: 'answer' } }],
      ['a description that is a string', { description: 'v=0' }],
      ['a candidate without its line', { candidate: { sdpMid: '0' } }],
      ['a candidate with a numeric mid', { candidate: { candidate: 'candidate:1', sdpMid: 0 } }],
      ['a candidate with a text line index', { candidate: { candidate: 'candidate:1', sdpMLineIndex: '0' } }],
      ['a candidate that is an array', { candidate: ['candidate:1'] }],
    ];
    for (const [name, data] of unreadable) {
      it(`ignores ${name}`, () => {
        expect(parsePeerSignal(data)).toBeNull();
      });
    }
  });
});
