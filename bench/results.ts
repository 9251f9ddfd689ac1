import type { SeriesName } from './cli.ts';
import type { MachineInfo } from './machine.ts';
import type { ProfileSummary } from './profile-summary.ts';
import type { CallSetupResult } from './series/call-setup.ts';
import type { ChurnResult } from './series/churn.ts';
import type { ClusterResult } from './series/cluster.ts';
import type { MemoryResult } from './series/memory.ts';
import type { OpenLoopResult } from './series/open-loop.ts';
import type { PageWeightResult, PageWeightSkipped } from './series/page-weight.ts';
import type { RelayResult } from './series/relay.ts';

/** A series that did not run, and why. */
export interface Skipped {
  skipped: string;
}

/** One target from the brief, checked against this run (a report, never an assertion). */
export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  /** `null` when the run has no number for it. */
  met: boolean | null;
  /** How far the rounds of this run spread: each round's own figure, lowest to highest. */
  spread?: string;
}

/** Everything one run measured; written to bench/results.json. */
export interface BenchResults {
  machine: MachineInfo;
  startedAt: string;
  finishedAt?: string;
  mode: 'quick' | 'full';
  /** Set when Parley's server came from another entry file (`--parley-entry`). */
  parleyEntry?: string;
  series: SeriesName[];
  pageWeight?: PageWeightResult | PageWeightSkipped;
  relay?: RelayResult;
  openLoop?: OpenLoopResult;
  memory?: MemoryResult;
  churn?: ChurnResult;
  callSetup?: CallSetupResult | Skipped;
  /** Cluster mode beside one process, and kill -9 of a room's owner. */
  cluster?: ClusterResult | Skipped;
  /** Where Parley's server spent its time under the relay load (`--profile`). */
  profile?: ProfileSummary & { file: string };
  /**
   * Share of a core that other processes used while each series ran (1 = a whole core). Above
   * about 0.2, this run's numbers are not comparable with a quiet run's.
   */
  otherLoad: Partial<Record<SeriesName, number>>;
  /** Series that threw, by name, with the error. */
  errors: Partial<Record<SeriesName, string>>;
  targets: TargetCheck[];
}

const kib = 1024;
/** Target ceilings of the performance work (docs/performance.md). */
const targets = {
  /** Relay CPU per message against the floor server's, and below PeerJS's by a tenth. */
  cpuOverFloor: 1.2,
  cpuOverPeerjs: 0.9,
  /** Call setup over the one-page floor: both connected (p50), B's first frame (p95). */
  setupOverFloorMs: 100,
  firstFrameP95OverFloorMs: 150,
  /** "70 KB": decimal kilobytes. */
  jsGzipBytes: 70_000,
  churnMemoryChange: 0.05,
} as const;

/**
 * Parley's figure over another server's, round by round (both measured in the same round), as
 * "lowest–highest×"; empty when fewer than two rounds have both.
 */
