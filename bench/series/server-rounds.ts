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
