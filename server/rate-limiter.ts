import type { RateLimitConfig } from './config.ts';

/** What to do with one incoming frame. */
export type RateVerdict =
  /** Within the limit: process it. */
  | 'accept'
  /** Over the limit: drop it unprocessed. */
  | 'drop'
  /** Over the limit: drop it and tell the client `rate-limited`. */
  | 'notify'
  /** Over the limit for the whole abuse window: close the socket with 1008. */
  | 'close';

/**
 * A token bucket per socket, plus the episode rules of PROTOCOL.md: frames over the limit
 * are dropped, the client is told at most once per `noticeIntervalMs`, and a client still over
 * the limit `abuseWindowMs` after it first went over is closed. An episode ends once no frame
 * was dropped for `calmMs`. Pure: the caller passes the time, so tests need no clock.
 */
export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  /** When the current episode began; `-1` when the client is within the limit. */
  private episodeStart = -1;
  private lastDropAt = -Infinity;
  private lastNoticeAt = -Infinity;

  constructor(
    private readonly config: RateLimitConfig,
    now: number,
  ) {
    this.tokens = config.burst;
    this.updatedAt = now;
  }

  /** Takes one frame's token at time `now` (milliseconds, monotonic) and says what to do. */
  take(now: number): RateVerdict {
    const { perSecond, burst } = this.config;
    this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) * perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      if (this.episodeStart >= 0 && now - this.lastDropAt >= this.config.calmMs) this.episodeStart = -1;
      return 'accept';
    }
    if (this.episodeStart < 0 || now - this.lastDropAt >= this.config.calmMs) this.episodeStart = now;
    this.lastDropAt = now;
    if (now - this.episodeStart >= this.config.abuseWindowMs) return 'close';
    if (now - this.lastNoticeAt >= this.config.noticeIntervalMs) {
      this.lastNoticeAt = now;
      return 'notify';
    }
    return 'drop';
  }
}
