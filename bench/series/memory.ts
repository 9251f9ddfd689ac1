/**
 * Series 2: memory per idle client. Each server gets N idle clients, joined in 1:1 rooms for
 * Parley and connected in pairs for the others; memory is read by the server itself right
 * after a full GC, before and after, and the difference divided by N. Every round measures
 * each server once; the medians are reported.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { heapGrowthPerClient, type HeapGroup } from '../heap-summary.ts';
import type { BenchConfig } from '../cli.ts';
import { protocolClients } from '../clients/protocol-clients.ts';
import { closeSockets, inBatches } from '../clients/socket.ts';
import { repoRoot, type ServerKind } from '../proc.ts';
import { medians } from '../stats.ts';
import { forEachServerRound, type ServerRoundsInput } from './server-rounds.ts';

/** Memory of one server with N idle clients, per client in bytes. */
export interface MemoryRow {
  kind: ServerKind;
  clients: number;
  baselineRss: number;
  baselineHeap: number;
  rssPerClient: number;
  heapPerClient: number;
  /** external + arrayBuffers (socket buffers held by Node) per client. */
  externalPerClient: number;
  /** The load generator's own RSS growth per client (it holds the other ends). */
  generatorRssPerClient: number;
  /** heapTotal growth per client: the heap V8 reserved, fragmentation included. */
  heapTotalPerClient: number;
  /** With `--profile`: what the heap holds per client, by kind of object, largest first. */
  heapBreakdown?: HeapGroup[];
}

/** One server's measurement in one round. */
export interface MemoryRun extends MemoryRow {
  round: number;
}

export interface MemoryResult {
  /** Per server kind, the median over rounds. */
  rows: MemoryRow[];
  runs: MemoryRun[];
  note?: string;
}

/** Pairs connected and dropped before the baseline, so lazily compiled code is not counted. */
const warmupPairs = 20;
/** Quiet time before each reading, so the last handshakes finish. */
const settleMs = 500;

/** The soft limit on open files of this process (the children inherit it). */
function openFilesLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const line = limits.split('\n').find((row) => row.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Node flags of every server in this series. Both keep V8's state from showing as memory per
 * client (docs/performance.md, "What an idle joined client holds"): a young generation that
 * grows from 16 to 32 MiB while clients connect is 3.3 KiB a client at 5,000, and a full GC
 * that leaves old-generation pages half empty counted up to 2.8 KiB a client more than the
 * heap held. With the young generation at a fixed size and every full GC compacting, the
 * difference is what the clients hold.
 */
const memoryFlags = ['--min-semi-space-size=16', '--max-semi-space-size=16', '--compact-on-every-full-gc'];

/** The median of each figure of `runs` (one server kind), the snapshot breakdown of the first. */
function medianRow(runs: readonly MemoryRun[]): MemoryRow {
  const { kind, clients, heapBreakdown } = runs[0]!;
  const figures = medians(runs, [
    'baselineRss',
    'baselineHeap',
    'rssPerClient',
    'heapPerClient',
    'externalPerClient',
    'generatorRssPerClient',
    'heapTotalPerClient',
  ]);
  return { kind, clients, ...figures, ...(heapBreakdown === undefined ? {} : { heapBreakdown }) };
}

/** Runs the memory series over `kinds`, `config.memory.rounds` times in rotated order; rows are medians. */
export async function runMemory(input: ServerRoundsInput): Promise<MemoryResult> {
  const { kinds, log } = input;
  let clients = input.config.memory.clients;
  let note: string | undefined;
  const limit = openFilesLimit();
  if (clients + 500 > limit) {
    clients = Math.max(100, Math.floor((limit - 500) / 2) * 2);
    note = `open-files limit ${limit} (ulimit -n): measured ${clients} clients instead of ${input.config.memory.clients}`;
    log(note);
  }
  const runs: MemoryRun[] = [];
  // Memory does not depend on having the cores to themselves: no waiting for a quiet machine.
  const rounds = { ...input, config: { ...input.config, quietWaitMs: 0 }, spawnOptions: () => ({ nodeFlags: memoryFlags }) };
  await forEachServerRound(rounds, input.config.memory.rounds, async (kind, round, server) => {
    const client = protocolClients[kind];
    const warm = await inBatches(warmupPairs, 10, (index) => client.connectPair(server.port, -1 - index));
    await closeSockets(warm.flatMap((pair) => [pair.a, pair.b]));
    await sleep(settleMs);
    // With --profile, heap snapshots around the clients (first round) show which objects a client adds.
    const snapshots = input.config.profile && round === 0 ? path.join(repoRoot, 'bench', 'profiles', `heap-${kind}-${Date.now()}`) : undefined;
    if (snapshots !== undefined) mkdirSync(snapshots, { recursive: true });
    const beforeSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'before.heapsnapshot')));
    const before = await server.memory();
    const generatorBefore = process.memoryUsage().rss;

    const pairs = await inBatches(clients / 2, 100, (index) => client.connectPair(server.port, index));
    await sleep(settleMs);
    const after = await server.memory();
    const generatorAfter = process.memoryUsage().rss;
    const afterSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'after.heapsnapshot')));
    const run: MemoryRun = {
      kind,
      round,
      clients,
      baselineRss: before.rss,
      baselineHeap: before.heapUsed,
      rssPerClient: (after.rss - before.rss) / clients,
      heapPerClient: (after.heapUsed - before.heapUsed) / clients,
      externalPerClient: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / clients,
      generatorRssPerClient: (generatorAfter - generatorBefore) / clients,
      heapTotalPerClient: (after.heapTotal - before.heapTotal) / clients,
    };
    if (beforeSnapshot && afterSnapshot && snapshots) {
      run.heapBreakdown = heapGrowthPerClient(beforeSnapshot, afterSnapshot, clients).slice(0, 25);
      rmSync(snapshots, { recursive: true, force: true });
      log(`  heap per client by kind: ${run.heapBreakdown.slice(0, 8).map((group) => `${group.name} ${group.bytes.toFixed(0)} B`).join(', ')}`);
    }
    runs.push(run);
    log(
      `memory ${kind.padEnd(6)} round ${round + 1}, ${clients} idle clients: ${(run.rssPerClient / 1024).toFixed(1)} KiB RSS, ` +
        `${(run.heapPerClient / 1024).toFixed(1)} KiB heap per client (baseline RSS ${(before.rss / 2 ** 20).toFixed(0)} MiB)`,
    );
    await closeSockets(pairs.flatMap((pair) => [pair.a, pair.b]), 10_000);
  });
  const rows = kinds.map((kind) => medianRow(runs.filter((run) => run.kind === kind)));
  return note === undefined ? { rows, runs } : { rows, runs, note };
}
