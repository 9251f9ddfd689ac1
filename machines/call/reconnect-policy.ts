/**
 * When to try the signaling socket again after it was lost, as pure functions of the attempt
 * number and the server's grace period, so the call machine's delay stays testable with a
 * simulated clock (after livekit's ReconnectPolicy).
 *
 * The ceilings double from `initialDelay` up to `maxDelay`. Each wait is drawn with full jitter
 * below its ceiling, so the pages of a call (and of every call on a restarted server) do not
 * all come back in the same instant; a wait is therefore half its ceiling on average, and the
 * attempts go on at that pace while those average waits add up to no more than `budgetShare`
 * of the grace period the server said in `joined.resumeGraceMs` (the seat is held that long).
 * Counting whole ceilings instead would slow down after about half the grace period.
 * Past the budget the call goes on trying every `slowDelay` at most, for as long as a peer is
 * still connected: a restarted server takes seats back during the grace period after it
 * started, however long it was away.
 */
export interface ReconnectPolicy {
  /** Ceiling of the wait before the first attempt, in ms: short, as most drops are a blip. */
  initialDelay: number;
  /** Highest ceiling while within the budget, in ms; a server that is back is found within it. */
  maxDelay: number;
  /** Share of the grace period the ceilings may add up to, leaving time for the last attempt. */
  budgetShare: number;
  /** Ceiling of each wait past the budget, in ms: slower, yet a few tries in any grace period. */
  slowDelay: number;
}

/**
 * 250 ms, 0.5 s, 1 s, then 2 s seventeen times within a 20 s grace period (about 18 s on
 * average), then every 8 s at most.
 * A 2 s ceiling means a page is back within about 2 s of its server answering again (a
 * restart, a deploy), while full jitter still spreads a restarted server's returning pages.
 */
export const defaultReconnectPolicy: ReconnectPolicy = { initialDelay: 250, maxDelay: 2_000, budgetShare: 0.9, slowDelay: 8_000 };

/** The grace period assumed when `joined` does not say it (a first-edition server): docs/protocol.md's default. */
export const defaultResumeGraceMs = 20_000;

/**
 * The ceiling of the wait before attempt `attempt` (0 for the first) with a server holding
 * seats for `graceMs`, or `null` once the attempts are past the budget.
 */
export function reconnectDelay(attempt: number, graceMs = defaultResumeGraceMs, policy: ReconnectPolicy = defaultReconnectPolicy): number | null {
  if (!Number.isInteger(attempt) || attempt < 0) return null;
  const budget = graceMs * policy.budgetShare;
  let total = 0;
  let delay = 0;
  for (let n = 0; n <= attempt; n += 1) {
    delay = Math.min(policy.maxDelay, policy.initialDelay * 2 ** n);
    // Full jitter makes the average wait half its ceiling.
    total += delay / 2;
    if (total > budget) return null;
  }
  return delay;
}

/** Full jitter: a wait drawn evenly from (0, `ceiling`] with `random` from [0, 1), in whole ms. */
export function fullJitter(ceiling: number, random: number): number {
  return Math.max(1, Math.ceil(ceiling * random));
}
