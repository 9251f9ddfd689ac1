/**
 * Series 1b: open-loop relay. Signals are sent on a fixed schedule (R per second spread over
 * all pairs, alternating direction) whether or not earlier ones have arrived, and latency is
 * taken from each signal's *planned* send time, so a stalled server shows up as latency
 * instead of silently slowing the senders down (no coordinated omission).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { protocolClients } from '../clients/protocol-clients.ts';
import { closeSockets, inBatches } from '../clients/socket.ts';
import { signalPayloads } from '../payloads.ts';
import type { ServerKind } from '../proc.ts';
import { forEachServerTurn, type ServerRoundsInput } from './server-rounds.ts';
import { medians, SampleBuffer, summarize } from '../stats.ts';

/** One server, one round. */
export interface OpenLoopRun {
  kind: ServerKind;
  round: number;
  sent: number;
  lost: number;
  /** Frames from the server that were not relayed signals (errors such as rate-limited). */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  cpuMicrosPerMessage: number;
  /**
   * The load generator's own event-loop lag (p99 and max, ms) during the window: a tail in the
   * latencies no bigger than this may be the generator's, not the server's.
   */
  generatorLagP99Ms: number;
  generatorLagMaxMs: number;
}

/** Medians over rounds for one server. */
export type OpenLoopRow = Omit<OpenLoopRun, 'round'>;

export interface OpenLoopResult {
  clients: number;
  ratePerSecond: number;
  payload: string;
  rows: OpenLoopRow[];
  runs: OpenLoopRun[];
}

const textFrame = { binary: false } as const;
/** Signals sent before the measured window, to warm the server up at the same rate. */
const warmupMs = 1_000;
/** Longest wait for the last signals after the schedule ends; later ones count as lost. */
const drainTimeoutMs = 5_000;

/**
 * One direction of one pair. `planned` queues the planned send times of the signals on
 * their way, oldest first (a warm-up signal is stored negated, so it is not sampled).
 */
interface Route {
  from: WebSocket;
  to: WebSocket;
  frame: Buffer;
  planned: number[];
  head: number;
}

async function measure(input: {
  routes: readonly Route[];
  minFrameBytes: number;
  ratePerSecond: number;
  durationMs: number;
  serverCpu: () => number;
}): Promise<Omit<OpenLoopRun, 'kind' | 'round'>> {
  const { routes, ratePerSecond } = input;
  // A window starts with nothing on its way, whatever an earlier one left.
  for (const route of routes) {
    route.planned = [];
    route.head = 0;
  }
  const interval = 1000 / ratePerSecond;
  const warmupCount = Math.round((warmupMs / 1000) * ratePerSecond);
  const total = warmupCount + Math.round((input.durationMs / 1000) * ratePerSecond);
  const samples = new SampleBuffer(total);
  const state = { sent: 0, received: 0, measuredReceived: 0, errors: 0, cpuStart: 0, cpuEnd: 0 };
  const start = performance.now() + 10;

  const detach: Array<() => void> = [];
  const lag = monitorEventLoopDelay({ resolution: 1 });

  return new Promise((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (state.sent < total && start + state.sent * interval <= now) {
        const index = state.sent;
        const planned = start + index * interval;
        const route = routes[index % routes.length]!;
        route.planned.push(index < warmupCount ? -planned : planned);
        route.from.send(route.frame, textFrame);
        state.sent++;
        if (index === warmupCount - 1) {
          state.cpuStart = input.serverCpu();
          lag.enable();
        }
      }
      if (state.sent < total) setImmediate(tick);
      else void finish();
    };
    const finish = async (): Promise<void> => {
      const deadline = Date.now() + drainTimeoutMs;
      while (state.received < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      state.cpuEnd = input.serverCpu();
      lag.disable();
      for (const off of detach) off();
      const measured = total - warmupCount;
      const summary = summarize(samples);
      resolve({
        sent: measured,
        lost: measured - state.measuredReceived,
        errors: state.errors,
        p50Ms: summary.p50,
        p99Ms: summary.p99,
        p999Ms: summary.p999,
        maxMs: summary.max,
        cpuMicrosPerMessage: ((state.cpuEnd - state.cpuStart) * 1e6) / Math.max(1, state.measuredReceived),
        generatorLagP99Ms: lag.percentile(99) / 1e6,
        generatorLagMaxMs: lag.max / 1e6,
      });
    };
    // Latency = arrival − planned send time of the oldest signal still on its way on this route.
    for (const route of routes) {
      const listener = (data: Buffer): void => {
        // Anything shorter than the payload is not a relayed signal (an error from the server).
        if (data.length < input.minFrameBytes) {
          state.errors++;
          return;
        }
        const planned = route.planned[route.head++];
        state.received++;
        if (planned === undefined || planned < 0) return;
        samples.push(performance.now() - planned);
        state.measuredReceived++;
      };
      route.to.on('message', listener);
      detach.push(() => route.to.off('message', listener));
    }
    setImmediate(tick);
  });
}

/** Runs the open-loop series over `kinds`, the servers taking turns (`forEachServerTurn`). */
export async function runOpenLoop(input: ServerRoundsInput): Promise<OpenLoopResult> {
  const { config, kinds, log } = input;
  const { clients, ratePerSecond, durationMs, rounds } = config.openLoop;
  const payload = signalPayloads()[0]!;
  const runs: OpenLoopRun[] = [];
  await forEachServerTurn(
    input,
    rounds,
    async (kind, server) => {
      const pairs = await inBatches(clients / 2, 50, (index) => protocolClients[kind].connectPair(server.port, index));
      // Two routes per pair, a→b and b→a, interleaved so both ends send at half the pair's rate.
      const routes = pairs.flatMap((pair): Route[] => {
        const frames = pair.frames(payload);
        return [
          { from: pair.a, to: pair.b, frame: frames.ab, planned: [], head: 0 },
          { from: pair.b, to: pair.a, frame: frames.ba, planned: [], head: 0 },
        ];
      });
      return { pairs, routes };
    },
    async (kind, round, server, { routes }) => {
      const result = await measure({ routes, minFrameBytes: payload.bytes, ratePerSecond, durationMs, serverCpu: () => server.cpuSeconds() });
      if (round < 0) return;
      runs.push({ kind, round, ...result });
      log(
        `open-loop round ${round + 1}/${rounds} ${kind.padEnd(6)} ${ratePerSecond} msg/s: p50 ${result.p50Ms.toFixed(3)} ms, ` +
          `p99 ${result.p99Ms.toFixed(3)} ms, max ${result.maxMs.toFixed(1)} ms, lost ${result.lost}, ` +
          `${result.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg (generator lag p99 ${result.generatorLagP99Ms.toFixed(1)} ms)`,
      );
    },
    ({ pairs }) => closeSockets(pairs.flatMap((pair) => [pair.a, pair.b])),
  );
  const rows = kinds
    .map((kind) => runs.filter((run) => run.kind === kind))
    .filter((mine) => mine.length > 0)
    .map((mine): OpenLoopRow => ({
      kind: mine[0]!.kind,
      ...medians(mine, ['sent', 'p50Ms', 'p99Ms', 'p999Ms', 'maxMs', 'cpuMicrosPerMessage', 'generatorLagP99Ms', 'generatorLagMaxMs']),
      lost: mine.reduce((sum, run) => sum + run.lost, 0),
      errors: mine.reduce((sum, run) => sum + run.errors, 0),
    }));
  return { clients, ratePerSecond, payload: payload.name, rows, runs };
}
