import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateVerdict } from '../../server/rate-limiter.ts';

const config = {
  perSecond: 10,
  burst: 5,
  bytesPerSecond: 1_000,
  byteBurst: 5_000,
  noticeIntervalMs: 1_000,
  abuseWindowMs: 10_000,
  calmMs: 2_000,
};

/** Verdicts for `count` frames sent at `at` ms. */
function burst(limiter: RateLimiter, count: number, at: number): RateVerdict[] {
  return Array.from({ length: count }, () => limiter.take(at, 1));
}

describe('rate limiter: happy path', () => {
  it('accepts a burst up to the bucket size', () => {
    expect(burst(new RateLimiter(config, 0), 5, 0)).toEqual(Array(5).fill('accept'));
  });

  it('accepts a steady rate at the limit forever', () => {
    const limiter = new RateLimiter(config, 0);
    for (let at = 0; at < 60_000; at += 100) expect(limiter.take(at, 1)).toBe('accept');
  });

  it('refills the bucket over time', () => {
    const limiter = new RateLimiter(config, 0);
    burst(limiter, 5, 0);
    expect(limiter.take(0, 1)).not.toBe('accept');
    expect(burst(limiter, 5, 500)).toEqual(Array(5).fill('accept'));
  });
});

describe('rate limiter: over the limit', () => {
  it('drops frames over the limit and asks to notify at most once per notice interval', () => {
    const limiter = new RateLimiter(config, 0);
    burst(limiter, 5, 0);
    expect(burst(limiter, 3, 0)).toEqual(['notify', 'drop', 'drop']);
    // 150 ms refill 1.5 frames at 10/s.
    expect(burst(limiter, 2, 150)).toEqual(['accept', 'drop']);
    expect(burst(limiter, 6, 1_000)).toEqual(['accept', 'accept', 'accept', 'accept', 'accept', 'notify']);
  });

  it('asks to close a client still over the limit when the abuse window ends', () => {
    const limiter = new RateLimiter(config, 0);
    let firstDrop = -1;
    let closedAt = -1;
    // 200 frames/s against a limit of 10/s.
    for (let at = 0; closedAt < 0 && at <= 20_000; at += 10) {
      for (const verdict of burst(limiter, 2, at)) {
        if (verdict !== 'accept' && firstDrop < 0) firstDrop = at;
        if (verdict === 'close' && closedAt < 0) closedAt = at;
      }
    }
    expect(closedAt - firstDrop).toBe(10_000);
  });

  it('ends an episode once the client stays within the limit for the calm period', () => {
    const limiter = new RateLimiter(config, 0);
    burst(limiter, 8, 0);
    for (let at = 100; at < 9_000; at += 100) limiter.take(at, 1);
    // Back over the limit after 9 s of good behaviour: a new episode, not a close.
    expect(burst(limiter, 10, 9_000)).not.toContain('close');
    expect(burst(limiter, 10, 12_000)).not.toContain('close');
  });
});

describe('rate limiter: bytes', () => {
  it('drops large frames once the byte budget is spent, though few frames were sent', () => {
    const limiter = new RateLimiter(config, 0);
    expect([limiter.take(0, 2_500), limiter.take(0, 2_500), limiter.take(0, 2_500)]).toEqual(['accept', 'accept', 'notify']);
    // 1 s refills 1,000 bytes at 1,000 bytes/s: a small frame passes, a large one still does not.
    expect(limiter.take(1_000, 100)).toBe('accept');
    expect(limiter.take(1_000, 2_500)).not.toBe('accept');
    expect(limiter.take(3_000, 2_500)).toBe('accept');
  });
});
