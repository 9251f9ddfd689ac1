import type { BenchConfig } from '../cli.ts';
import { waitForQuiet, type ProcessGroup, type ServerKind, type ServerProcess, type SpawnOptions } from '../proc.ts';

/** What a series needs to run its servers round after round. */
export interface ServerRoundsInput {
  group: ProcessGroup;
  config: BenchConfig;
  kinds: readonly ServerKind[];
  log: (line: string) => void;
  spawnOptions?: (kind: ServerKind) => SpawnOptions;
}

/**
 * Starts each server kind in turn for every round and hands it to `measure`, stopping it
 * afterwards. The order rotates each round so no server always runs first (on a warmer or
 * cooler machine), and each run waits for other processes to leave the cores first.
 */
export async function forEachServerRound(
  input: ServerRoundsInput,
  rounds: number,
  measure: (kind: ServerKind, round: number, server: ServerProcess) => Promise<void>,
): Promise<void> {
  const { group, config, kinds, log } = input;
  for (let round = 0; round < rounds; round++) {
    const order = kinds.map((_, index) => kinds[(index + round) % kinds.length]!);
    for (const kind of order) {
      const otherLoad = await waitForQuiet(config.quietWaitMs);
      if (otherLoad >= 0.2) log(`other processes are using ${Math.round(otherLoad * 100)}% of a core; measuring anyway`);
      const server = await group.start(kind, input.spawnOptions?.(kind) ?? {});
      try {
        await measure(kind, round, server);
      } finally {
        await server.stop();
      }
    }
  }
}

/**
 * Starts every server kind at once, connects `connect(kind, server)`'s clients to each, and
 * then lets them take turns: in every round each server gets one `measure` window, in an
 * order that rotates each round. This machine's speed drifts by up to 2× within a minute
 * (docs/performance.md); windows seconds apart see nearly the same machine, where a whole run
 * of one server after another did not. Round -1 warms every server up and is not measured
 * (`round` is -1: the caller does not record it). Idle servers wait on the same core unused.
 */
export async function forEachServerTurn<Clients>(
  input: ServerRoundsInput,
  rounds: number,
  connect: (kind: ServerKind, server: ServerProcess) => Promise<Clients>,
  measure: (kind: ServerKind, round: number, server: ServerProcess, clients: Clients) => Promise<void>,
  release: (clients: Clients) => Promise<void>,
): Promise<void> {
  const { group, config, kinds, log } = input;
  const servers: Array<{ kind: ServerKind; server: ServerProcess; clients?: Clients }> = [];
  try {
    for (const kind of kinds) {
      const entry: { kind: ServerKind; server: ServerProcess; clients?: Clients } = { kind, server: await group.start(kind, input.spawnOptions?.(kind) ?? {}) };
      servers.push(entry);
      entry.clients = await connect(kind, entry.server);
    }
    for (let round = -1; round < rounds; round++) {
      const otherLoad = await waitForQuiet(config.quietWaitMs);
      if (otherLoad >= 0.2) log(`other processes are using ${Math.round(otherLoad * 100)}% of a core; measuring anyway`);
      for (let turn = 0; turn < servers.length; turn++) {
        const { kind, server, clients } = servers[(turn + Math.max(round, 0)) % servers.length]!;
        await measure(kind, round, server, clients!);
      }
    }
  } finally {
    for (const { server, clients } of servers) {
      if (clients !== undefined) await release(clients);
      await server.stop();
    }
  }
}
