/**
 * `npm run bench:cluster`: what cluster mode costs and how fast it heals, on one machine with
 * a real Redis, two instances (server processes) and HAProxy (deploy/haproxy.cfg):
 * - a signal between two peers of one instance beside one that crosses instances through
 *   Redis: round-trip latency (p50/p99) and server CPU (both instances) per relayed signal;
 * - `kill -9` of a room's owner mid-call: time until both members are back in their room
 *   through HAProxy (p50 and max over the runs), as a page retrying every 100 ms would be.
 * Progress goes to stderr, the results as JSON to stdout.
 */
import { clockTicksPerSecond, cpuSeconds } from './proc.ts';
import { summarize } from './stats.ts';
import { resumeThrough, startCluster, type TestCluster } from '../tests/support/cluster.ts';
import { TestClient } from '../tests/support/test-client.ts';

const signals = Number(process.env.CLUSTER_SIGNALS ?? 2_000);
const killRuns = Number(process.env.CLUSTER_KILL_RUNS ?? 10);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
/** Closed-loop pairs send far beyond a browser's rate; the limiter must not drop them. */
const unlimited = { RATE_LIMIT: '1000000:1000000', RATE_LIMIT_BYTES: '1000000000:1000000000' };

/** Two peers of one room: the creator on `creatorUrl`, the joiner on `joinerUrl`. */
async function pair(creatorUrl: string, joinerUrl: string): Promise<{ a: TestClient; b: TestClient; aId: string; bId: string }> {
  const a = await TestClient.ready(creatorUrl);
  a.send({ type: 'create' });
  const created = await a.next('joined');
  const b = await TestClient.ready(joinerUrl);
  b.send({ type: 'join', roomId: created.roomId });
  const joined = await b.next('joined');
  await a.next('peer-joined');
  return { a, b, aId: created.peerId, bId: joined.peerId };
}

/** Round trips a → b → a, one at a time: latencies in ms, and CPU seconds of both instances per signal. */
async function pingPong(cluster: TestCluster, creatorUrl: string, joinerUrl: string): Promise<{ rtt: ReturnType<typeof summarize>; cpuUsPerSignal: number }> {
  const { a, b, aId, bId } = await pair(creatorUrl, joinerUrl);
  const ticks = clockTicksPerSecond();
  const pids = cluster.instances.map((instance) => instance.process.child.pid!);
  const cpu = (): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid, ticks), 0);
  const data = { candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
  const samples: number[] = [];
  const before = cpu();
  for (let i = 0; i < signals; i++) {
    const start = performance.now();
    a.send({ type: 'signal', to: bId, data });
    await b.next('signal');
    b.send({ type: 'signal', to: aId, data });
    await a.next('signal');
    samples.push(performance.now() - start);
  }
  const used = cpu() - before;
  a.socket.terminate();
  b.socket.terminate();
  return { rtt: summarize(samples), cpuUsPerSignal: (used / (signals * 2)) * 1e6 };
}

/** One kill -9 of a room's owner: ms from the kill until each member is back in its seat. */
async function killOnce(): Promise<number[]> {
  const cluster = await startCluster();
  try {
    const alice = await TestClient.ready(cluster.instances[0].url);
    alice.send({ type: 'create', capacity: 3 });
    const created = await alice.next('joined');
    const bob = await TestClient.ready(cluster.proxy.url);
    bob.send({ type: 'join', roomId: created.roomId });
    const joined = await bob.next('joined');
    await alice.next('peer-joined');
    const killed = performance.now();
    cluster.instances[0].process.child.kill('SIGKILL');
    const back = async (client: TestClient, resume: string): Promise<number> => {
      await client.closed;
      const again = await resumeThrough(cluster.proxy.url, created.roomId, resume);
      again.client.socket.terminate();
      return performance.now() - killed;
    };
    return await Promise.all([back(alice, created.resume), back(bob, joined.resume)]);
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  log('cluster: signal round trips within one instance and across two');
  const cluster = await startCluster(unlimited);
  let within;
  let across;
  try {
    within = await pingPong(cluster, cluster.instances[0].url, cluster.instances[0].url);
    across = await pingPong(cluster, cluster.instances[0].url, cluster.instances[1].url);
  } finally {
    await cluster.stop();
  }
  const resumes: number[] = [];
  for (let run = 1; run <= killRuns; run++) {
    const times = await killOnce();
    log(`cluster: kill -9 run ${run}/${killRuns}: back after ${times.map((ms) => ms.toFixed(0)).join(' and ')} ms`);
    resumes.push(...times);
  }
  const killSummary = summarize(resumes);
  process.stdout.write(`${JSON.stringify({ signals, within, across, killRuns, resumeAfterKillMs: { p50: killSummary.p50, max: killSummary.max, samples: resumes.length } }, null, 2)}\n`);
}

await main();
