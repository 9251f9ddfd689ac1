/**
 * The closed-loop relay measurement: every pair keeps exactly one signal in flight, `a` → `b`
 * → `a`, so the server is as busy as it can be made by this many pairs. Only the window after
 * warm-up counts; the load generator never parses a relayed frame on this path (it checks the
 * length only: every relayed frame carries the whole payload, every error frame is shorter).
 */
import type WebSocket from 'ws';
import type { ClientPair, PairFrames } from '../clients/client-pair.ts';
import { SampleBuffer, summarize, type LatencySummary } from '../stats.ts';

/** The result of one measurement window. */
export interface PingPongResult {
  /** Signals relayed in the window (each direction counts once). */
  relayed: number;
  seconds: number;
  /** One-way latency: round trip / 2, in ms. */
  oneWay: LatencySummary;
  /** Frames too short to be the relayed payload (errors from the server). */
  errors: number;
  /** Server CPU seconds (user + system) spent in the window. */
  serverCpuSeconds: number;
  /** CPU seconds other processes used in the window: noise competing for the cores. */
  foreignCpuSeconds: number;
}

/** Inputs of one measurement. */
export interface PingPongOptions {
  pairs: readonly ClientPair[];
  frames: readonly PairFrames[];
  /** Shortest frame that can be a relayed payload. */
  minFrameBytes: number;
  warmupMs: number;
  measureMs: number;
  /** Reads the server's CPU seconds so far. */
  serverCpu: () => number;
  /** Reads other processes' CPU seconds so far. */
  foreignCpu: () => number;
}

const textFrame = { binary: false } as const;
/** Longest wait for in-flight signals to come home after the window closes. */
const drainTimeoutMs = 5_000;

/** Runs warm-up then the measured window, and waits for every pair to fall idle. */
export async function pingPong(options: PingPongOptions): Promise<PingPongResult> {
  const { pairs, frames, minFrameBytes } = options;
  const samples = new SampleBuffer(1 << 18);
  const sentAt = new Float64Array(pairs.length);
  const state = { running: true, measuring: false, relayed: 0, errors: 0, inFlight: 0 };
  const detach: Array<() => void> = [];

  const listen = (socket: WebSocket, handler: (data: Buffer) => void): void => {
    const listener = (data: Buffer): void => handler(data);
    socket.on('message', listener);
    detach.push(() => socket.off('message', listener));
  };

  pairs.forEach((pair, index) => {
    const { ab, ba } = frames[index]!;
    listen(pair.b, (data) => {
      if (data.length < minFrameBytes) {
        state.errors++;
        return;
      }
      state.relayed++;
      pair.b.send(ba, textFrame);
    });
    listen(pair.a, (data) => {
      if (data.length < minFrameBytes) {
        state.errors++;
        return;
      }
      const now = performance.now();
      state.relayed++;
      if (state.measuring) samples.push((now - sentAt[index]!) / 2);
      if (state.running) {
        sentAt[index] = now;
        pair.a.send(ab, textFrame);
      } else {
        state.inFlight--;
      }
    });
  });

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  for (let index = 0; index < pairs.length; index++) {
    sentAt[index] = performance.now();
    pairs[index]!.a.send(frames[index]!.ab, textFrame);
  }
  state.inFlight = pairs.length;
  await sleep(options.warmupMs);

  state.measuring = true;
  const startRelayed = state.relayed;
  const startErrors = state.errors;
  const startCpu = options.serverCpu();
  const startForeign = options.foreignCpu();
  const startTime = performance.now();
  await sleep(options.measureMs);
  const seconds = (performance.now() - startTime) / 1000;
  const relayed = state.relayed - startRelayed;
  const serverCpuSeconds = options.serverCpu() - startCpu;
  const foreignCpuSeconds = options.foreignCpu() - startForeign;
  state.measuring = false;
  state.running = false;

  const drainDeadline = Date.now() + drainTimeoutMs;
  while (state.inFlight > 0 && Date.now() < drainDeadline) await sleep(10);
  for (const off of detach) off();
  return { relayed, seconds, oneWay: summarize(samples), errors: state.errors - startErrors, serverCpuSeconds, foreignCpuSeconds };
}
