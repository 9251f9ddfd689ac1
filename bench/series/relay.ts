/**
 * Series 1: closed-loop relay. P pairs ping-pong a candidate, then an SDP, through each
 * server; the servers run at once and take turns, a short window each per round
 * (`forEachServerTurn`).
 */
import { protocolClients } from '../clients/protocol-clients.ts';
import { closeSockets, inBatches } from '../clients/socket.ts';
import { signalPayloads } from '../payloads.ts';
import type { ServerKind } from '../proc.ts';
import { forEachServerTurn, type ServerRoundsInput } from './server-rounds.ts';
import { median, medians, ratio } from '../stats.ts';
import { pingPong, type PingPongResult } from './ping-pong.ts';

/** One server, one payload, one round. */
export interface RelayRun extends Omit<PingPongResult, 'oneWay'> {
  kind: ServerKind;
  payload: string;
  round: number;
  messagesPerSecond: number;
  oneWayP50Ms: number;
  oneWayP99Ms: number;
  cpuMicrosPerMessage: number;
}

/** What the closed loop measured for one payload (medians over rounds), whatever relayed it. */
export interface RelayFigures {
  payload: string;
  messagesPerSecond: number;
  oneWayP50Ms: number;
  oneWayP99Ms: number;
  cpuMicrosPerMessage: number;
  errors: number;
  /** Median share of a core that other processes used during the windows (noise). */
  foreignLoad: number;
}

/** Medians over rounds for one server and payload. */
export interface RelayRow extends RelayFigures {
  kind: ServerKind;
}

/** Parley divided by a peer, per payload. */
export interface RelayRatio {
  payload: string;
  versus: ServerKind;
  messagesPerSecond: number;
  oneWayP50: number;
  oneWayP99: number;
  cpuPerMessage: number;
}

export interface RelayResult {
  pairs: number;
  rounds: number;
  rows: RelayRow[];
  ratios: RelayRatio[];
  runs: RelayRun[];
}

/** Runs the relay series over `kinds`, the servers taking turns (`forEachServerTurn`), a candidate's rounds first. */
export async function runRelay(input: ServerRoundsInput): Promise<RelayResult> {
  const { config, kinds, log } = input;
  const { pairs: pairCount, rounds, warmupMs, measureMs } = config.relay;
  const payloads = signalPayloads();
  const runs: RelayRun[] = [];
  for (const payload of payloads) {
    await forEachServerTurn(
      input,
      rounds,
      (kind, server) => inBatches(pairCount, 50, (index) => protocolClients[kind].connectPair(server.port, index)),
      async (kind, round, server, pairs) => {
        const result = await pingPong({
          pairs,
          frames: pairs.map((pair) => pair.frames(payload)),
          minFrameBytes: payload.bytes,
          warmupMs,
          measureMs,
          serverCpu: () => server.cpuSeconds(),
          foreignCpu: () => server.foreignCpuSeconds(),
        });
        if (round < 0) return;
        const run: RelayRun = {
          kind,
          payload: payload.name,
          round,
          relayed: result.relayed,
          seconds: result.seconds,
          errors: result.errors,
          serverCpuSeconds: result.serverCpuSeconds,
          foreignCpuSeconds: result.foreignCpuSeconds,
          messagesPerSecond: result.relayed / result.seconds,
          oneWayP50Ms: result.oneWay.p50,
          oneWayP99Ms: result.oneWay.p99,
          cpuMicrosPerMessage: (result.serverCpuSeconds * 1e6) / result.relayed,
        };
        runs.push(run);
        log(
          `relay round ${round + 1}/${rounds} ${kind.padEnd(6)} ${payload.name.padEnd(9)} ` +
            `${Math.round(run.messagesPerSecond)} msg/s, p50 ${run.oneWayP50Ms.toFixed(3)} ms, ` +
            `${run.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg` +
            `${run.errors > 0 ? `, ${run.errors} errors` : ''}` +
            `${run.foreignCpuSeconds / run.seconds > 0.1 ? ` (other processes used ${Math.round((100 * run.foreignCpuSeconds) / run.seconds)}% of a core)` : ''}`,
        );
      },
      (pairs) => closeSockets(pairs.flatMap((pair) => [pair.a, pair.b])),
    );
  }
  return { pairs: pairCount, rounds, ...aggregate(runs, kinds, payloads.map((payload) => payload.name)), runs };
}

function aggregate(runs: RelayRun[], kinds: readonly ServerKind[], payloads: string[]): Pick<RelayResult, 'rows' | 'ratios'> {
  const rows: RelayRow[] = [];
  for (const payload of payloads) {
    for (const kind of kinds) {
      const mine = runs.filter((run) => run.kind === kind && run.payload === payload);
      if (mine.length === 0) continue;
      rows.push({
        kind,
        payload,
        ...medians(mine, ['messagesPerSecond', 'oneWayP50Ms', 'oneWayP99Ms', 'cpuMicrosPerMessage']),
        errors: mine.reduce((sum, run) => sum + run.errors, 0),
        foreignLoad: median(mine.map((run) => Math.max(0, run.foreignCpuSeconds / run.seconds))),
      });
    }
  }
  const ratios: RelayRatio[] = [];
  for (const payload of payloads) {
    const parley = rows.find((row) => row.kind === 'parley' && row.payload === payload);
    if (parley === undefined) continue;
    for (const versus of ['floor', 'peerjs'] as const) {
      const other = rows.find((row) => row.kind === versus && row.payload === payload);
      if (other === undefined) continue;
      ratios.push({
        payload,
        versus,
        messagesPerSecond: ratio(parley.messagesPerSecond, other.messagesPerSecond),
        oneWayP50: ratio(parley.oneWayP50Ms, other.oneWayP50Ms),
        oneWayP99: ratio(parley.oneWayP99Ms, other.oneWayP99Ms),
        cpuPerMessage: ratio(parley.cpuMicrosPerMessage, other.cpuMicrosPerMessage),
      });
    }
  }
  return { rows, ratios };
}
