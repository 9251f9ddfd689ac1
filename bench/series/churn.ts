/**
 * Series 3: churn. Create/join/leave cycles at a fixed rate for a while, then check that the
 * server is back where it started: zero rooms, members and connections on /metrics, and heap
 * and RSS (after GC) within 5% of the baseline. Every tenth cycle of a worker ends by closing
 * both sockets (as a tab does) instead of sending `leave`, then reconnects.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from '../cli.ts';
import { heapGrowthPerClient, type HeapGroup } from '../heap-summary.ts';
import { joinRoomPair, openParley } from '../clients/parley-client.ts';
import { closeSockets, type OpenedSocket } from '../clients/socket.ts';
import { encode } from '../../protocol/encode.ts';
import { repoRoot, type MemorySample, type ProcessGroup, type ServerProcess, type SpawnOptions } from '../proc.ts';
import { SampleBuffer, summarize } from '../stats.ts';

/** The counts `/metrics` reports (server/plugins/metrics.ts; a loopback client needs no token). */
export interface HealthCounts {
  rooms: number;
  connections: number;
  members: number;
}

export interface ChurnResult {
  cyclesPerSecond: number;
  seconds: number;
  cyclesPlanned: number;
  cyclesDone: number;
  failures: number;
  cycleP50Ms: number;
  cycleP99Ms: number;
  before: HealthCounts & MemorySample;
  after: HealthCounts & MemorySample;
  /** (after − before) / before. */
  heapChange: number;
  rssChange: number;
  firstFailure?: string;
  /** With `--profile`: what the heap holds after the churn beyond before it, by kind, in bytes. */
  heapGrowth?: HeapGroup[];
}

/** Client pairs cycling at once; each stays far below the per-client rate limit (50 frames/s). */
const workers = 32;
/** A worker closes and reopens its sockets every this many cycles. */
const reconnectEvery = 10;
/** Longest wait for the server's counts to reach zero after the clients are gone. */
const settleTimeoutMs = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function health(port: number): Promise<HealthCounts> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await response.text();
  // A gauge's line: `parley_rooms 0`. A missing one reads NaN, which no target meets.
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rooms: gauge('parley_rooms'), connections: gauge('parley_sockets'), members: gauge('parley_members') };
}

/** Polls /metrics until rooms, members and connections are all zero (or the timeout passes). */
async function settled(port: number): Promise<HealthCounts> {
  const deadline = Date.now() + settleTimeoutMs;
  let counts = await health(port);
  while ((counts.rooms > 0 || counts.members > 0 || counts.connections > 0) && Date.now() < deadline) {
    await sleep(50);
    counts = await health(port);
  }
  return counts;
}

/** One create/join/leave cycle on a worker's two sockets; `close` ends it by closing them. */
async function cycle(a: OpenedSocket, b: OpenedSocket, close: boolean): Promise<void> {
  const [, joinedB] = await joinRoomPair(a, b);
  if (close) {
    await closeSockets([b.socket, a.socket]);
    return;
  }
  b.socket.send(encode({ type: 'leave' }));
  await b.inbox.next('left');
  await a.inbox.next('peer-left');
  void joinedB;
  a.socket.send(encode({ type: 'leave' }));
  await a.inbox.next('left');
}

/** Runs `count` cycles at `rate` per second over the worker pool; returns what happened (bench/soak.ts runs it too). */
export async function churn(port: number, count: number, rate: number) {
  const samples = new SampleBuffer(count);
  const state = { next: 0, done: 0, failures: 0, firstFailure: undefined as string | undefined };
  const open = async (): Promise<readonly [OpenedSocket, OpenedSocket]> => [await openParley(port), await openParley(port)];
  // Every worker's sockets are open before the clock starts, so the schedule starts on time.
  const firstPairs = await Promise.all(Array.from({ length: workers }, open));
  const start = performance.now() + 20;
  const deadline = start + (count / rate) * 1000 + 30_000;
  const worker = async (first: readonly [OpenedSocket, OpenedSocket]): Promise<void> => {
    let pair = first;
    for (let own = 0; state.next < count && performance.now() < deadline; own++) {
      const ticket = state.next++;
      const planned = start + (ticket * 1000) / rate;
      const wait = planned - performance.now();
      if (wait > 1) await sleep(wait);
      const close = own % reconnectEvery === reconnectEvery - 1;
      try {
        await cycle(pair[0], pair[1], close);
        samples.push(performance.now() - planned);
        state.done++;
      } catch (error) {
        state.failures++;
        state.firstFailure ??= String(error);
        await closeSockets([pair[0].socket, pair[1].socket]);
        pair = await open();
        continue;
      }
      if (close) pair = await open();
    }
    await closeSockets([pair[0].socket, pair[1].socket]);
  };
  await Promise.all(firstPairs.map(worker));
  const seconds = (performance.now() - start) / 1000;
  return { ...state, seconds, latency: summarize(samples) };
}

/** Runs the churn series against Parley. */
export async function runChurn(input: {
  group: ProcessGroup;
  config: BenchConfig;
  log: (line: string) => void;
  spawnOptions?: SpawnOptions;
}): Promise<ChurnResult> {
  const { cyclesPerSecond, durationMs, warmupCycles } = input.config.churn;
  const server: ServerProcess = await input.group.start('parley', input.spawnOptions ?? {});
  try {
    await churn(server.port, warmupCycles, cyclesPerSecond);
    const before = { ...(await settled(server.port)), ...(await server.memory()) };
    // With --profile, heap snapshots before and after show what the churn left behind.
    const snapshots = input.config.profile ? path.join(repoRoot, 'bench', 'profiles', `heap-churn-${Date.now()}`) : undefined;
    if (snapshots !== undefined) mkdirSync(snapshots, { recursive: true });
    const beforeSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'before.heapsnapshot')));
    const planned = Math.round((durationMs / 1000) * cyclesPerSecond);
    const run = await churn(server.port, planned, cyclesPerSecond);
    const after = { ...(await settled(server.port)), ...(await server.memory()) };
    const afterSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'after.heapsnapshot')));
    const heapGrowth = beforeSnapshot && afterSnapshot ? heapGrowthPerClient(beforeSnapshot, afterSnapshot, 1).slice(0, 20) : undefined;
    if (snapshots !== undefined) rmSync(snapshots, { recursive: true, force: true });
    const result: ChurnResult = {
      cyclesPerSecond: run.done / run.seconds,
      seconds: run.seconds,
      cyclesPlanned: planned,
      cyclesDone: run.done,
      failures: run.failures,
      cycleP50Ms: run.latency.p50,
      cycleP99Ms: run.latency.p99,
      before,
      after,
      heapChange: (after.heapUsed - before.heapUsed) / before.heapUsed,
      rssChange: (after.rss - before.rss) / before.rss,
      ...(run.firstFailure === undefined ? {} : { firstFailure: run.firstFailure }),
      ...(heapGrowth === undefined ? {} : { heapGrowth }),
    };
    input.log(
      `churn: ${run.done}/${planned} cycles in ${run.seconds.toFixed(1)} s (${result.cyclesPerSecond.toFixed(0)}/s), ` +
        `${run.failures} failed; after: ${after.rooms} rooms, ${after.members} members, ${after.connections} connections; ` +
        `heap ${(result.heapChange * 100).toFixed(1)}%, RSS ${(result.rssChange * 100).toFixed(1)}%`,
    );
    return result;
  } finally {
    await server.stop();
  }
}
