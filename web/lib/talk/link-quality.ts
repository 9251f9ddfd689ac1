import type { StatsSample } from './peer-stats.ts';

/** How the connection with one person is doing, as their tile tells it. */
export type LinkQuality = 'good' | 'weak' | 'poor';

/**
 * Where a reading turns weak or poor: the share of their packets lost on the way to us, or the
 * round trip. Sound breaks up from a few percent of loss without retransmission, and
 * conversation stumbles past a few hundred milliseconds of round trip.
 */
export const qualityLimits = {
  weak: { lossPercent: 3, rttMs: 400 },
  poor: { lossPercent: 10, rttMs: 800 },
} as const;

const rank: Record<LinkQuality, number> = { good: 0, weak: 1, poor: 2 };

/** One reading of a connection, judged by the worse of its loss and its round trip. */
export function qualityOf({ lossPercent, rttMs }: Pick<StatsSample, 'lossPercent' | 'rttMs'>): LinkQuality {
  const reaches = (limit: { lossPercent: number; rttMs: number }) =>
    (lossPercent ?? 0) >= limit.lossPercent || (rttMs ?? 0) >= limit.rttMs;
  if (reaches(qualityLimits.poor)) return 'poor';
  return reaches(qualityLimits.weak) ? 'weak' : 'good';
}

/**
 * What the tile shows from the last two readings: the milder of them. Trouble is shown once it
 * lasted two readings in a row (one lost burst is not worth a warning), and goes at the first
 * good one.
 */
export function shownQuality(previous: LinkQuality, latest: LinkQuality): LinkQuality {
  return rank[previous] <= rank[latest] ? previous : latest;
}
