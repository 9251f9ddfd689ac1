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
 * What the tile shows next, from what it shows now and the last two readings: it changes only
 * when both readings agree it should, to the milder of them on the way down and the worse of
 * them on the way back. One lost burst is not worth a warning, and one good moment in a
 * stretch of trouble does not take the warning away, only to bring it back two seconds later.
 */
export function shownQuality(shown: LinkQuality, previous: LinkQuality, latest: LinkQuality): LinkQuality {
  const [milder, worse] = rank[previous] <= rank[latest] ? [previous, latest] : [latest, previous];
  if (rank[milder] > rank[shown]) return milder;
  if (rank[worse] < rank[shown]) return worse;
  return shown;
}
