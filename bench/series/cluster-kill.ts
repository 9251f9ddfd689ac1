/**
 * Part of the `cluster` series: how fast a call heals when the instance that owns its room is
 * killed (`kill -9`). Each run starts a fresh deployment as tests/support/cluster.ts does (a
 * real redis-server, two `server/main.ts` processes, HAProxy with deploy/haproxy.cfg), puts
 * Alice on the instance that owns the room and Bob on the other, kills the owner and measures
 * the time until each is back in the room with its seat, reconnecting through HAProxy as a
 * page would (retrying every 100 ms).
 */
import os from 'node:os';
import { resumeThrough, startCluster } from '../../tests/support/cluster.ts';
import { TestClient } from '../../tests/support/test-client.ts';
import { summarize } from '../stats.ts';

/** Back-in-room times over the runs, in ms from the kill. */
export interface KillResult {
  runs: number;
  /** One-minute load average before the first run and after the last (the machine was not quiet above 1). */
  loadAverage: { before: number; after: number };
  /** Alice, whose socket died with the killed instance. */
  killedClientBackMs: { p50: number; max: number; samples: number[] };
  /** Bob, whose socket was on the surviving instance and closed by it (1012). */
  otherClientBackMs: { p50: number; max: number; samples: number[] };
}

/** One kill -9 of a room's owner: ms from the kill until Alice, then Bob, is back in the room. */
async function killOnce(): Promise<[number, number]> {
  const cluster = await startCluster();
  const clients: TestClient[] = [];
  try {
    const alice = await TestClient.ready(cluster.instances[0].url);
    clients.push(alice);
    alice.send({ type: 'create' });
    const created = await alice.next('joined', 20_000);
    const bob = await TestClient.ready(cluster.instances[1].url);
    clients.push(bob);
    bob.send({ type: 'join', roomId: created.roomId });
    const joined = await bob.next('joined', 20_000);
    await alice.next('peer-joined', 20_000);
    const killed = performance.now();
    cluster.instances[0].process.child.kill('SIGKILL');
    const back = async (client: TestClient, resume: string): Promise<number> => {
      await client.closed;
      const again = await resumeThrough(cluster.proxy.url, created.roomId, resume);
      const ms = performance.now() - killed;
      clients.push(again.client);
      return ms;
    };
    return await Promise.all([back(alice, created.resume), back(bob, joined.resume)]);
  } finally {
    for (const client of clients) client.socket.terminate();
    await cluster.stop();
  }
}

/** Runs `runs` kills one after another, logging each. */
export async function runKills(runs: number, log: (line: string) => void): Promise<KillResult> {
  const before = os.loadavg()[0]!;
  const killedClient: number[] = [];
  const otherClient: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const [alice, bob] = await killOnce();
    killedClient.push(alice);
    otherClient.push(bob);
    log(`cluster: kill -9 run ${run}/${runs}: the killed instance's client back after ${alice.toFixed(0)} ms, the other's after ${bob.toFixed(0)} ms`);
  }
  const summary = (samples: number[]): KillResult['killedClientBackMs'] => {
    const { p50, max } = summarize(samples);
    return { p50, max, samples };
  };
  return { runs, loadAverage: { before, after: os.loadavg()[0]! }, killedClientBackMs: summary(killedClient), otherClientBackMs: summary(otherClient) };
}
