/**
 * `npm run bench`: measures Parley beside the servers a user could pick instead (PeerJS) and
 * beside a bare ws relay (the floor), in one run, and prints ratios. See bench/cli.ts for
 * options. Results go to stdout (a table) and bench/results.json; progress goes to stderr.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, seriesNames, type BenchConfig, type SeriesName } from './cli.ts';
import { describeMachine } from './machine.ts';
import {
  clockTicksPerSecond,
  machineBusySeconds,
  pinSelf,
  ProcessGroup,
  repoRoot,
  trackOwnCpu,
  type ServerKind,
  type SpawnOptions,
} from './proc.ts';
import { profileRelay } from './profile.ts';
import { formatReport } from './report.ts';
import { checkTargets, type BenchResults } from './results.ts';
import { runCallSetup } from './series/call-setup.ts';
import { runChurn } from './series/churn.ts';
import { runCluster } from './series/cluster.ts';
import { runMemory } from './series/memory.ts';
import { runOpenLoop } from './series/open-loop.ts';
import { runPageWeight } from './series/page-weight.ts';
import { runRelay } from './series/relay.ts';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The servers to compare; Parley only once its server exists. */
function serverKinds(): ServerKind[] {
  const parleyReady = existsSync(path.join(repoRoot, 'server', 'app.ts'));
  if (!parleyReady) log('server/app.ts does not exist yet: Parley is left out of this run');
  return parleyReady ? ['parley', 'peerjs', 'floor'] : ['peerjs', 'floor'];
}

/** Closed-loop pairs send far beyond a browser's rate; Parley's limiter must not drop them. */
const unlimited = (kind: ServerKind): SpawnOptions => (kind === 'parley' ? { env: { BENCH_UNLIMITED: '1' } } : {});

async function runSeries(name: SeriesName, config: BenchConfig, group: ProcessGroup, results: BenchResults): Promise<void> {
  const kinds = serverKinds();
  switch (name) {
    case 'page-weight':
      results.pageWeight = runPageWeight(log);
      return;
    case 'relay':
      pinSelf('load');
      results.relay = await runRelay({ group, config, kinds, log, spawnOptions: unlimited });
      if (config.profile && kinds.includes('parley')) results.profile = await profileRelay({ group, config, log });
      return;
    case 'open-loop':
      pinSelf('load');
      results.openLoop = await runOpenLoop({ group, config, kinds, log });
      return;
    case 'memory':
      pinSelf('load');
      results.memory = await runMemory({ group, config, kinds, log });
      return;
    case 'churn':
      pinSelf('load');
      if (!kinds.includes('parley')) return;
      results.churn = await runChurn({ group, config, log });
      return;
    case 'call-setup':
      // Chromium inherits this process's affinity; it needs both cores like a real browser.
      pinSelf('all');
      results.callSetup = kinds.includes('parley') ? await runCallSetup({ group, config, log }) : { skipped: 'no Parley server yet' };
      return;
    case 'cluster':
      pinSelf('load');
      results.cluster = await runCluster({ group, config, log });
      return;
  }
}

async function main(): Promise<void> {
  const config = parseArgs(process.argv.slice(2));
  const group = new ProcessGroup(config.parleyEntry === undefined ? {} : { parley: config.parleyEntry });
  if (config.parleyEntry !== undefined) log(`Parley server entry: ${config.parleyEntry}`);
  process.on('exit', () => group.killAll());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping the servers`);
      group.killAll();
      process.exit(130);
    });
  }
  const results: BenchResults = {
    machine: describeMachine(),
    startedAt: new Date().toISOString(),
    mode: config.quick ? 'quick' : 'full',
    ...(config.parleyEntry === undefined ? {} : { parleyEntry: config.parleyEntry }),
    series: seriesNames.filter((name) => config.only.has(name)),
    errors: {},
    otherLoad: {},
    targets: [],
  };
  const started = performance.now();
  const ticks = clockTicksPerSecond();
  for (const name of results.series) {
    log(`== ${name}`);
    // What this run used (its servers and browsers too) is counted as it runs; the rest of
    // the machine's busy time is other programs'.
    const busyBefore = machineBusySeconds(ticks);
    const ours = trackOwnCpu(ticks);
    const timeBefore = performance.now();
    try {
      await runSeries(name, config, group, results);
    } catch (error) {
      results.errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name} failed: ${results.errors[name]}`);
      group.killAll();
    }
    const others = machineBusySeconds(ticks) - busyBefore - ours.stop();
    results.otherLoad[name] = Math.max(0, others / ((performance.now() - timeBefore) / 1000));
  }
  pinSelf('all');
  results.finishedAt = new Date().toISOString();
  results.targets = checkTargets(results);
  const file = path.join(repoRoot, 'bench', 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatReport(results)}\n\nTook ${((performance.now() - started) / 1000).toFixed(0)} s; results in ${path.relative(process.cwd(), file)}\n`);
  process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
}

await main();
