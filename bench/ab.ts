/**
 * `npx tsx bench/ab.ts call-setup <web root A> <web root B> [runs]`
 * `npx tsx bench/ab.ts call-cpu <web root A> <web root B> [runs]`
 * `npx tsx bench/ab.ts relay <server entry A> <server entry B> [rounds] [candidate|sdp]`
 *
 * Two versions of Parley side by side, taking turns, for a change too small to see across two
 * full runs: this machine's speed drifts by more between sittings than most changes move it.
 *
 * - `call-setup`: two Parley servers, each serving its own build of the page (build one with
 *   `npx vite build --outDir $PWD/dist/a --emptyOutDir`), and calls set up as the call-setup
 *   series does, alternating A B B A ...; prints connected and first-frame p50, the browser's
 *   CPU per setup by kind of process (until both are connected and B shows a frame) and, with
 *   STEPS=1, the median time of every step of B's timeline (A's prefixed `A:`).
 * - `call-cpu`: the same two pages, in calls held for a few seconds each, taking turns; prints
 *   the browser's CPU per second of a settled two-person call by kind of process (the audio
 *   service, the GPU process that composites, the pages' renderers): what a call costs a
 *   laptop's battery, beyond its setup.
 * - `relay`: two Parley servers (the `bench/servers/parley.ts` of two checkouts), each with
 *   its own closed-loop pairs, measured in turns as the relay series does; prints CPU per
 *   message and each round's ratio B / A, whose spread says how far to trust the median.
 */
import path from 'node:path';
import { launchChromium } from '../tests/support/browser.ts';
import { browserCpuMs, cpuBetween } from './browser-cpu.ts';
import type { ClientPair } from './clients/client-pair.ts';
import { protocolClients } from './clients/protocol-clients.ts';
import { inBatches } from './clients/socket.ts';
import { signalPayloads } from './payloads.ts';
import { clockTicksPerSecond, pinSelf, ProcessGroup, type ServerProcess } from './proc.ts';
import { createRoom, joinRoom } from './series/call-setup.ts';
import { pingPong } from './series/ping-pong.ts';

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => value.toFixed(0);

