import { describe, expect, it } from 'vitest';
import { qualityLimits, qualityOf, shownQuality } from '../../../web/lib/talk/link-quality.ts';

describe('judging a connection from its stats', () => {
  describe('happy path', () => {
    it('calls a connection with little loss and a short round trip good', () => {
      expect(qualityOf({ lossPercent: 0, rttMs: 12 })).toBe('good');
      expect(qualityOf({ lossPercent: qualityLimits.weak.lossPercent - 0.1, rttMs: qualityLimits.weak.rttMs - 1 })).toBe('good');
    });

    it('calls it weak, then poor, as either its loss or its round trip grows', () => {
      expect(qualityOf({ lossPercent: qualityLimits.weak.lossPercent, rttMs: 20 })).toBe('weak');
      expect(qualityOf({ lossPercent: 0, rttMs: qualityLimits.weak.rttMs })).toBe('weak');
      expect(qualityOf({ lossPercent: qualityLimits.poor.lossPercent, rttMs: 20 })).toBe('poor');
      expect(qualityOf({ lossPercent: 0, rttMs: qualityLimits.poor.rttMs })).toBe('poor');
      expect(qualityOf({ lossPercent: qualityLimits.weak.lossPercent, rttMs: qualityLimits.poor.rttMs })).toBe('poor');
    });

    it('shows trouble only once two readings in a row had it, and clears at the first good one', () => {
      expect(shownQuality('good', 'poor')).toBe('good');
      expect(shownQuality('poor', 'poor')).toBe('poor');
      expect(shownQuality('weak', 'poor')).toBe('weak');
      expect(shownQuality('poor', 'weak')).toBe('weak');
      expect(shownQuality('poor', 'good')).toBe('good');
    });
  });

  describe('edge cases', () => {
    it('calls a reading with nothing measured yet good', () => {
      expect(qualityOf({ lossPercent: null, rttMs: null })).toBe('good');
    });
  });
});
