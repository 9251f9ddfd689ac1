/**
 * Series `cluster`: what cluster mode (REDIS_URL, docs/scaling.md) costs beside one process.
 * The same closed-loop ping-pong as the relay series (ping-pong.ts) through three deployments:
 * - `one`: one instance in memory (no Redis), the default;
 * - `within`: two instances on one real redis-server, both peers of each pair on one instance
 *   (pairs alternate instances), so no signal touches Redis;
 * - `across`: the same two instances, the peers of each pair on different instances, so every
 *   signal crosses Redis (a publish and a delivery).
 * Server CPU counts both instances and redis-server. Ratios: across / within (what crossing
 * costs a signal), and two instances against one. Both instances share the server core with
 * Redis, so two against one is at equal CPU: the cluster's overhead, not how it scales over
 * machines. Then the kill -9 runs (cluster-kill.ts). Skipped when redis-server (or, for the
 * kills, haproxy) is not installed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from '../cli.ts';
import { connectParleyPair } from '../clients/parley-client.ts';
import { closeSockets, inBatches } from '../clients/socket.ts';
import { signalPayloads } from '../payloads.ts';
import { clockTicksPerSecond, cpuSeconds, machineBusySeconds, waitForQuiet, type ProcessGroup, type ServerProcess } from '../proc.ts';
import type { Skipped } from '../results.ts';
import { medians, ratio } from '../stats.ts';
import { startRedisServer, type RedisServer } from '../../tests/support/redis-server.ts';
import { runKills, type KillResult } from './cluster-kill.ts';
import { pingPong } from './ping-pong.ts';
import type { RelayFigures } from './relay.ts';

/** Where the pairs of one measurement connect. */
export type ClusterDeployment = 'one' | 'within' | 'across';
const deployments: readonly ClusterDeployment[] = ['one', 'within', 'across'];

/** Medians over rounds for one deployment and payload; CPU is every instance's and redis-server's. */
export interface ClusterRow extends RelayFigures {
  deployment: ClusterDeployment;
}

/** One deployment divided by another, per payload. */
export interface ClusterRatio {
  payload: string;
  deployment: ClusterDeployment;
  versus: ClusterDeployment;
  messagesPerSecond: number;
  oneWayP50: number;
  oneWayP99: number;
  cpuPerMessage: number;
}

export interface ClusterResult {
  pairs: number;
  rounds: number;
  rows: ClusterRow[];
  ratios: ClusterRatio[];
  kill: KillResult | Skipped;
}

/** What a series gets from bench/main.ts. */
export interface ClusterInput {
  group: ProcessGroup;
  config: BenchConfig;
  log: (line: string) => void;
}

/** Whether `command` is on the PATH (a Debian package the series needs). */
function installed(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((folder) => folder !== '' && existsSync(path.join(folder, command)));
}

/** Parley's rate limit out of reach (bench/servers/parley.ts), and for two instances, cluster mode. */
function instanceEnv(redis: RedisServer | undefined): Record<string, string> {
  const unlimited = { BENCH_UNLIMITED: '1' };
  return redis === undefined ? unlimited : { ...unlimited, REDIS_URL: redis.url, SECRET: 'bench cluster secret, shared' };
}

/** The ports of pair `index`'s two peers in `deployment` on `servers`. */
function portsOf(deployment: ClusterDeployment, servers: ServerProcess[], index: number): [number, number] {
  const first = servers[index % servers.length]!.port;
  return [first, deployment === 'across' ? servers[(index + 1) % servers.length]!.port : first];
}

