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
 * Two token buckets per socket, one for frames and one for their bytes (a frame passes only if
 * both have room, so 50 frames/s of 60 KiB is over the limit as surely as 500 small ones), plus the episode rules of docs/protocol.md: frames over the limit
 * are dropped, the client is told at most once per `noticeIntervalMs`, and a client still over
 * the limit `abuseWindowMs` after it first went over is closed. An episode ends once no frame
 * was dropped for `calmMs`. Pure: the caller passes the time, so tests need no clock.
 */
export class RateLimiter {
  private tokens: number;
  private bytes: number;
  private updatedAt: number;
  /**
   * The times of drops and notices, made at the first frame over the limit. Most clients never
   * go over it: without these a limiter is a third smaller (each time is a boxed number).
   */
  private over: OverLimit | undefined = undefined;

  constructor(
    private readonly config: RateLimitConfig,
    now: number,
  ) {
    this.tokens = config.burst;
    this.bytes = config.byteBurst;
    this.updatedAt = now;
  }

  /** Takes a frame of `size` bytes at time `now` (milliseconds, monotonic) and says what to do. */
  take(now: number, size: number): RateVerdict {
    const { perSecond, burst, bytesPerSecond, byteBurst } = this.config;
    const elapsed = (now - this.updatedAt) / 1000;
    this.tokens = Math.min(burst, this.tokens + elapsed * perSecond);
    this.bytes = Math.min(byteBurst, this.bytes + elapsed * bytesPerSecond);
    this.updatedAt = now;
    if (this.tokens >= 1 && this.bytes >= size) {
      this.tokens -= 1;
      this.bytes -= size;
      const over = this.over;
      if (over !== undefined && over.episodeStart >= 0 && now - over.lastDropAt >= this.config.calmMs) over.episodeStart = -1;
      return 'accept';
    }
    const over = (this.over ??= { episodeStart: -1, lastDropAt: -Infinity, lastNoticeAt: -Infinity });
    if (over.episodeStart < 0 || now - over.lastDropAt >= this.config.calmMs) over.episodeStart = now;
    over.lastDropAt = now;
    if (now - over.episodeStart >= this.config.abuseWindowMs) return 'close';
    if (now - over.lastNoticeAt >= this.config.noticeIntervalMs) {
      over.lastNoticeAt = now;
      return 'notify';
    }
    return 'drop';
  }
}

/** A limiter's record of going over the limit. */
interface OverLimit {
  /** When the current episode began; `-1` when the client is within the limit. */
  episodeStart: number;
  lastDropAt: number;
  lastNoticeAt: number;
}
