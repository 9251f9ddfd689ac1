/**
 * Series 2: memory per idle client. Each server gets N idle clients, joined in 1:1 rooms for
 * Parley and connected in pairs for the others; memory is read by the server itself right
 * after a full GC, before and after, and the difference divided by N.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { heapGrowthPerClient, type HeapGroup } from '../heap-summary.ts';
import type { BenchConfig } from '../cli.ts';
import { protocolClients } from '../clients/protocol-clients.ts';
import { closeSockets, inBatches } from '../clients/socket.ts';
import { repoRoot, type ProcessGroup, type ServerKind, type SpawnOptions } from '../proc.ts';

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

export interface MemoryResult {
  rows: MemoryRow[];
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

/** Runs the memory series over `kinds`. */
export async function runMemory(input: {
  group: ProcessGroup;
  config: BenchConfig;
  kinds: readonly ServerKind[];
  log: (line: string) => void;
  spawnOptions?: (kind: ServerKind) => SpawnOptions;
}): Promise<MemoryResult> {
  const { group, kinds, log } = input;
  let clients = input.config.memory.clients;
  let note: string | undefined;
  const limit = openFilesLimit();
  if (clients + 500 > limit) {
    clients = Math.max(100, Math.floor((limit - 500) / 2) * 2);
    note = `open-files limit ${limit} (ulimit -n): measured ${clients} clients instead of ${input.config.memory.clients}`;
    log(note);
  }
  const rows: MemoryRow[] = [];
  for (const kind of kinds) {
    const server = await group.start(kind, input.spawnOptions?.(kind) ?? {});
    try {
      const client = protocolClients[kind];
      const warm = await inBatches(warmupPairs, 10, (index) => client.connectPair(server.port, -1 - index));
      await closeSockets(warm.flatMap((pair) => [pair.a, pair.b]));
      await sleep(settleMs);
      // With --profile, heap snapshots around the clients show which objects a client adds.
      const snapshots = input.config.profile ? path.join(repoRoot, 'bench', 'profiles', `heap-${kind}-${Date.now()}`) : undefined;
      if (snapshots !== undefined) mkdirSync(snapshots, { recursive: true });
      const beforeSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'before.heapsnapshot')));
      const before = await server.memory();
      const generatorBefore = process.memoryUsage().rss;

      const pairs = await inBatches(clients / 2, 100, (index) => client.connectPair(server.port, index));
      await sleep(settleMs);
      const after = await server.memory();
      const generatorAfter = process.memoryUsage().rss;
      const afterSnapshot = snapshots && (await server.heapSnapshot(path.join(snapshots, 'after.heapsnapshot')));
      const row: MemoryRow = {
        kind,
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
        row.heapBreakdown = heapGrowthPerClient(beforeSnapshot, afterSnapshot, clients).slice(0, 25);
        rmSync(snapshots, { recursive: true, force: true });
        log(`  heap per client by kind: ${row.heapBreakdown.slice(0, 8).map((group) => `${group.name} ${group.bytes.toFixed(0)} B`).join(', ')}`);
      }
      rows.push(row);
      log(
        `memory ${kind.padEnd(6)} ${clients} idle clients: ${(row.rssPerClient / 1024).toFixed(1)} KiB RSS, ` +
          `${(row.heapPerClient / 1024).toFixed(1)} KiB heap per client (baseline RSS ${(before.rss / 2 ** 20).toFixed(0)} MiB)`,
      );
      await closeSockets(pairs.flatMap((pair) => [pair.a, pair.b]), 10_000);
    } finally {
      await server.stop();
    }
  }
  return note === undefined ? { rows } : { rows, note };
}