/** Runs the series; a clear skip when redis-server is not installed. */
export async function runCluster({ group, config, log }: ClusterInput): Promise<ClusterResult | Skipped> {
  if (!installed('redis-server')) {
    const skipped = 'redis-server is not installed (Debian package redis-server): the cluster series needs a real Redis';
    log(`cluster: skipped, ${skipped}`);
    return { skipped };
  }
  const { pairs: pairCount, rounds, warmupMs, measureMs, killRuns } = config.cluster;
  const payloads = signalPayloads();
  const ticks = clockTicksPerSecond();
  const runs: Array<ClusterRow & { round: number }> = [];
  const redis = await startRedisServer();
  try {
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < deployments.length; turn++) {
        const deployment = deployments[(turn + round) % deployments.length]!;
        const otherLoad = await waitForQuiet(config.quietWaitMs);
        if (otherLoad >= 0.2) log(`other processes are using ${Math.round(otherLoad * 100)}% of a core; measuring anyway`);
        const env = instanceEnv(deployment === 'one' ? undefined : redis);
        const servers = await Promise.all((deployment === 'one' ? [0] : [0, 1]).map(() => group.start('parley', { env })));
        const pids = [...servers.map((server) => server.pid), ...(deployment === 'one' ? [] : [redis.pid()])];
        const serverCpu = (): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid, ticks), 0);
        const foreignCpu = (): number => machineBusySeconds(ticks) - serverCpu() - cpuSeconds(process.pid, ticks);
        try {
          const pairs = await inBatches(pairCount, 50, (index) => connectParleyPair(...portsOf(deployment, servers, index)));
          for (const payload of payloads) {
            const result = await pingPong({ pairs, frames: pairs.map((pair) => pair.frames(payload)), minFrameBytes: payload.bytes, warmupMs, measureMs, serverCpu, foreignCpu });
            const run = {
              deployment,
              payload: payload.name,
              round,
              messagesPerSecond: result.relayed / result.seconds,
              oneWayP50Ms: result.oneWay.p50,
              oneWayP99Ms: result.oneWay.p99,
              cpuMicrosPerMessage: (result.serverCpuSeconds * 1e6) / result.relayed,
              errors: result.errors,
              foreignLoad: Math.max(0, result.foreignCpuSeconds / result.seconds),
            };
            runs.push(run);
            log(
              `cluster round ${round + 1}/${rounds} ${deployment.padEnd(6)} ${payload.name.padEnd(9)} ${Math.round(run.messagesPerSecond)} msg/s, ` +
                `p50 ${run.oneWayP50Ms.toFixed(3)} ms, p99 ${run.oneWayP99Ms.toFixed(3)} ms, ${run.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg${run.errors > 0 ? `, ${run.errors} errors` : ''}`,
            );
          }
          await closeSockets(pairs.flatMap((pair) => [pair.a, pair.b]));
        } finally {
          await Promise.all(servers.map((server) => server.stop()));
        }
      }
    }
  } finally {
    await redis.stop();
  }
  const rows = aggregate(runs, payloads.map((payload) => payload.name));
  let kill: KillResult | Skipped;
  if (!installed('haproxy')) {
    kill = { skipped: 'haproxy is not installed (Debian package haproxy): the kill -9 runs reconnect through it' };
    log(`cluster: kill -9 runs skipped, ${kill.skipped}`);
  } else {
    kill = await runKills(killRuns, log);
  }
  return { pairs: pairCount, rounds, rows, ratios: ratios(rows), kill };
}

function aggregate(runs: ReadonlyArray<ClusterRow & { round: number }>, payloads: string[]): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const payload of payloads) {
    for (const deployment of deployments) {
      const mine = runs.filter((run) => run.deployment === deployment && run.payload === payload);
      if (mine.length === 0) continue;
      rows.push({
        deployment,
        payload,
        ...medians(mine, ['messagesPerSecond', 'oneWayP50Ms', 'oneWayP99Ms', 'cpuMicrosPerMessage', 'foreignLoad']),
        errors: mine.reduce((sum, run) => sum + run.errors, 0),
      });
    }
  }
  return rows;
}

/** Across against within (what crossing costs), and each two-instance deployment against one. */
function ratios(rows: readonly ClusterRow[]): ClusterRatio[] {
  const pairsOf: Array<[ClusterDeployment, ClusterDeployment]> = [['across', 'within'], ['within', 'one'], ['across', 'one']];
  const result: ClusterRatio[] = [];
  for (const payload of new Set(rows.map((row) => row.payload))) {
    for (const [deployment, versus] of pairsOf) {
      const mine = rows.find((row) => row.deployment === deployment && row.payload === payload);
      const other = rows.find((row) => row.deployment === versus && row.payload === payload);
      if (mine === undefined || other === undefined) continue;
      result.push({
        payload,
        deployment,
        versus,
        messagesPerSecond: ratio(mine.messagesPerSecond, other.messagesPerSecond),
        oneWayP50: ratio(mine.oneWayP50Ms, other.oneWayP50Ms),
        oneWayP99: ratio(mine.oneWayP99Ms, other.oneWayP99Ms),
        cpuPerMessage: ratio(mine.cpuMicrosPerMessage, other.cpuMicrosPerMessage),
      });
    }
  }
  return result;
}
