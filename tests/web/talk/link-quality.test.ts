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

    it('shows trouble only once two readings in a row had it, and clears it only after two good ones', () => {
      expect(shownQuality('good', 'good', 'poor')).toBe('good');
      expect(shownQuality('good', 'poor', 'poor')).toBe('poor');
      expect(shownQuality('good', 'weak', 'poor')).toBe('weak');
      expect(shownQuality('weak', 'poor', 'poor')).toBe('poor');
      // One good reading in a stretch of trouble changes nothing.
      expect(shownQuality('poor', 'poor', 'good')).toBe('poor');
      expect(shownQuality('poor', 'good', 'poor')).toBe('poor');
      expect(shownQuality('weak', 'weak', 'good')).toBe('weak');
      // Better twice over: the worse of the two.
      expect(shownQuality('poor', 'weak', 'good')).toBe('weak');
      expect(shownQuality('poor', 'good', 'good')).toBe('good');
    });

    it('keeps a connection that wavers around a limit as it is shown, rather than flickering', () => {
      const readings: Array<'good' | 'weak'> = ['good', 'weak', 'weak', 'good', 'weak', 'good', 'weak', 'weak', 'good', 'good'];
      let shown: 'good' | 'weak' | 'poor' = 'good';
      const seen = readings.slice(1).map((latest, index) => (shown = shownQuality(shown, readings[index]!, latest)));
      expect(seen).toEqual(['good', 'weak', 'weak', 'weak', 'weak', 'weak', 'weak', 'weak', 'good']);
    });
  });

  describe('edge cases', () => {
    it('calls a reading with nothing measured yet good', () => {
      expect(qualityOf({ lossPercent: null, rttMs: null })).toBe('good');
    });
  });
});
