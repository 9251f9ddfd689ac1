import { SimulatedClock } from 'xstate';

/** A clock for replays that knows its pending timers and can fire the next one. */
export class TimerClock extends SimulatedClock {
  private readonly due = new Map<number, number>();

  override setTimeout(fn: () => void, timeout: number): number {
    const id = super.setTimeout(() => this.due.delete(id) && fn(), timeout);
    this.due.set(id, this.now() + timeout);
    return id;
  }

  override clearTimeout(id: number): void {
    this.due.delete(id);
    super.clearTimeout(id);
  }

  /** Timers started and neither fired nor cleared. */
  get pending(): number {
    return this.due.size;
  }

  /** How long until the earliest pending timer fires, or `null` when none is pending. */
  nextIn(): number | null {
    return this.due.size === 0 ? null : Math.min(...this.due.values()) - this.now();
  }

  /** Moves time on to the earliest pending timer, which fires. */
  fireNext(): void {
    if (this.due.size === 0) throw new Error('no timer is pending, so no delayed event can fire');
    this.increment(Math.min(...this.due.values()) - this.now());
  }
}
