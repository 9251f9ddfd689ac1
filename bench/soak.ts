/**
 * `npm run soak`: ten minutes (SOAK_SECONDS) of churn and relay against Parley's server in
 * its own process. Client pairs create, join and leave rooms at SOAK_CYCLES_PER_S (every tenth
 * cycle closes its sockets instead), while relay pairs in their own rooms keep signalling each
 * other and time each round trip. Between churn rounds the server's memory (after a full GC)
 * and its live rooms are sampled. Fails (exit 1) when the heap or RSS grows from the first
 * part of the run to the last, when rooms are left over, or when a relayed signal is lost.
 */
import { joinRoomPair, openParley, type JoinedSocket } from './clients/parley-client.ts';
import { closeSockets } from './clients/socket.ts';
import { ProcessGroup, type MemorySample } from './proc.ts';
import { churn } from './series/churn.ts';
import { SampleBuffer, median, summarize } from './stats.ts';
import { encode } from '../protocol/encode.ts';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const cyclesPerSecond = Number(process.env.SOAK_CYCLES_PER_S ?? 20);
/** Seconds of churn between two samples. */
const roundSeconds = Math.min(30, Math.max(5, seconds / 20));
/** Relay pairs, each sending a signal and waiting for the echo every `relayGapMs`. */
const relayPairs = 8;
const relayGapMs = 50;
/** The first part of the run is warm-up (JIT, pools); growth is judged after it. */
const warmupShare = 0.2;
/** Growth allowed from the early samples to the late ones: noise, not a leak. */
const allowed = { ratio: 1.1, bytes: 8 * 1024 * 1024 };

interface Sample extends MemorySample {
  atS: number;
  rooms: number;
  sockets: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Live rooms and open sockets, from the server's /metrics (loopback needs no token). */
async function counts(port: number): Promise<{ rooms: number; sockets: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rooms: value('parley_rooms'), sockets: value('parley_sockets') };
}

/** Relay pairs echoing signals until `stop()`; every echo must come back, in order. */
async function startRelay(port: number) {
  const roundTrips = new SampleBuffer(1_000_000);
  const state = { stopped: false, rounds: 0, failure: undefined as string | undefined };
  const pairs = await Promise.all(Array.from({ length: relayPairs }, async () => joinRoomPair(await openParley(port), await openParley(port))));
  const run = async ([a, b]: [JoinedSocket, JoinedSocket]): Promise<void> => {
    for (let seq = 0; !state.stopped; seq++) {
      const started = performance.now();
      a.socket.send(encode({ type: 'signal', to: b.peerId, data: { seq, sdp: 'v=0\r\n'.repeat(40) } }));
      const there = await b.inbox.next('signal');
      b.socket.send(encode({ type: 'signal', to: a.peerId, data: (there as { data: Record<string, unknown> }).data }));
      const back = (await a.inbox.next('signal')) as { data: { seq: number } };
      if (back.data.seq !== seq) throw new Error(`relay: sent ${seq}, got ${back.data.seq} back`);
      roundTrips.push(performance.now() - started);
      state.rounds++;
      await sleep(relayGapMs);
    }
  };
  const loops = pairs.map((pair) => run(pair).catch((error: unknown) => void (state.failure ??= String(error))));
  return {
    state,
    async stop() {
      state.stopped = true;
      await Promise.all(loops);
      await closeSockets(pairs.flatMap(([a, b]) => [a.socket, b.socket]));
      return summarize(roundTrips);
    },
  };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<number> {
  const group = new ProcessGroup();
  process.once('SIGINT', () => {
    group.killAll();
    process.exit(130);
  });
  const server = await group.start('parley', { env: { LOG_LEVEL: 'warn' } });
  const problems: string[] = [];
  try {
    const relay = await startRelay(server.port);
    const samples: Sample[] = [];
    const start = performance.now();
    let cycles = 0;
    let failures = 0;
    while ((performance.now() - start) / 1000 < seconds && relay.state.failure === undefined) {
      const round = await churn(server.port, Math.round(roundSeconds * cyclesPerSecond), cyclesPerSecond);
      cycles += round.done;
      failures += round.failures;
      const sample = { atS: (performance.now() - start) / 1000, ...(await server.memory()), ...(await counts(server.port)) };
      samples.push(sample);
      console.log(`soak: ${sample.atS.toFixed(0)} s, ${cycles} cycles, rss ${mib(sample.rss)}, heap ${mib(sample.heapUsed)}, ${sample.rooms} rooms, ${sample.sockets} sockets, ${relay.state.rounds} relay round trips`);
    }
    const relayed = await relay.stop();
    await sleep(1_000);
    const end = await counts(server.port);

    const judged = samples.filter((sample) => sample.atS >= seconds * warmupShare);
    const third = Math.max(1, Math.floor(judged.length / 3));
    const early = judged.slice(0, third);
    const late = judged.slice(-third);
    for (const key of ['rss', 'heapUsed'] as const) {
      const before = median(early.map((sample) => sample[key]));
      const after = median(late.map((sample) => sample[key]));
      console.log(`soak: ${key} ${mib(before)} early, ${mib(after)} late`);
      if (after > before * allowed.ratio && after - before > allowed.bytes) problems.push(`${key} grew from ${mib(before)} to ${mib(after)}`);
    }
    const roomsDuring = new Set(samples.map((sample) => sample.rooms));
    if ([...roomsDuring].some((rooms) => rooms > relayPairs)) problems.push(`rooms between churn rounds: ${[...roomsDuring].join(', ')} (only the ${relayPairs} relay rooms should be live)`);
    if (end.rooms !== 0 || end.sockets !== 0) problems.push(`after the run: ${end.rooms} rooms and ${end.sockets} sockets left`);
    if (relay.state.failure !== undefined) problems.push(relay.state.failure);
    if (failures > 0) problems.push(`${failures} churn cycles failed`);
    console.log(
      JSON.stringify({
        seconds: Math.round((performance.now() - start) / 1000),
        cycles,
        failures,
        relayRoundTrips: relay.state.rounds,
        relayP50Ms: Number(relayed.p50.toFixed(1)),
        relayP99Ms: Number(relayed.p99.toFixed(1)),
        peakRss: Math.max(...samples.map((sample) => sample.rss)),
        rss: samples.map((sample) => sample.rss),
        problems,
      }),
    );
  } finally {
    await server.stop();
  }
  console.log(problems.length === 0 ? 'soak: passed' : `soak: FAILED\n  - ${problems.join('\n  - ')}`);
  return problems.length === 0 ? 0 : 1;
}

process.exit(await main());
