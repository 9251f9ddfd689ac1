/**
 * When to try the signaling socket again after it was lost, as a pure function of the attempt
 * number, so the call machine's delay stays testable with a simulated clock.
 *
 * The waits double from `initialDelay` up to `maxDelay` and stop once they would add up to
 * more than `budget`: the server keeps a lost peer's seat for a grace period (20 s by
 * default, shared/PROTOCOL.md), and a resume after that is an ordinary join anyway.
 */
export interface ReconnectPolicy {
  /** Wait before the first attempt, in ms: short, as most drops are a blip. */
  initialDelay: number;
  /** Longest wait between two attempts, in ms. */
  maxDelay: number;
  /** Most the waits may add up to, in ms; kept under the server's 20 s grace period. */
  budget: number;
}

/** 250 ms, 0.5 s, 1 s, 2 s, 4 s, 4 s, 4 s: seven attempts, 15.75 s of waiting in all. */
export const defaultReconnectPolicy: ReconnectPolicy = { initialDelay: 250, maxDelay: 4_000, budget: 18_000 };

/** The wait before attempt `attempt` (0 for the first), or `null` when it is time to give up. */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy = defaultReconnectPolicy): number | null {
  if (!Number.isInteger(attempt) || attempt < 0) return null;
  let total = 0;
  let delay = 0;
  for (let n = 0; n <= attempt; n += 1) {
    delay = Math.min(policy.maxDelay, policy.initialDelay * 2 ** n);
    total += delay;
    if (total > policy.budget) return null;
  }
  return delay;
}
