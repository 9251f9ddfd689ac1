/**
 * Small statistics over latency samples and per-round results. Samples are kept in a growable
 * Float64Array so a run of hundreds of thousands of round trips costs no per-sample objects.
 */

/** Collects numeric samples (milliseconds) without allocating per sample. */
export class SampleBuffer {
  private values: Float64Array;
  private length = 0;

  constructor(initialCapacity = 65_536) {
    this.values = new Float64Array(initialCapacity);
  }

  /** Records one sample, doubling the backing store when full. */
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  get count(): number {
    return this.length;
  }

  /** The samples so far, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }

  /** Forgets every sample, keeping the backing store. */
  clear(): void {
    this.length = 0;
  }
}

/** The `p`-th percentile (0–100) of ascending `sorted` values, nearest-rank; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The median of `values` (any order); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** For each of `keys`, the median of that figure over `rows` (a series' rounds). */
export function medians<K extends string>(rows: ReadonlyArray<Record<K, number>>, keys: readonly K[]): Record<K, number> {
  const result = {} as Record<K, number>;
  for (const key of keys) result[key] = median(rows.map((row) => row[key]));
  return result;
}

/** Latency percentiles of one run, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Summarises a buffer of latency samples. */
export function summarize(samples: SampleBuffer | readonly number[]): LatencySummary {
  const sorted = samples instanceof SampleBuffer ? samples.sorted() : Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** `a / b`, or NaN when either side is missing or `b` is zero. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
