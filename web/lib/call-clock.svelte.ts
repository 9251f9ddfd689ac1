/**
 * How long you have been in the call, as Zoom and Teams show it beside the call's name: counted
 * from when the call view opened, on the page's own clock, and read out in whole seconds.
 */
export class CallClock {
  /** Whole seconds since `start()`. */
  seconds = $state(0);

  /** `now` reads a monotonic clock in ms (performance.now() unless told). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts counting; returns what stops it (the call view goes). */
  start(): () => void {
    const from = this.now();
    this.seconds = 0;
    // Each tick reads the clock, so a throttled timer (a hidden tab) shows the right time when seen.
    const timer = setInterval(() => {
      const seconds = Math.floor((this.now() - from) / 1000);
      if (seconds !== this.seconds) this.seconds = seconds;
    }, 1_000);
    return () => clearInterval(timer);
  }
}

/** `seconds` as a clock reads: 0:05, 12:34, 1:02:03. */
export function clockText(seconds: number): string {
  const two = (value: number) => String(value).padStart(2, '0');
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds % 60)}` : `${minutes}:${two(seconds % 60)}`;
}

/** `seconds` as an ISO 8601 duration, for `<time datetime>`: PT1H2M3S. */
export function clockDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds % 60}S`;
}
