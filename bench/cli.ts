/**
 * Command-line options of `npm run bench` and the sizes each mode uses.
 *   npm run bench                      full run (several minutes)
 *   npm run bench -- --quick           smaller sizes, under a minute
 *   npm run bench -- --only relay,memory
 *   npm run bench:cluster              only the cluster series (the same as --only cluster)
 *   CLUSTER_KILL_RUNS=N                how many kill -9 runs the cluster series makes (10; quick: 3)
 *   npm run bench -- --profile         also profile Parley under the relay load (--cpu-prof)
 *   npm run bench -- --parley-entry <other checkout>/bench/servers/parley.ts
 *                                      measure the Parley server of another checkout (a change)
 */

import path from 'node:path';

/** Every series, in the order they run. */
export const seriesNames = ['page-weight', 'relay', 'open-loop', 'memory', 'churn', 'call-setup', 'cluster'] as const;
export type SeriesName = (typeof seriesNames)[number];

/** Sizes and durations for one run of the benchmark. */
export interface BenchConfig {
  quick: boolean;
  only: ReadonlySet<SeriesName>;
  profile: boolean;
  /** An alternative Parley server entry (absolute path), to measure a change beside the peers. */
  parleyEntry?: string;
  /** Longest wait, before each measured server run, for other processes to leave the cores. */
  quietWaitMs: number;
  relay: { pairs: number; rounds: number; warmupMs: number; measureMs: number };
  openLoop: { clients: number; ratePerSecond: number; durationMs: number; rounds: number };
  memory: { clients: number; rounds: number };
  churn: { cyclesPerSecond: number; durationMs: number; warmupCycles: number };
  callSetup: { runs: number };
  /** Closed-loop pairs through one instance and two (docs/scaling.md), then kill -9 runs. */
  cluster: { pairs: number; rounds: number; warmupMs: number; measureMs: number; killRuns: number };
}

const full: Omit<BenchConfig, 'quick' | 'only' | 'profile' | 'parleyEntry'> = {
  quietWaitMs: 60_000,
  relay: { pairs: 200, rounds: 9, warmupMs: 300, measureMs: 1_500 },
  openLoop: { clients: 1_000, ratePerSecond: 5_000, durationMs: 5_000, rounds: 5 },
  memory: { clients: 5_000, rounds: 3 },
  churn: { cyclesPerSecond: 300, durationMs: 30_000, warmupCycles: 600 },
  callSetup: { runs: 20 },
  cluster: { pairs: 50, rounds: 3, warmupMs: 1_000, measureMs: 5_000, killRuns: 10 },
};

const quick: Omit<BenchConfig, 'quick' | 'only' | 'profile' | 'parleyEntry'> = {
  // Quick runs never wait for a quiet machine; the report warns when others were busy.
  quietWaitMs: 0,
  relay: { pairs: 50, rounds: 2, warmupMs: 200, measureMs: 500 },
  openLoop: { clients: 200, ratePerSecond: 1_000, durationMs: 1_000, rounds: 2 },
  memory: { clients: 1_000, rounds: 1 },
  churn: { cyclesPerSecond: 300, durationMs: 5_000, warmupCycles: 150 },
  callSetup: { runs: 5 },
  cluster: { pairs: 20, rounds: 1, warmupMs: 300, measureMs: 1_000, killRuns: 3 },
};

/** Parses argv (without node and script) into a config; throws on an unknown option. */
export function parseArgs(argv: readonly string[]): BenchConfig {
  let isQuick = false;
  let profile = false;
  let parleyEntry: string | undefined;
  let only: Set<SeriesName> = new Set(seriesNames);
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--quick') isQuick = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--parley-entry' || arg.startsWith('--parley-entry=')) {
      const file = arg === '--parley-entry' ? argv[++index] : arg.slice('--parley-entry='.length);
      if (!file) throw new Error('--parley-entry needs a file');
      parleyEntry = path.resolve(file);
    }
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[++index] ?? '' : arg.slice('--only='.length);
      const names = list.split(',').map((name) => name.trim()).filter(Boolean);
      for (const name of names) {
        if (!(seriesNames as readonly string[]).includes(name)) {
          throw new Error(`unknown series "${name}"; choose from ${seriesNames.join(', ')}`);
        }
      }
      only = new Set(names as SeriesName[]);
    } else if (arg === '--help' || arg === '-h') {
      throw new Error(`usage: npm run bench -- [--quick] [--only ${seriesNames.join(',')}] [--profile] [--parley-entry <file>]`);
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  const sizes = isQuick ? quick : full;
  const killRuns = process.env.CLUSTER_KILL_RUNS === undefined ? sizes.cluster.killRuns : Number(process.env.CLUSTER_KILL_RUNS);
  if (!Number.isInteger(killRuns) || killRuns < 0) throw new Error('CLUSTER_KILL_RUNS must be a whole number');
  return { quick: isQuick, only, profile, ...(parleyEntry === undefined ? {} : { parleyEntry }), ...sizes, cluster: { ...sizes.cluster, killRuns } };
}