async function callSetup(roots: readonly string[], runs: number): Promise<void> {
  const groups = roots.map(() => new ProcessGroup());
  const servers = await Promise.all(roots.map((root, index) => groups[index]!.start('parley', { env: { WEB_ROOT: path.resolve(root) } })));
  const browser = await launchChromium();
  const results = roots.map(() => ({ connected: [] as number[], firstFrame: [] as number[], steps: {} as Record<string, number[]>, cpu: {} as Record<string, number[]> }));
  const ticks = clockTicksPerSecond();
  try {
    // One unmeasured call each first: the browser and both servers warm up.
    for (let run = 0; run <= runs; run++) {
      const order = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) {
        const pair = await createRoom(browser, `http://127.0.0.1:${servers[index]!.port}`);
        const cpuBefore = browserCpuMs(ticks);
        const start = Date.now();
        const [[a, b], cpu] = await joinRoom(pair.pageA, pair.pageB, pair.url)
          .then((stamps) => [stamps, cpuBetween(cpuBefore, browserCpuMs(ticks))] as const)
          .finally(() => pair.close());
        if (run === 0) continue;
        const result = results[index]!;
        cpu.total = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
        for (const [kind, ms] of Object.entries(cpu)) (result.cpu[kind] ??= []).push(ms);
        result.connected.push(Math.max(a.connected!, b.connected!) - start);
        result.firstFrame.push(b.firstFrame! - start);
        const steps = [...Object.entries(b.timeline), ...Object.entries(a.timeline).map(([step, at]) => [`A:${step}`, at] as const)];
        for (const [step, at] of steps) if (at >= start) (result.steps[step] ??= []).push(at - start);
      }
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
  roots.forEach((root, index) => {
    const { connected, firstFrame, steps, cpu } = results[index]!;
    console.log(`${root}: connected p50 ${ms(median(connected))} ms (${connected.map(ms).join(' ')}), first frame p50 ${ms(median(firstFrame))} ms`);
    const byKind = Object.entries(cpu).map(([kind, times]) => [kind, median(times)] as const).sort((a, b) => b[1] - a[1]);
    console.log(`  browser CPU per setup, medians: ${byKind.map(([kind, used]) => `${kind} ${ms(used)}`).join(', ')} ms`);
    if (process.env.STEPS === '1') {
      const timeline = Object.entries(steps).map(([step, times]) => [step, median(times)] as const).sort((a, b) => a[1] - b[1]);
      console.log(`  ${timeline.map(([step, at]) => `${step} ${ms(at)}`).join(', ')}`);
    }
  });
}

/** How long a call settles before, and is measured for, in `call-cpu`. */
const settleMs = 2_000;
const heldMs = 6_000;

async function callCpu(roots: readonly string[], runs: number): Promise<void> {
  const groups = roots.map(() => new ProcessGroup());
  const servers = await Promise.all(roots.map((root, index) => groups[index]!.start('parley', { env: { WEB_ROOT: path.resolve(root) } })));
  const browser = await launchChromium();
  const perSecond = roots.map(() => ({}) as Record<string, number[]>);
  const ticks = clockTicksPerSecond();
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    for (let run = 0; run < runs; run++) {
      for (const index of run % 2 === 0 ? [0, 1] : [1, 0]) {
        const pair = await createRoom(browser, `http://127.0.0.1:${servers[index]!.port}`);
        try {
          await joinRoom(pair.pageA, pair.pageB, pair.url);
          await pause(settleMs);
          const before = browserCpuMs(ticks);
          await pause(heldMs);
          const used = cpuBetween(before, browserCpuMs(ticks));
          used.total = Object.values(used).reduce((sum, ms) => sum + ms, 0);
          for (const [kind, ms] of Object.entries(used)) (perSecond[index]![kind] ??= []).push((ms * 1000) / heldMs);
        } finally {
          await pair.close();
        }
      }
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
  roots.forEach((root, index) => {
    const byKind = Object.entries(perSecond[index]!).map(([kind, values]) => [kind, median(values)] as const).sort((a, b) => b[1] - a[1]);
    console.log(`${root}: browser CPU per second of call, medians of ${runs}: ${byKind.map(([kind, used]) => `${kind} ${ms(used)}`).join(', ')} ms`);
  });
}

async function relay(entries: readonly string[], rounds: number, payloadName: string): Promise<void> {
  pinSelf('load');
  const payload = signalPayloads().find((candidate) => candidate.name === payloadName);
  if (payload === undefined) throw new Error(`no payload "${payloadName}" (candidate or sdp)`);
  const setups: Array<{ server: ServerProcess; pairs: ClientPair[] }> = [];
  for (const entry of entries) {
    const server = await new ProcessGroup({ parley: path.resolve(entry) }).start('parley', { env: { BENCH_UNLIMITED: '1' } });
    setups.push({ server, pairs: await inBatches(200, 50, (index) => protocolClients.parley.connectPair(server.port, index)) });
  }
  const micros = entries.map(() => [] as number[]);
  try {
    // Round 0 warms both up and is not counted; the order alternates every round.
    for (let round = 0; round <= rounds; round++) {
      for (const index of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const { server, pairs } = setups[index]!;
        const result = await pingPong({
          pairs,
          frames: pairs.map((pair) => pair.frames(payload)),
          minFrameBytes: payload.bytes,
          warmupMs: 300,
          measureMs: 1_500,
          serverCpu: () => server.cpuSeconds(),
          foreignCpu: () => server.foreignCpuSeconds(),
        });
        if (round > 0) micros[index]!.push((result.serverCpuSeconds * 1e6) / result.relayed);
      }
    }
  } finally {
    await Promise.all(setups.map(({ server }) => server.stop()));
  }
  const [a, b] = micros as [number[], number[]];
  entries.forEach((entry, index) => console.log(`${entry}: ${median(micros[index]!).toFixed(2)} µs CPU per ${payload.name}`));
  console.log(`B / A: ${(median(b) / median(a)).toFixed(3)}; by round: ${b.map((value, round) => (value / a[round]!).toFixed(2)).join(' ')}`);
}

const [mode, first, second, count, payload] = process.argv.slice(2);
if (first === undefined || second === undefined || (mode !== 'call-setup' && mode !== 'call-cpu' && mode !== 'relay')) {
  console.error('usage: bench/ab.ts call-setup|call-cpu <web root A> <web root B> [runs] | relay <entry A> <entry B> [rounds] [candidate|sdp]');
  process.exit(2);
}
if (mode === 'call-setup') await callSetup([first, second], Number(count ?? 12));
else if (mode === 'call-cpu') await callCpu([first, second], Number(count ?? 6));
else await relay([first, second], Number(count ?? 12), payload ?? 'candidate');
process.exit(0);