function roundSpread<T extends { kind: string; round: number }>(runs: readonly T[], versus: string, figure: (run: T) => number): string | undefined {
  const ratios: number[] = [];
  for (const mine of runs.filter((run) => run.kind === 'parley')) {
    const other = runs.find((run) => run.kind === versus && run.round === mine.round);
    if (other !== undefined) ratios.push(figure(mine) / figure(other));
  }
  if (ratios.length < 2) return undefined;
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}× (${ratios.length} rounds)`;
}

const has = <T extends object>(value: T | Skipped | undefined): value is T => value !== undefined && !('skipped' in value);

/** Checks the brief's targets against whatever this run measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (name: string, target: string, value: number, met: boolean, format: (value: number) => string, spread?: string): void => {
    const measured = Number.isFinite(value);
    checks.push({ name, target, value: measured ? format(value) : 'n/a', met: measured ? met : null, ...(measured && spread !== undefined ? { spread } : {}) });
  };
  const relayRuns = results.relay?.runs ?? [];
  for (const ratio of results.relay?.ratios ?? []) {
    const spread = roundSpread(relayRuns.filter((run) => run.payload === ratio.payload), ratio.versus, (run) => run.cpuMicrosPerMessage);
    if (ratio.versus === 'floor') {
      check(`relay CPU/msg vs floor (${ratio.payload})`, `≤ ${targets.cpuOverFloor}×`, ratio.cpuPerMessage, ratio.cpuPerMessage <= targets.cpuOverFloor, (v) => `${v.toFixed(2)}×`, spread);
    } else {
      check(`relay CPU/msg vs PeerJS (${ratio.payload})`, `< ${targets.cpuOverPeerjs}×`, ratio.cpuPerMessage, ratio.cpuPerMessage < targets.cpuOverPeerjs, (v) => `${v.toFixed(2)}×`, spread);
    }
  }
  // The same ratios at a fixed, unsaturated rate (open loop): what a real deployment pays.
  const openRows = results.openLoop?.rows ?? [];
  const openParley = openRows.find((row) => row.kind === 'parley');
  for (const versus of ['floor', 'peerjs'] as const) {
    const other = openRows.find((row) => row.kind === versus);
    if (openParley === undefined || other === undefined) continue;
    const value = openParley.cpuMicrosPerMessage / other.cpuMicrosPerMessage;
    const goal = versus === 'floor' ? targets.cpuOverFloor : targets.cpuOverPeerjs;
    check(
      `open-loop CPU/msg vs ${versus === 'floor' ? 'floor' : 'PeerJS'} (${results.openLoop!.ratePerSecond}/s)`,
      versus === 'floor' ? `≤ ${goal}×` : `< ${goal}×`,
      value,
      versus === 'floor' ? value <= goal : value < goal,
      (v) => `${v.toFixed(2)}×`,
      roundSpread(results.openLoop!.runs, versus, (run) => run.cpuMicrosPerMessage),
    );
  }
  const parleyMemory = results.memory?.rows.find((row) => row.kind === 'parley');
  const peerjsMemory = results.memory?.rows.find((row) => row.kind === 'peerjs');
  if (parleyMemory !== undefined && peerjsMemory !== undefined) {
    const value = parleyMemory.rssPerClient;
    const goal = peerjsMemory.rssPerClient;
    const spread = roundSpread(results.memory!.runs, 'peerjs', (run) => run.rssPerClient);
    check('RSS per idle joined client', `≤ PeerJS (${(goal / kib).toFixed(1)} KiB)`, value, value <= goal, (v) => `${(v / kib).toFixed(1)} KiB`, spread);
  }
  if (results.churn !== undefined) {
    const { after, heapChange, rssChange } = results.churn;
    const leftovers = after.rooms + after.members + after.connections;
    check('churn: rooms + members + connections after', '0', leftovers, leftovers === 0, (v) => String(v));
    check('churn: heap change after GC', `within ±${targets.churnMemoryChange * 100}%`, heapChange, Math.abs(heapChange) <= targets.churnMemoryChange, (v) => `${(v * 100).toFixed(1)}%`);
    check('churn: RSS change after GC', `within ±${targets.churnMemoryChange * 100}%`, rssChange, Math.abs(rssChange) <= targets.churnMemoryChange, (v) => `${(v * 100).toFixed(1)}%`);
  }
  if (has(results.callSetup)) {
    const setup = results.callSetup;
    check('call setup p50 over floor', `≤ +${targets.setupOverFloorMs} ms`, setup.connectedP50OverFloorMs, setup.connectedP50OverFloorMs <= targets.setupOverFloorMs, (v) => `+${v.toFixed(0)} ms`);
    const firstFrameOver = setup.parley.firstFrameP95Ms - setup.floor.firstFrameP95Ms;
    check('first remote frame p95 over floor', `≤ +${targets.firstFrameP95OverFloorMs} ms`, firstFrameOver, firstFrameOver <= targets.firstFrameP95OverFloorMs, (v) => `+${v.toFixed(0)} ms`);
  }
  if (has(results.pageWeight)) {
    const value = results.pageWeight.js.gzipBytes;
    check('call page JS gzip (loaded up front)', `≤ ${targets.jsGzipBytes / 1000} KB`, value, value <= targets.jsGzipBytes, (v) => `${(v / 1000).toFixed(1)} KB`);
  }
  return checks;
}
